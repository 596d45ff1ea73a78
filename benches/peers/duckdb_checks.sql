-- The 8 checks of CHECKS.md in DuckDB SQL, as an analyst would write them.
-- Run by duckdb_checks.py, which defines before this file:
--   views claims_raw, notes_raw (the exports), excludes1_raw, spans_raw (reference TSVs),
--   macros parse_date(x), has_strength(t), has_distinction(t), has_etiology(t) (text rules),
--   and substitutes :FROM / :TO (a DATE literal or NULL).
-- Output: table findings(check_id, claim_id).
-- Readings of open spots are those of polars_rowregex.py (see its docstring).

CREATE OR REPLACE MACRO norm_code(c) AS upper(replace(trim(c), '.', ''));
CREATE OR REPLACE MACRO nonempty(c) AS (c IS NOT NULL AND trim(CAST(c AS VARCHAR)) <> '');
CREATE OR REPLACE MACRO is_neuro(c) AS regexp_matches(c, '^(G|I63|I69|S141|S241|S341)');
CREATE OR REPLACE MACRO is_specific(c) AS regexp_matches(c,
    '^(Z47|Z48|Z966|M60|M33|M6284|M625|M6285|C|I50|J44|N18|M05|M06|M32|M353|G|I63|I69|S141|S241|S341)');
CREATE OR REPLACE MACRO is_neuro_cpt(c) AS (length(c) = 5 AND (
    c BETWEEN '95831' AND '95834' OR c BETWEEN '95860' AND '95872'
    OR c BETWEEN '95885' AND '95887' OR c BETWEEN '95907' AND '95913'));
CREATE OR REPLACE MACRO in_period(d) AS ((:FROM IS NULL OR d >= :FROM) AND (:TO IS NULL OR d <= :TO));

-- ---------------------------------------------------------------- claims
-- usable lines only, by claims-audit's row rules (rejects.csv): required values present, dates,
-- whole numbers, amounts, CPT and diagnosis codes of possible shape; a claim whose lines disagree on
-- patient, date or diagnoses is dropped whole. (A repeated line is not dropped first: its copy
-- changes nothing here when it repeats the line, as the generated data's copies do.)
CREATE TEMP TABLE claims AS
SELECT claim_id,
       first(patient_id) AS patient_id,
       first(service_date) AS service_date,
       first(dx_codes) AS dx_codes,
       bool_or(is_neuro_cpt(cpt_code)) AS has_neuro_cpt,
       in_period(first(service_date)) AS in_period
FROM (
    SELECT txt(claim_id) AS claim_id,
           txt(patient_id) AS patient_id,
           parse_date(service_date) AS service_date,
           upper(txt(cpt_code)) AS cpt_code,
           dx_list(dx_codes) AS dx_codes
    FROM claims_raw
    WHERE txt(claim_id) IS NOT NULL AND whole_ok(line_number, 1) AND txt(patient_id) IS NOT NULL
      AND txt(provider_id) IS NOT NULL AND parse_date(service_date) IS NOT NULL
      AND coalesce(regexp_full_match(upper(txt(cpt_code)), '[0-9A-Z]{5}'), false)
      AND (txt(units) IS NULL OR whole_ok(units, 0))
      AND amount_ok(charge_amount) AND (txt(paid_amount) IS NULL OR amount_ok(paid_amount))
      AND dx_list(dx_codes) IS NOT NULL
)
GROUP BY claim_id
HAVING count(DISTINCT patient_id) = 1 AND count(DISTINCT service_date) = 1 AND count(DISTINCT dx_codes) = 1;

-- one row per (claim, code), pos 1 = primary
CREATE TEMP TABLE dx AS
WITH c AS (
    SELECT claim_id, patient_id, service_date, in_period,
           string_split(dx_codes, ';') AS codes
    FROM claims
)
SELECT claim_id, patient_id, service_date, in_period,
       unnest(codes) AS code, unnest(range(1, len(codes) + 1)) AS pos
FROM c;

CREATE TEMP TABLE flags AS
SELECT claim_id,
       bool_or(code = 'M6281') AS has_m6281,
       bool_or(code = 'R531') AS has_r531,
       bool_or(is_neuro(code)) AS has_neuro,
       bool_or(pos = 1 AND code = 'M6281') AS m6281_primary,
       bool_or(pos > 1 AND is_specific(code)) AS specific_later
FROM dx GROUP BY claim_id;

CREATE TEMP TABLE visits AS
SELECT c.claim_id, c.patient_id, c.service_date, c.in_period, c.has_neuro_cpt, f.*
EXCLUDE (claim_id)
FROM claims c JOIN flags f USING (claim_id);

-- ---------------------------------------------------------------- notes (text read once)
CREATE TEMP TABLE notes AS
SELECT txt(note_id) AS note_id,
       txt(patient_id) AS patient_id,
       parse_date(note_date) AS note_date,
       txt(claim_id) AS note_claim_id,
       has_strength(text) AS strength,
       has_distinction(text) AS distinction,
       has_etiology(text) AS etiology
FROM notes_raw
WHERE txt(note_id) IS NOT NULL AND txt(patient_id) IS NOT NULL AND parse_date(note_date) IS NOT NULL
  AND text IS NOT NULL AND NOT regexp_full_match(text, '\s*');

-- a note supports a claim by claim_id, or (no claim_id) by patient and date
CREATE TEMP TABLE support AS
SELECT v.claim_id, n.note_id, n.strength, n.distinction, n.etiology
FROM visits v JOIN notes n ON n.note_claim_id = v.claim_id
WHERE v.in_period
UNION ALL
SELECT v.claim_id, n.note_id, n.strength, n.distinction, n.etiology
FROM visits v JOIN notes n
  ON n.note_claim_id IS NULL AND n.patient_id = v.patient_id AND n.note_date = v.service_date
WHERE v.in_period;

CREATE TEMP TABLE meas AS
SELECT DISTINCT patient_id, note_date AS m_date FROM notes WHERE strength;

-- ---------------------------------------------------------------- M62.81 visits
-- every M62.81 visit numbered per patient in (date, claim_id) order (history included)
CREATE TEMP TABLE m_all AS
SELECT claim_id, patient_id, service_date, in_period, has_neuro, has_neuro_cpt,
       row_number() OVER (PARTITION BY patient_id ORDER BY service_date, claim_id) AS visit_no
FROM visits WHERE has_m6281;

-- the latest strength measurement on or before each audited M62.81 visit
CREATE TEMP TABLE m_aud AS
SELECT a.*, m.m_date
FROM (SELECT * FROM m_all WHERE in_period) a
ASOF LEFT JOIN meas m ON a.patient_id = m.patient_id AND a.service_date >= m.m_date;

CREATE TEMP TABLE no_strength AS
SELECT claim_id FROM m_aud
WHERE m_date IS NULL OR date_diff('day', m_date, service_date) > 365;

-- how many M62.81 visits the patient had on or before a date
CREATE TEMP TABLE through_date AS
SELECT patient_id, service_date AS t_date, max(visit_no) AS visits_through
FROM m_all GROUP BY patient_id, service_date;

-- ---------------------------------------------------------------- excludes1
CREATE TEMP TABLE ex AS
WITH r AS (
    SELECT regexp_replace(trim(code), '[.\-]+$', '') AS c, regexp_replace(trim(excluded), '[.\-]+$', '') AS e
    FROM excludes1_raw WHERE nonempty(excluded)
)
SELECT DISTINCT norm_code(split_part(c, '-', 1)) AS c_lo,
       norm_code(CASE WHEN contains(c, '-') THEN split_part(c, '-', -1) ELSE c END) AS c_hi,
       norm_code(split_part(e, '-', 1)) AS e_lo,
       norm_code(CASE WHEN contains(e, '-') THEN split_part(e, '-', -1) ELSE e END) AS e_hi
FROM r;

CREATE TEMP TABLE dx_pairs AS
SELECT a.claim_id, a.code AS a, b.code AS b
FROM dx a JOIN dx b ON a.claim_id = b.claim_id AND a.code <> b.code
WHERE a.in_period;

CREATE TEMP TABLE conflicting AS
WITH p AS (SELECT DISTINCT a, b FROM dx_pairs),
hit AS (
    SELECT DISTINCT a, b FROM p, ex
    WHERE left(a, length(c_lo)) >= c_lo AND left(a, length(c_hi)) <= c_hi
      AND left(b, length(e_lo)) >= e_lo AND left(b, length(e_hi)) <= e_hi
)
SELECT a, b FROM hit UNION SELECT b, a FROM hit;

CREATE TEMP TABLE spans AS
SELECT norm_code(code) AS code, CAST(valid_from AS DATE) AS vf,
       coalesce(CAST(nullif(valid_to, '') AS DATE), DATE '9999-12-31') AS vt
FROM spans_raw;

-- ---------------------------------------------------------------- findings
CREATE TEMP TABLE findings AS
SELECT DISTINCT check_id, claim_id FROM (
    SELECT 'excludes1-conflict' AS check_id, claim_id
    FROM dx_pairs SEMI JOIN conflicting USING (a, b)

    UNION ALL
    SELECT 'dx-invalid', d.claim_id
    FROM dx d
    WHERE d.in_period AND NOT EXISTS (
        SELECT 1 FROM spans s
        WHERE s.code = d.code AND s.vf <= greatest(d.service_date, DATE '2015-10-01')
          AND greatest(d.service_date, DATE '2015-10-01') <= s.vt)

    UNION ALL
    SELECT 'm6281-neuro-dx-mismatch', claim_id FROM m_aud WHERE has_neuro

    UNION ALL
    SELECT 'm6281-no-strength-exam', claim_id FROM no_strength

    UNION ALL
    SELECT 'm6281-no-reassessment', a.claim_id
    FROM m_aud a
    JOIN (SELECT patient_id FROM m_aud GROUP BY patient_id HAVING count(*) >= 6) heavy USING (patient_id)
    ASOF LEFT JOIN through_date t ON a.patient_id = t.patient_id AND a.m_date >= t.t_date
    WHERE a.m_date IS NOT NULL AND date_diff('day', a.m_date, a.service_date) <= 365
      AND (a.visit_no - coalesce(t.visits_through, 0) > 10
           OR date_diff('day', a.m_date, a.service_date) > 90)

    UNION ALL
    SELECT 'm6281-primary-with-specific', claim_id
    FROM visits WHERE in_period AND m6281_primary AND specific_later

    UNION ALL
    SELECT 'm6281-neuro-cpt-undistinguished', claim_id
    FROM m_aud
    WHERE has_neuro_cpt
      AND claim_id NOT IN (SELECT claim_id FROM support WHERE distinction)

    UNION ALL
    SELECT 'r531-specificity', claim_id
    FROM visits
    WHERE in_period AND has_r531 AND NOT has_m6281 AND NOT has_neuro
      AND claim_id IN (SELECT claim_id FROM support WHERE strength AND etiology)
);
