-- Top providers by amount at risk
-- Answers: which rendering providers carry the most money at risk in the
-- audit period, on how many flagged claims, and how many of those claims
-- have a high-severity finding? A claim flagged by several checks counts
-- once (its amount at risk is the claim's, whatever the number of checks).
-- Tables: findings (works on a run folder alone: query --from-run DIR).
-- Portable: runs unchanged in DuckDB over `claims-audit export`.
WITH flagged AS (
    SELECT
        provider_id,
        claim_id,
        MAX(amount_at_risk) AS amount_at_risk,
        COUNT(*) AS findings,
        SUM(CASE WHEN severity = 'high' THEN 1 ELSE 0 END) AS high_findings
    FROM findings
    GROUP BY provider_id, claim_id
)
SELECT
    provider_id,
    COUNT(*) AS claims_flagged,
    SUM(findings) AS findings,
    SUM(CASE WHEN high_findings > 0 THEN 1 ELSE 0 END) AS claims_with_high,
    ROUND(SUM(amount_at_risk), 2) AS amount_at_risk,
    ROUND(MAX(amount_at_risk), 2) AS largest_claim
FROM flagged
GROUP BY provider_id
ORDER BY amount_at_risk DESC, provider_id
LIMIT 20
