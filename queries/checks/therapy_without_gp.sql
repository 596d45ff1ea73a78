-- id: therapy-without-gp
-- severity: low
-- rule: CMS Pub. 100-04 ch.5 §20.1: outpatient physical therapy services are reported with the GP modifier
-- description: A therapy line (CPT 97010-97799, the physical medicine and
--   rehabilitation codes) billed without the GP modifier. The modifiers
--   column may separate modifiers with `;`, `,` or spaces; case does not
--   matter, and GP must be a whole modifier (`GPX` is not GP). 97802-97814
--   (nutrition therapy, acupuncture) are 97xxx codes outside therapy and are
--   not checked. A clinic that also bills occupational or speech therapy
--   (GO, GN) should copy this check and accept those modifiers too.

-- Modifiers are normalised to `;GP;59;` form, so plain LIKE finds a whole
-- GP in any engine (DuckDB, Spark SQL, Trino run this file unchanged).
WITH therapy AS (
    SELECT
        claim_id,
        line_number,
        cpt_code,
        modifiers,
        ';' || UPPER(REPLACE(REPLACE(COALESCE(modifiers, ''), ',', ';'), ' ', ';')) || ';' AS mods
    FROM claims
    WHERE cpt_code BETWEEN '97010' AND '97799'
)
SELECT
    claim_id,
    'line ' || CAST(line_number AS VARCHAR) || ': CPT ' || cpt_code
        || ' without GP (modifiers: ' || COALESCE(NULLIF(modifiers, ''), 'none') || ')' AS evidence
FROM therapy
WHERE mods NOT LIKE '%;GP;%'
