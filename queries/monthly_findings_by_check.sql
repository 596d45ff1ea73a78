-- Monthly findings trend per check
-- Answers: how many findings (and how much money at risk) each check raised
-- in each month of service, to see whether a coding problem is growing or
-- fading after training. One row per (month, check) with findings; months
-- without findings for a check are absent, not zero.
-- Tables: findings (works on a run folder alone).
WITH monthly AS (
    SELECT
        STRFTIME(service_date, '%Y-%m') AS month,
        check_id,
        severity,
        claim_id,
        amount_at_risk
    FROM findings
)
SELECT
    month,
    check_id,
    severity,
    COUNT(*) AS findings,
    ROUND(SUM(amount_at_risk), 2) AS amount_at_risk
FROM monthly
GROUP BY month, check_id, severity
ORDER BY month, check_id
