-- Reassessment cadence per provider
-- Answers: at each provider's M62.81 visits in the audit period, how old is
-- the patient's latest documented strength measurement (a graded strength
-- finding in any note on or before the visit)? Per provider: M62.81 visits
-- and patients, visits with no measurement at all, the median and longest
-- age of the measurement in days, and visits where it is over 90 days old
-- (CMS asks for reassessment at least every 90 days / 10 visits).
-- Tables: visits, claim_dx, note_facts.
WITH m6281_visits AS (
    SELECT DISTINCT v.claim_id, v.patient_id, v.provider_id, v.service_date
    FROM visits v
    JOIN claim_dx d ON d.claim_id = v.claim_id
    WHERE d.code = 'M6281' AND v.in_period
),
measured AS (
    SELECT DISTINCT patient_id, note_date
    FROM note_facts
    WHERE has_strength_grade
),
latest AS (
    SELECT
        v.claim_id,
        v.provider_id,
        v.patient_id,
        v.service_date,
        MAX(CASE WHEN m.note_date <= v.service_date THEN m.note_date END) AS measured_on
    FROM m6281_visits v
    LEFT JOIN measured m ON m.patient_id = v.patient_id
    GROUP BY v.claim_id, v.provider_id, v.patient_id, v.service_date
),
aged AS (
    SELECT
        claim_id,
        provider_id,
        patient_id,
        measured_on,
        (EXTRACT(EPOCH FROM CAST(service_date AS TIMESTAMP))
            - EXTRACT(EPOCH FROM CAST(measured_on AS TIMESTAMP))) / 86400 AS days_since
    FROM latest
)
SELECT
    provider_id,
    COUNT(*) AS m6281_visits,
    COUNT(DISTINCT patient_id) AS patients,
    SUM(CASE WHEN measured_on IS NULL THEN 1 ELSE 0 END) AS visits_never_measured,
    MEDIAN(days_since) AS median_days_since_measurement,
    MAX(days_since) AS max_days_since_measurement,
    SUM(CASE WHEN days_since > 90 THEN 1 ELSE 0 END) AS visits_over_90_days
FROM aged
GROUP BY provider_id
ORDER BY visits_over_90_days DESC, median_days_since_measurement DESC, provider_id
