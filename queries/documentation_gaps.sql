-- Notes lacking each documentation element
-- Answers: of the notes that support an audited M62.81 claim, how many lack
-- each of the six elements a muscle-weakness diagnosis should rest on:
-- strength grade, muscle group, musculoskeletal etiology, neuro
-- distinction, functional impact, treatment plan. A note supports a claim
-- when its claim_id is the claim's, or, having no claim_id, when patient and
-- date match (CONTRACT.md).
-- Tables: visits, claim_dx, note_facts.
WITH m6281_claims AS (
    SELECT DISTINCT v.claim_id, v.patient_id, v.service_date
    FROM visits v
    JOIN claim_dx d ON d.claim_id = v.claim_id
    WHERE d.code = 'M6281' AND v.in_period
),
linked AS (
    SELECT f.note_id
    FROM note_facts f
    JOIN m6281_claims c ON c.claim_id = f.claim_id
),
same_day AS (
    SELECT f.note_id
    FROM note_facts f
    JOIN m6281_claims c ON c.patient_id = f.patient_id AND c.service_date = f.note_date
    WHERE f.claim_id IS NULL
),
supporting AS (
    SELECT
        note_id,
        has_strength_grade,
        muscle_group,
        msk_etiology,
        neuro_distinction,
        functional_impact,
        treatment_plan
    FROM note_facts
    WHERE note_id IN (SELECT note_id FROM linked)
       OR note_id IN (SELECT note_id FROM same_day)
),
gaps AS (
    SELECT 1 AS ord, 'strength grade' AS element, COUNT(*) AS m6281_notes,
           SUM(CASE WHEN has_strength_grade THEN 0 ELSE 1 END) AS lacking
    FROM supporting
    UNION ALL
    SELECT 2 AS ord, 'muscle group' AS element, COUNT(*) AS m6281_notes,
           SUM(CASE WHEN muscle_group THEN 0 ELSE 1 END) AS lacking
    FROM supporting
    UNION ALL
    SELECT 3 AS ord, 'musculoskeletal etiology' AS element, COUNT(*) AS m6281_notes,
           SUM(CASE WHEN msk_etiology THEN 0 ELSE 1 END) AS lacking
    FROM supporting
    UNION ALL
    SELECT 4 AS ord, 'neuro distinction' AS element, COUNT(*) AS m6281_notes,
           SUM(CASE WHEN neuro_distinction THEN 0 ELSE 1 END) AS lacking
    FROM supporting
    UNION ALL
    SELECT 5 AS ord, 'functional impact' AS element, COUNT(*) AS m6281_notes,
           SUM(CASE WHEN functional_impact THEN 0 ELSE 1 END) AS lacking
    FROM supporting
    UNION ALL
    SELECT 6 AS ord, 'treatment plan' AS element, COUNT(*) AS m6281_notes,
           SUM(CASE WHEN treatment_plan THEN 0 ELSE 1 END) AS lacking
    FROM supporting
)
SELECT
    element,
    m6281_notes,
    lacking,
    ROUND(CAST(lacking AS DOUBLE) / NULLIF(m6281_notes, 0), 4) AS share_lacking
FROM gaps
ORDER BY ord
