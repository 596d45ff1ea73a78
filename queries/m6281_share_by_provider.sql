-- M62.81 share per provider, with its percentile
-- Answers: what share of each provider's audited claims carries M62.81
-- (muscle weakness, generalized) at any position, and where does that share
-- rank among providers? Providers at or above the 80th percentile are
-- flagged for review, as CMS comparative billing reports do.
-- percentile = 100 * (rank of the share among providers - 1) / (providers - 1),
-- ties taking the lowest rank (SQL's PERCENT_RANK; null with one provider).
-- Tables: visits (audited claims: in_period), claim_dx.
WITH m6281 AS (
    SELECT DISTINCT claim_id FROM claim_dx WHERE code = 'M6281'
),
per_provider AS (
    SELECT
        v.provider_id,
        COUNT(*) AS claims,
        SUM(CASE WHEN m.claim_id IS NULL THEN 0 ELSE 1 END) AS m6281_claims
    FROM visits v
    LEFT JOIN m6281 m ON m.claim_id = v.claim_id
    WHERE v.in_period
    GROUP BY v.provider_id
),
shares AS (
    SELECT
        provider_id,
        claims,
        m6281_claims,
        CAST(m6281_claims AS DOUBLE) / claims AS share
    FROM per_provider
),
ranked AS (
    SELECT
        provider_id,
        claims,
        m6281_claims,
        share,
        100.0 * (RANK() OVER (ORDER BY share) - 1)
            / NULLIF(COUNT(*) OVER () - 1, 0) AS percentile
    FROM shares
)
SELECT
    provider_id,
    claims,
    m6281_claims,
    ROUND(share, 4) AS m6281_share,
    ROUND(percentile, 1) AS percentile,
    CASE WHEN percentile >= 80 THEN 'review' ELSE '' END AS flag
FROM ranked
ORDER BY share DESC, provider_id
