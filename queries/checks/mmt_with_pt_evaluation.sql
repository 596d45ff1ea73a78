-- id: mmt-with-pt-evaluation
-- severity: medium
-- rule: NCCI procedure-to-procedure edits: manual muscle testing (95831) is bundled into a PT evaluation (97161-97163) of the same encounter
-- description: A claim that bills manual muscle testing of an extremity or
--   the trunk (CPT 95831) together with a physical therapy evaluation
--   (97161, 97162 or 97163). Muscle testing is part of the evaluation, so
--   billing it beside the evaluation is unbundling unless the testing was a
--   separate and distinct service (documented, with modifier 59 or XU). The
--   evidence names both lines and the modifiers on the 95831 line.
-- (Each side is filtered before the join: a join of all claim lines with
-- themselves costs seconds on millions of lines.)
WITH mmt AS (
    SELECT claim_id, line_number, modifiers FROM claims WHERE cpt_code = '95831'
),
ev AS (
    SELECT claim_id, line_number, cpt_code FROM claims
    WHERE cpt_code IN ('97161', '97162', '97163')
)
SELECT
    mmt.claim_id,
    'CPT 95831 (line ' || CAST(mmt.line_number AS VARCHAR) || ', modifiers '
        || COALESCE(NULLIF(mmt.modifiers, ''), 'none')
        || ') billed with PT evaluation ' || ev.cpt_code
        || ' (line ' || CAST(ev.line_number AS VARCHAR) || ')' AS evidence
FROM mmt
JOIN ev ON ev.claim_id = mmt.claim_id
