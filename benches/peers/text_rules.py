"""claims-audit's default text rules ([evidence] of src/config.rs), shared by the peers.

The rules are look-alikes, negations and uncertain phrases blanked out of the note text (masks,
applied in order; negation/uncertainty masks leave a clause break " ; ", look-alikes a space), then
a union of patterns searched in what remains. Both peers' regex engines (RE2 in DuckDB, Rust's
`regex` in Polars) lack look-around, as claims-audit's does, so the patterns are used as written.
benches/bench.py stops when these copies differ from the defaults claims-audit reports in its
summary.json.
"""

COUNT_NOUNS = (r"(?:sets?|reps?|repetitions?|times|attempts?|trials?|tries|visits?|sessions?|treatments?|days?|"
               r"weeks?|wks?|months?|years?|yrs?|minutes?|mins?|seconds?|secs?|hours?|hrs?|ft|feet|foot|meters?|"
               r"metres?|yards?|steps?|stairs?|laps?|lbs?|pounds?|kg|falls?|episodes?|patients?|items?|questions?|"
               r"trials?|rounds?|cycles?|blocks?|inches|in\.|cm|degrees?|deg|%|percent)")
NEURO = (r"(?:neuro\w*|radiculopath\w*|myelopath\w*|plexopath\w*|polyneuropath\w*|emg(?:\s*/\s*ncs)?|ncs|ncv|"
         r"nerve conduction(?:\s+stud(?:y|ies))?|electrodiagnostic\w*|nerve (?:injury|damage|involvement|"
         r"compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|"
         r"involvement)|motor neuron\w*(?:\s+disease)?|myasthenia\w*)")
MSK = (r"(?:deconditioning|deconditioned|disuse|post-?\s?operative(?:ly)?|post-?\s?surgical(?:ly)?|post-?op\b|"
       r"immobili[sz]\w*|myopath\w*|atroph\w*|muscle wasting|wasting|musculoskeletal)")
SURGERY = (r"(?:surgery|surgical|repair|arthroplasty|replacement|tka|tha|tkr|thr|orif|fixation|fusion|laminectomy|"
           r"discectomy|\w+ectomy|\w+plasty|\w+otomy|\w+oscopy|amputation|reconstruction|procedure|operation|"
           r"cabg|transplant\w*)")

# NegEx termination terms; negation/uncertainty masks leave a clause break (" ; "), look-alikes a space.
CLAUSE_BREAK = r"\b(?:but|however|although|though|whereas|except)\b"
CLAUSE_END = " ; "

# Copied from claims-audit's summary.json config (the patterns are composed in src/config.rs).
NOT_GRADE_MASK = [
    "\\b\\d{1,4}\\s*/\\s*\\d{1,2}\\s*/\\s*\\d{1,4}\\b",
    "\\b\\d{4}-\\d{1,2}-\\d{1,2}\\b",
    "\\b\\d+\\s*/\\s*(?:\\d{2,}|[0-46-9])\\b",
    "\\b[cdtls]\\d{1,2}\\s*[-/]\\s*[cdtls]?\\d{1,2}\\b",
    "\\b(?:visits?|sessions?|weeks?|wks?|days?|treatments?|tx)\\s*(?:#|no\\.?)?\\s*\\d+(?:\\s*(?:/|of)\\s*\\d+)?",
    "\\b\\d+(?:\\.\\d+)?(?:\\s*/\\s*\\d+)?\\s*(?:sets?|reps?|repetitions?|times|attempts?|trials?|tries|visits?|sessions?|treatments?|days?|weeks?|wks?|months?|years?|yrs?|nights?|minutes?|mins?|seconds?|secs?|hours?|hrs?|ft|feet|foot|meters?|metres?|yards?|steps?|stairs?|laps?|lbs?|pounds?|kg|falls?|episodes?|patients?|items?|questions?|trials?|rounds?|cycles?|blocks?|inches|in\\.|cm|degrees?|deg|%|percent)(?:\\W|$)",
    "\\b\\d+\\s*-\\s*\\d+\\b",
    "\\bpain\\s*(?:level|score|rating)?\\s*(?:of|:|=)?\\s*\\d\\s*/\\s*5\\b",
    "[^.;!?\\n]*\\?",
]
STRENGTH_GRADE = [
    r"\b[0-5]\s*[+-]?\s*/\s*5\b",
    r"\b(?:mrc|mmt|manual muscle test(?:ing|s)?)\b(?:[^.;!?\n]|\.\d|\b(?:abd|add|ext|flex|bilat|lt|rt|ant|post|approx|pt|ms|st)\.)*?\b(?:[0-5][+-]|[0-5]\b)",
]
# Copied from claims-audit's summary.json config (the patterns are composed in src/config.rs).
MSK_ETIOLOGY_MASK = [
    "\\b(?:but|however|although|though|whereas|except)\\b",
    "\\b(?:no|without|denies|denied|negative for|absence of|free of|no (?:hx|history) of)\\s+[a-z0-9/' \\t,-]*\\b(?:deconditioning|deconditioned|disuse|post-?\\s?operative(?:ly)?|post-?\\s?surgical(?:ly)?|post-?op\\b|immobili[sz]\\w*|myopath\\w*|atroph\\w*|muscle wasting|wasting|musculoskeletal)",
    "\\b(?:no|not|without|denies|denied|negative for|absence of|free of|ruled out|rule out|r/o|never|assess for|evaluate for|eval for)\\s+(?:[\\w/-]+\\s+){0,3}?(?:deconditioning|deconditioned|disuse|post-?\\s?operative(?:ly)?|post-?\\s?surgical(?:ly)?|post-?op\\b|immobili[sz]\\w*|myopath\\w*|atroph\\w*|muscle wasting|wasting|musculoskeletal)",
    "\\b(?:family (?:hx|history)|fhx|fh|mother|father|sister|brother)\\b[^.;\\n]{0,40}?(?:deconditioning|deconditioned|disuse|post-?\\s?operative(?:ly)?|post-?\\s?surgical(?:ly)?|post-?op\\b|immobili[sz]\\w*|myopath\\w*|atroph\\w*|muscle wasting|wasting|musculoskeletal)",
    "(?:deconditioning|deconditioned|disuse|post-?\\s?operative(?:ly)?|post-?\\s?surgical(?:ly)?|post-?op\\b|immobili[sz]\\w*|myopath\\w*|atroph\\w*|muscle wasting|wasting|musculoskeletal)\\s+(?:\\w+\\s+){0,1}?(?:absent|ruled out|excluded|unlikely|not (?:present|seen|noted|observed|evident))",
    "(?:deconditioning|deconditioned|disuse|post-?\\s?operative(?:ly)?|post-?\\s?surgical(?:ly)?|post-?op\\b|immobili[sz]\\w*|myopath\\w*|atroph\\w*|muscle wasting|wasting|musculoskeletal)\\s*:\\s*(?:none|no|negative|absent|not (?:present|seen|noted))\\b",
    "[^.;!?\\n]*\\?",
]
MSK_ETIOLOGY = [
    rf"\b{MSK}",
    rf"\b(?:status post|s/p)\s+(?:[\w-]+\s+){{0,3}}?{SURGERY}\b",
]
NEURO_DISTINCTION_MASK = [
    CLAUSE_BREAK,
    r"[^.;!?\n]*\?",
    r"\b(?:not|never|cannot|can ?not|can't|unable to|could not|couldn't|did not|didn't|has not|hasn't|have not|haven't)\s+(?:\w+\s+){0,2}?(?:ruled?\s+out|r/o|excluded?|exclude|eliminated|normal|negative|unremarkable|within normal limits|wnl)\b",
    r"\b(?:to be|be|needs? to be|must be|should be|will be|yet to be|if|once|until|unless|awaiting|pending)\s+(?:\w+\s+){0,1}?(?:ruled?\s+out|excluded)\b",
    r"\b(?:rule out|r/o|to exclude|evaluate for|eval for|assess for|possible|probable|suspected|suspect|questionable|likely|may be|might be|cannot rule out)\s+(?:[\w/-]+\s+){0,3}?",
]
# Copied from claims-audit's summary.json config (the patterns are composed in src/config.rs).
NEURO_DISTINCTION = [
    "\\b(?:neuro\\w*|radiculopath\\w*|myelopath\\w*|plexopath\\w*|polyneuropath\\w*|emg(?:\\s*/\\s*ncs)?|ncs|ncv|nerve conduction(?:\\s+stud(?:y|ies))?|electrodiagnostic\\w*|nerve (?:injury|damage|involvement|compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|involvement)|motor neuron\\w*(?:\\s+disease)?|myasthenia\\w*)(?:\\s*[:=-]\\s*|\\s+)(?:[\\w/()-]+:?\\s+){0,4}?(?:(?:was|were|is|are|has been|have been|been)\\s+)?(?:ruled out|excluded|negative|neg|normal|within normal limits|wnl|unremarkable|non-?focal)\\b",
    "\\b(?:no (?:evidence|signs?|findings?|indications?) of|negative for|without (?:any )?(?:evidence|signs?) of|ruled out|excluded|absence of)\\s+(?:[\\w/-]+\\s+){0,2}?(?:neuro\\w*|radiculopath\\w*|myelopath\\w*|plexopath\\w*|polyneuropath\\w*|emg(?:\\s*/\\s*ncs)?|ncs|ncv|nerve conduction(?:\\s+stud(?:y|ies))?|electrodiagnostic\\w*|nerve (?:injury|damage|involvement|compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|involvement)|motor neuron\\w*(?:\\s+disease)?|myasthenia\\w*)",
    "\\b(?:no (?:evidence|signs?|findings?|indications?) of|negative for|without (?:any )?(?:evidence|signs?) of|ruled out|excluded|absence of)\\s+[a-z0-9/' \\t,-]*\\b(?:neuro\\w*|radiculopath\\w*|myelopath\\w*|plexopath\\w*|polyneuropath\\w*|emg(?:\\s*/\\s*ncs)?|ncs|ncv|nerve conduction(?:\\s+stud(?:y|ies))?|electrodiagnostic\\w*|nerve (?:injury|damage|involvement|compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|involvement)|motor neuron\\w*(?:\\s+disease)?|myasthenia\\w*)",
    "\\bneuro(?:logic(?:al(?:ly)?)?)?\\s*(?:exam(?:ination)?)?\\s*:?\\s*(?:grossly\\s+)?intact\\b",
    "\\bnot\\s+(?:of\\s+)?neuro(?:logic(?:al)?|genic|pathic)\\b",
    "\\bno\\s+(?:focal\\s+|new\\s+|objective\\s+|significant\\s+)?(?:neuro\\w*)\\s+(?:deficits?|causes?|findings?|involvement|signs?|etiology|abnormalit\\w*|compromise|symptoms?|origin|disease|disorder|component)\\b",
    "\\bno\\s+(?:peripheral\\s+)?(?:neuropath\\w*|radiculopath\\w*|myelopath\\w*|plexopath\\w*)",
    "\\b(?:normal|negative|unremarkable)\\s+(?:[\\w/-]+\\s+){0,1}?(?:neuro\\w*|radiculopath\\w*|myelopath\\w*|plexopath\\w*|polyneuropath\\w*|emg(?:\\s*/\\s*ncs)?|ncs|ncv|nerve conduction(?:\\s+stud(?:y|ies))?|electrodiagnostic\\w*|nerve (?:injury|damage|involvement|compression|entrapment|cause)|central (?:cause|etiology|origin)|stroke|spinal cord (?:injury|lesion|involvement)|motor neuron\\w*(?:\\s+disease)?|myasthenia\\w*)",
    "\\b(?:musculoskeletal|myogenic|muscular|msk)\\b[^.;!?\\n]{0,60}?\\b(?:rather than|not|as opposed to|instead of)\\s+(?:\\w+\\s+){0,1}?(?:neuro\\w*|neurogenic)",
    "\\bnon-?\\s?(?:neurological|neurologic|neurogenic|neuropathic)\\b",
]

