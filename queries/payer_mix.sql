-- Payer mix of findings
-- Answers: for each payer, how many audited claims there were, how many of
-- them were flagged (and at what rate), how many findings they drew, and
-- what share of the total amount at risk sits with that payer (each flagged
-- claim counted once). Claims without a payer show as '(unknown)'.
-- Tables: visits (audited claims: in_period), findings.
WITH audited AS (
    SELECT
        CASE WHEN payer = '' THEN '(unknown)' ELSE payer END AS payer,
        COUNT(*) AS claims
    FROM visits
    WHERE in_period
    GROUP BY CASE WHEN payer = '' THEN '(unknown)' ELSE payer END
),
flagged AS (
    SELECT
        CASE WHEN payer = '' THEN '(unknown)' ELSE payer END AS payer,
        claim_id,
        COUNT(*) AS findings,
        MAX(amount_at_risk) AS amount_at_risk
    FROM findings
    GROUP BY CASE WHEN payer = '' THEN '(unknown)' ELSE payer END, claim_id
),
per_payer AS (
    SELECT
        payer,
        COUNT(*) AS claims_flagged,
        SUM(findings) AS findings,
        SUM(amount_at_risk) AS amount_at_risk
    FROM flagged
    GROUP BY payer
),
total AS (
    SELECT SUM(amount_at_risk) AS amount_at_risk FROM per_payer
)
SELECT
    a.payer,
    a.claims,
    COALESCE(p.claims_flagged, 0) AS claims_flagged,
    ROUND(CAST(COALESCE(p.claims_flagged, 0) AS DOUBLE) / a.claims, 4) AS flag_rate,
    COALESCE(p.findings, 0) AS findings,
    ROUND(COALESCE(p.amount_at_risk, 0), 2) AS amount_at_risk,
    ROUND(COALESCE(p.amount_at_risk, 0) / NULLIF(t.amount_at_risk, 0), 4) AS share_of_amount_at_risk
FROM audited a
LEFT JOIN per_payer p ON p.payer = a.payer
CROSS JOIN total t
ORDER BY amount_at_risk DESC, a.payer
