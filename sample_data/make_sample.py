#!/usr/bin/env python3
"""Deterministic generator of the claims-audit sample data (Python 3.11, stdlib only).

    python3 sample_data/make_sample.py            # writes into sample_data/
    python3 sample_data/make_sample.py --out DIR  # writes into DIR

Writes claims.csv, notes.csv, expected_findings.csv and README.md.

Every claim is built by a scenario below and carries its labels explicitly:
`expect` = the checks that must flag it (with the reason), `near` = checks it
is a near miss for (with the reason it must NOT be flagged). The labels are
written from /work/shared/CHECKS.md by hand; nothing here runs the checks.
The only automatic verification is that every diagnosis code is billable on
its claim's date unless the claim is labelled dx-invalid (and vice versa),
using reference/years/icd10cm_billable_by_year.tsv.

Everything is deterministic (fixed seed, no clock).
"""
from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_REF = Path(os.environ.get("CLAIMS_AUDIT_REFERENCE", "/work/shared/reference"))

EXC = "excludes1-conflict"
INV = "dx-invalid"
NDX = "m6281-neuro-dx-mismatch"
NSE = "m6281-no-strength-exam"
NRA = "m6281-no-reassessment"
PWS = "m6281-primary-with-specific"
NCP = "m6281-neuro-cpt-undistinguished"
R53 = "r531-specificity"
CHECKS = [EXC, INV, NDX, NSE, NRA, PWS, NCP, R53]

rng = random.Random(20260415)


def D(s: str) -> dt.date:
    return dt.date.fromisoformat(s)


def plus(d: dt.date, n: int) -> dt.date:
    return d + dt.timedelta(days=n)


# ---------------------------------------------------------------- providers
def npi(base9: str) -> str:
    """NPI with a valid Luhn check digit (prefix 80840, as CMS specifies)."""
    digits = [int(c) for c in "80840" + base9]
    total = 0
    for i, dgt in enumerate(reversed(digits)):
        if i % 2 == 0:
            dgt *= 2
            if dgt > 9:
                dgt -= 9
        total += dgt
    return base9 + str((10 - total % 10) % 10)


PROV = {
    "kim": npi("109381746"),     # PT, Sarah Kim
    "ortiz": npi("118462930"),   # PT, James Ortiz
    "nguyen": npi("132604857"),  # PT, Linda Nguyen
    "bell": npi("145739206"),    # PT, Marcus Bell
    "grant": npi("154820397"),   # PT, Olivia Grant
    "patel": npi("160938475"),   # MD, physical medicine & rehabilitation (EMG/NCS)
    "chen": npi("171029384"),    # MD, neurology (EMG/NCS)
    "romero": npi("182174639"),  # MD, internal medicine
    "walsh": npi("193205746"),   # MD, family medicine
}
PT_PROVS = {"kim", "ortiz", "nguyen", "bell", "grant"}

FEE = {  # charge per unit
    "97161": 150.00, "97162": 175.00, "97163": 210.00, "97164": 120.00,
    "97110": 48.00, "97112": 52.00, "97116": 46.00, "97140": 44.00, "97530": 55.00,
    "99213": 135.00, "99214": 195.00,
    "95831": 68.00, "95851": 40.00, "95860": 185.00, "95870": 140.00,
    "95885": 110.00, "95886": 160.00, "95907": 130.00, "95908": 165.00,
    "95909": 200.00, "95910": 250.00, "95913": 390.00,
}
PAY_RATIO = {"MEDICARE": 0.72, "AETNA": 0.81, "BCBS": 0.78, "MEDICAID": 0.61}

# ---------------------------------------------------------------- model
CLAIMS: list[dict] = []
NOTES: list[dict] = []
PATIENTS: dict[str, dict] = {}


def patient(key: str, payer: str, prov: str, story: str) -> str:
    PATIENTS[key] = {"payer": payer, "prov": prov, "story": story}
    return key


def claim(pat, date, dx, lines, prov=None, payer=None, expect=None, near=None,
          dx_style=None, date_style="iso", unpaid=False, expect_h1=None):
    """lines: list of (cpt, units) or (cpt, units, modifiers)."""
    p = PATIENTS[pat]
    c = {
        "pat": pat, "date": D(date) if isinstance(date, str) else date,
        "dx": [x.strip() for x in dx.split(";")], "lines": lines,
        "prov": prov or p["prov"], "payer": payer or p["payer"],
        "expect": dict(expect or {}), "near": dict(near or {}),
        "dx_style": dx_style, "date_style": date_style, "unpaid": unpaid,
        "seq": len(CLAIMS), "expect_h1": expect_h1,
    }
    CLAIMS.append(c)
    return c


def note(pat, date, ntype, text, cl=None, prov=None):
    n = {
        "pat": pat, "date": D(date) if isinstance(date, str) else date,
        "type": ntype, "text": text, "claim": cl,
        "prov": prov or PATIENTS[pat]["prov"], "seq": len(NOTES),
    }
    NOTES.append(n)
    return n


def visit(pat, date, dx, lines, text, ntype="daily note", **kw):
    c = claim(pat, date, dx, lines, **kw)
    note(pat, c["date"], ntype, text, cl=c, prov=c["prov"])
    return c


# ---------------------------------------------------------------- text pools
DEVICES = ["a single point cane", "a rolling walker", "no assistive device", "a standard walker"]
QUOTES = [
    "My legs feel like jelly by the afternoon",
    "I got up from the couch without pushing off today",
    "Stairs are still the hardest part",
    "I walked to the mailbox and back, first time in months",
    "Getting out of the car is easier",
]
DAILY = [
    ("S: Pt arrived ambulating with {dev}. Reports mild fatigue, no falls since last session.\n"
     "O: Ther ex: seated knee extension, standing hip abduction, heel raises; completed 3 sets of 10 reps each. "
     "Neuromuscular re-ed: tandem stance and single-leg stance with UE support.\n"
     "A: Tolerated session well, no adverse response.\nP: Continue per plan of care."),
    ("S: \"{quote}.\" Pain {p1}/10 at start of session, {p2}/10 at end.\n"
     "O: Gait training 150 ft x 2 with {dev}, contact guard assist on turns. Sit-to-stand x10 from standard-height chair.\n"
     "A: Progressing toward goals, endurance improving.\nP: Progress resistance next visit."),
    ("Therapeutic activities: floor-to-chair transfer practice, step-ups on 4 inch step 2 sets of 12, "
     "carrying 5 lb laundry basket 40 ft. Manual therapy: soft tissue mobilization to the lateral thigh. "
     "HEP reviewed; pt verbalized understanding. Pain {p1}/10."),
    ("Pt reports doing home exercises 5 of 7 days. Treadmill 8 min at 1.2 mph, recumbent bike 10 min level 2. "
     "Resisted gait with band, 4 laps in the gym. Vitals stable, SpO2 96% on room air. Plan: continue, "
     "add lateral stepping next session."),
    ("Daily note. Balance: static standing on foam 30 sec x 3, reaching outside base of support, "
     "obstacle course x 3 laps with {dev}. Pt needed two standing rest breaks. Pain {p1}/10, fatigue moderate.\n"
     "Continue per POC."),
]


def daily_text(i: int) -> str:
    t = DAILY[i % len(DAILY)]
    return t.format(dev=DEVICES[(i // 2) % len(DEVICES)], quote=QUOTES[i % len(QUOTES)],
                    p1=2 + i % 4, p2=1 + i % 3)


def therapy_lines(i: int):
    opts = [
        [("97110", 2, "GP"), ("97112", 1, "GP")],
        [("97110", 2, "GP"), ("97116", 1, "GP"), ("97530", 1, "GP")],
        [("97530", 2, "GP"), ("97140", 1, "GP;59")],
        [("97110", 3, "GP")],
        [("97112", 2, "GP"), ("97530", 1, "GP")],
    ]
    return opts[i % len(opts)]


def eval_lines(level="97162"):
    return [(level, 1, "GP"), ("97110", 1, "GP")]


def pt_episode(pat, dx, dates, eval_text, reeval_at=(), reeval_texts=(), expect=None,
               near=None, first_ntype="initial evaluation", eval_level="97162",
               daily_offset=0, styles=None):
    """An episode of care: first date = evaluation (note with strength),
    dates at indices in reeval_at = re-evaluation (note with strength), others daily notes."""
    out = []
    for i, d in enumerate(dates):
        style = (styles or {}).get(i)
        if i == 0:
            c = visit(pat, d, dx, eval_lines(eval_level), eval_text, ntype=first_ntype,
                      expect=expect, near=near, dx_style=style)
        elif i in reeval_at:
            k = list(reeval_at).index(i)
            c = visit(pat, d, dx, [("97164", 1, "GP"), ("97110", 2, "GP")], reeval_texts[k],
                      ntype="re-evaluation", expect=expect, near=near, dx_style=style)
        else:
            c = visit(pat, d, dx, therapy_lines(i + daily_offset), daily_text(i + daily_offset),
                      expect=expect, near=near, dx_style=style)
        out.append(c)
    return out


def weekly(start: str, n: int, pattern=(0, 3)):
    """n dates from start (a weekday in pattern, Mon=0) following the weekday pattern."""
    d = D(start)
    out = []
    while len(out) < n:
        if d.weekday() in pattern:
            out.append(d)
        d = plus(d, 1)
    return out


# ==================================================================== scenarios
# ---- clean episodes (near misses for many checks) ------------------------
patient("F1", "MEDICARE", "kim", "s/p right TKA, coded Z96.651 first (specific code leads)")
dates = weekly("2026-01-12", 10)
pt_episode("F1", "Z96.651;M62.81;R26.2", dates,
           "Initial evaluation. Pt is a 71 y/o female s/p right TKA on 12/18/2025, referred for post-operative "
           "weakness and gait deviation. Objective: MMT right knee extension 3+/5, right hip abduction 4-/5, "
           "left LE 5/5 grossly. 5xSTS 17.4 sec; gait speed 0.71 m/s with a rolling walker. Knee AROM 5-98 deg.\n"
           "Assessment: post-operative quadriceps weakness and reduced activity tolerance limiting community "
           "ambulation. Plan: skilled PT 2x/week for 8 weeks.",
           reeval_at=(8,),
           reeval_texts=(
               "Progress report, visit 9. Right knee extension 4-/5 (was 3+/5), hip abduction 4/5. "
               "5xSTS 13.8 sec. Goals partially met; continue plan of care 4 more weeks.",
           ),
           near={PWS: "Z96.651 is primary; M62.81 is second, so the specific code leads",
                 NRA: "10 M62.81 visits, re-evaluated with strength grades at visit 9: never more than 10 visits or 90 days after a measurement"})

patient("F2", "BCBS", "ortiz", "deconditioning after hospitalisation, clean episode")
dates = weekly("2026-02-03", 10, (1, 4))
pt_episode("F2", "M62.81;R26.81;Z74.09", dates,
           "Initial evaluation. 68 y/o male with generalized weakness after a 12-day hospital stay for pneumonia "
           "in January. Deconditioning evident: needs arms to rise from chair, unsteady on turns.\n"
           "Strength: hip flexion 4/5 bilaterally, knee extension 4/5, ankle dorsiflexion 4+/5. "
           "Grip 22 kg R, 20 kg L. Berg 44/56.\nPlan: PT 2x/week x 6 weeks; ther ex, balance, gait.",
           reeval_at=(9,),
           reeval_texts=("Re-evaluation at visit 10. Hip flexion 4+/5, knee extension 4+/5. Berg 50/56. "
                         "Rises from chair without arms. Continue 3 more weeks.",),
           styles={3: "lower"},
           near={NRA: "10 M62.81 visits, re-evaluated with grades at visit 10: never more than 10 visits or 90 days after a measurement",
                 NSE: "evaluation note carries strength grades"})

patient("F3", "AETNA", "nguyen", "knee OA, M62.81 with M17.11")
dates = weekly("2026-03-02", 9, (0, 2))
pt_episode("F3", "M62.81;M17.11;R26.2", dates,
           "Initial evaluation. 64 y/o with right knee osteoarthritis and disuse weakness after months of "
           "avoiding activity. MMT: quadriceps 4-/5 right, 4/5 left; hip abductors 4/5 bilaterally. "
           "Pain 6/10 with stairs. TUG 13.1 sec.\nPlan: PT 2x/week, strengthening and gait training.",
           reeval_at=(8,),
           reeval_texts=("Progress note visit 9: quadriceps 4/5 right, 4+/5 left. TUG 10.4 sec. Continue.",),
           styles={1: "spaced", 5: "nodot"},
           near={PWS: "M17.11 (osteoarthritis) is not in any specific-code group",
                 EXC: "M62.81 with M17.11: no Excludes1 between them"})

patient("F4", "MEDICAID", "bell", "recurrent falls, clean episode")
dates = weekly("2026-01-06", 10, (1, 3))
pt_episode("F4", "M62.81;R29.6;Z91.81", dates,
           "Initial evaluation. 77 y/o female, 3 falls in the past 6 months, lives alone. Generalized LE "
           "weakness from deconditioning. MMT: hip extensors 3+/5, hip abductors 4-/5, knee extensors 4/5. "
           "Timed Up and Go 16.8 sec with single point cane.\nPlan: PT 2x/week for 6 weeks, fall prevention.",
           reeval_at=(7,),
           reeval_texts=("Re-evaluation. MMT: hip extensors 4-/5, abductors 4/5, knee extensors 4+/5. "
                         "TUG 12.9 sec. No falls since start of care.",),
           daily_offset=1,
           near={NRA: "10 M62.81 visits, re-evaluated with grades at visit 8: never more than 10 visits or 90 days after a measurement"})

patient("F5", "MEDICARE", "grant", "aftercare of right THA, Z47.1 first")
dates = weekly("2026-04-06", 8, (0, 3))
pt_episode("F5", "Z47.1;Z96.641;M62.81", dates,
           "Initial evaluation following right total hip arthroplasty (posterior approach) on 03/23/2026. "
           "Hip precautions reviewed. Strength: hip abduction 3/5, hip flexion 3+/5, knee extension 4/5 on the "
           "right. Ambulating 150 ft with rolling walker.\nPlan: PT 2x/week x 6 weeks.",
           reeval_at=(7,),
           reeval_texts=("Progress report: right hip abduction 4-/5, hip flexion 4/5. Ambulating with cane.",),
           daily_offset=2,
           near={PWS: "Z47.1 (aftercare) leads; M62.81 is third"})

patient("F6", "MEDICARE", "romero", "heart failure + CKD, physician visits, I50.9 first")
for i, (d, grade) in enumerate([("2026-01-08", "4/5"), ("2026-02-12", "4/5"), ("2026-04-16", "4+/5")]):
    visit("F6", d, "I50.9;M62.81;N18.30", [("99214", 1, "")],
          f"Follow-up of chronic systolic heart failure and CKD stage 3. Reports fatigue and leg weakness "
          f"climbing one flight of stairs. Exam: no JVD, trace ankle edema. Strength {grade} in bilateral hip "
          f"flexors, 5/5 upper extremities. Weight stable.\nPlan: continue GDMT, home exercise, PT referral "
          f"renewed, BMP in 4 weeks.",
          ntype="physician note",
          near={PWS: "I50.9 leads; M62.81 second"})

patient("F8", "AETNA", "walsh", "diabetes, annual visits")
visit("F8", "2026-01-21", "M62.81;E11.9;I10", [("99214", 1, "")],
      "Annual follow-up. Type 2 diabetes, A1c 7.1. Complains of leg weakness when gardening. "
      "MRC grade 4 at the hip flexors and grade 5 distally. Weakness likely from inactivity over the winter "
      "(disuse). BP 134/82.\nPlan: walking program, recheck in 3 months.",
      ntype="physician note", date_style="us",
      near={PWS: "E11.9 and I10 are not in any specific-code group"})
visit("F8", "2026-04-22", "M62.81;E11.9;I10", [("99213", 1, "")],
      "Recheck. Walking 20 minutes daily. Hip flexors now 5-/5. A1c 6.8. Continue.",
      ntype="physician note",
      near={NSE: "grade 5-/5 today; also MRC grade 4 on 2026-01-21"})

patient("P60", "MEDICARE", "bell", "left TKA coded with M62.81 first (clinic habit)")
dates = weekly("2026-03-03", 6, (1, 4))
pt_episode("P60", "M62.81;Z96.652;R26.2", dates,
           "Initial evaluation. 69 y/o male s/p left TKA 02/16/2026. Quadriceps lag present. "
           "MMT: left knee extension 3+/5, hip abduction 4-/5. Knee flexion AROM 92 deg.\n"
           "Plan: PT 2x/week x 6 weeks.",
           expect={PWS: "M62.81 primary with Z96.652 (presence of knee joint implant, group Z96.6)"},
           daily_offset=3)

# ---- excludes1 (and the true strength-grade spellings, one per patient) --
patient("P10", "AETNA", "walsh", "sarcopenia; only strength text is '4+/5'")
visit("P10", "2026-03-02", "M62.81;M62.84", [("99214", 1, "")],
      "Geriatric assessment. 82 y/o with low grip strength (16 kg) and slow gait speed 0.6 m/s; "
      "DEXA lean mass low, consistent with sarcopenia. Quadriceps strength 4+/5 bilaterally. "
      "Plan: resistance training referral, protein 1.2 g/kg/day.",
      ntype="physician note",
      expect={EXC: "M62.81 with M62.84: Excludes1 note of M62.81 cites M62.84 (sarcopenia)",
              PWS: "M62.81 primary with M62.84 (more specific muscle disorder)"},
      near={NSE: "'4+/5' is a strength measurement"})
visit("P10", "2026-04-06", "M62.84;M62.81", [("99213", 1, "")],
      "Follow-up sarcopenia. Attending group exercise twice weekly. Gait speed 0.7 m/s. Continue.",
      ntype="physician note",
      expect={EXC: "M62.84 with M62.81 (order does not matter)"},
      near={PWS: "M62.84 is primary, M62.81 second",
            NSE: "no grade today, but '4+/5' on 2026-03-02 (35 days earlier)"})

patient("P11", "MEDICARE", "patel", "polymyositis; only strength text is '4 / 5'")
visit("P11", "2026-02-10", "M62.81;M33.20", [("99214", 1, "")],
      "PM&R consult. Known polymyositis on methotrexate, CK 890. Proximal weakness: hip flexor strength "
      "4 / 5, deltoids 4 / 5. Difficulty rising from low chairs.\nPlan: PT for proximal strengthening.",
      ntype="physician note",
      expect={EXC: "M62.81 with M33.20: block note of M60-M63 excludes dermatopolymyositis (M33.-)",
              PWS: "M62.81 primary with M33.20 (inflammatory myopathy)"},
      near={NSE: "'4 / 5' is a strength measurement"})
visit("P11", "2026-03-10", "M33.20;M62.81", [("99213", 1, "")],
      "Follow-up polymyositis. CK down to 420. Reports improved stair climbing. Continue PT.",
      ntype="physician note",
      expect={EXC: "M33.20 with M62.81 via the M60-M63 block note"},
      near={PWS: "M33.20 leads", NSE: "'4 / 5' on 2026-02-10"})

patient("P12", "BCBS", "romero", "SLE; only strength text is 'MMT: 3+'")
visit("P12", "2026-01-20", "M32.9;M62.81", [("99214", 1, "")],
      "Lupus follow-up. Fatigue and difficulty lifting arms overhead after a 6-week prednisone taper. "
      "MMT: 3+ at the proximal hip flexors bilaterally, shoulder abductors similar. Possible steroid "
      "myopathy.\nPlan: check CK, aldolase; PT referral.",
      ntype="physician note",
      expect={EXC: "M32.9 with M62.81: block note of M60-M63 excludes myopathy in SLE (M32.-)"},
      near={PWS: "M32.9 (systemic disease) is primary, M62.81 second",
            NSE: "'MMT: 3+' is a strength measurement (MMT followed by a grade in the same sentence)"})

patient("P13", "MEDICAID", "nguyen", "R53.1 with M62.81; only strength text is 'MRC grade 4'")
visit("P13", "2026-04-07", "R53.1;M62.81", [("97161", 1, "GP"), ("97110", 2, "GP")],
      "PT initial evaluation. 59 y/o referred for weakness after 5 weeks in a skilled facility; deconditioning. "
      "Hip abductors MRC grade 4, knee extensors MRC grade 4 bilaterally. Six-minute walk 240 m.\n"
      "Plan: PT 2x/week.",
      ntype="initial evaluation",
      expect={EXC: "R53.1 with M62.81: Excludes1 note of R53.1 cites M62.81"},
      near={R53: "the claim carries M62.81", PWS: "R53.1 leads (not a specific-code group)",
            NSE: "'MRC grade 4' is a strength measurement"})

patient("P14", "AETNA", "ortiz", "myalgia with M62.81; only strength text is 'manual muscle testing: ... grade 4-'")
visit("P14", "2026-03-17", "M62.81;M79.18", eval_lines("97161"),
      "Initial evaluation. Diffuse muscle aching in the thighs and generalized weakness since a viral illness. "
      "Manual muscle testing: hip abductors grade 4-, knee extensors grade 4. Tender to palpation of "
      "quadriceps.\nPlan: PT 2x/week x 4 weeks.",
      ntype="initial evaluation",
      expect={EXC: "M62.81 with M79.18: the Excludes1 note of category M62 cites myalgia (M79.1-), which covers M79.18"},
      near={PWS: "M79.18 is not in any specific-code group",
            NSE: "'manual muscle testing: hip abductors grade 4-' is a strength measurement"})
for i, d in enumerate(["2026-03-20", "2026-03-24"]):
    visit("P14", d, "M62.81;R26.89", therapy_lines(i), daily_text(i + 2),
          near={EXC: "M62.81 with R26.89: no Excludes1"})

patient("P15", "BCBS", "patel", "muscle wasting M62.50 with M62.81")
visit("P15", "2026-05-05", "M62.81;M62.50", [("99213", 1, "25"), ("95851", 1, "")],
      "Follow-up for thigh muscle wasting after 8 weeks of knee immobilization. Thigh circumference 3 cm less "
      "on the right. Knee extension 4-/5 right. Range of motion measured (95851).\nPlan: continue PT.",
      ntype="physician note",
      expect={PWS: "M62.81 primary with M62.50 (more specific muscle disorder, group M62.5)"},
      near={EXC: "M62.81 with M62.50: no Excludes1 between M62.8x and M62.5x (M62.5's note cites only G54.5, G12.21, M62.84)",
            NCP: "95851 (range of motion) is not a neuromuscular evaluation CPT"})

patient("P16", "MEDICARE", "romero", "rheumatoid arthritis M06.9 with M62.81")
visit("P16", "2026-02-19", "M62.81;M06.9", [("99214", 1, "")],
      "RA follow-up, on methotrexate. Morning stiffness 30 min. Hand grip weak; shoulder abduction 4/5, "
      "hip flexion 4/5. Synovitis of MCPs improved.\nPlan: continue DMARD, PT.",
      ntype="physician note",
      expect={PWS: "M62.81 primary with M06.9 (systemic disease, group M06)"},
      near={EXC: "M62.81 with M06.9: the M60-M63 block note cites only M05.32 among RA codes"})

# ---- no-strength-exam: look-alikes only -----------------------------------
patient("P20", "MEDICARE", "walsh", "dates that look like grades")
visit("P20", "2026-03-19", "M62.81;R26.89", [("99213", 1, "")],
      "Follow-up for generalized weakness, last seen 3/5/2026. Worse climbing stairs, no falls. "
      "Labs from 3/5/2026 reviewed: TSH normal, vitamin D 18. Started vitamin D.\n"
      "Annual wellness visit booked for 2/5/27.",
      ntype="physician note",
      expect={NSE: "only date look-alikes ('3/5/2026', '2/5/27'); no strength measurement within 365 days"})

patient("P21", "BCBS", "grant", "pain scale and spinal levels")
visit("P21", "2026-04-08", "M62.81;M54.50", eval_lines("97161"),
      "Initial evaluation. Low back pain 5/10, radiating to the buttock. MRI: L4/5 disc bulge without "
      "stenosis; cervical films show C5/6 spondylosis. Reports legs give out after 10 minutes of standing.\n"
      "Plan: PT 2x/week for core and hip strengthening.",
      ntype="initial evaluation",
      expect={NSE: "only '5/10', 'L4/5', 'C5/6'; no strength measurement"},
      near={EXC: "M62.81 with M54.50: no Excludes1"})

patient("P22", "MEDICAID", "bell", "distances and sets")
visit("P22", "2026-02-24", "M62.81;R26.2", [("97162", 1, "GP"), ("97116", 1, "GP")],
      "Initial evaluation. Ambulated 150 ft with rolling walker before needing to sit. Completed 3 sets "
      "of 5 sit-to-stands with arms. Reports weakness since winter.\nPlan: gait and strength training.",
      ntype="initial evaluation",
      expect={NSE: "only '150 ft', '3 sets', '5 sit-to-stands'; no strength measurement"})
visit("P22", "2026-02-27", "M62.81;R26.2", therapy_lines(1), daily_text(1),
      expect={NSE: "no strength measurement at any date"})

patient("P23", "AETNA", "nguyen", "counted attempts and visits")
visit("P23", "2026-05-12", "M62.81;R26.89", therapy_lines(0),
      "Pt transferred from another clinic; prior records requested. Sit-to-stand without hands successful "
      "on 1/5 attempts. Tolerated 25 min of activity.",
      expect={NSE: "'1/5 attempts' is a count, not a grade"})
visit("P23", "2026-05-19", "M62.81;R26.89", therapy_lines(2),
      "Pt has attended 2/5 visits scheduled this month due to transport problems. Worked on transfers and "
      "step-ups, 2 sets of 8. Pain 3/10.",
      expect={NSE: "'2/5 visits' is a count, not a grade"})

patient("P24", "MEDICARE", "kim", "visit number and deferred MMT")
visit("P24", "2026-06-02", "M62.81;R26.2", therapy_lines(3),
      "This is visit 3/5 authorized by the payer. MMT deferred due to post-injection soreness in the "
      "right knee. Gait training and seated exercise only.",
      unpaid=True,
      expect={NSE: "'visit 3/5' is a visit count; MMT deferred has no grade"})

patient("P25", "BCBS", "patel", "strength measured only after the first claim")
visit("P25", "2026-03-03", "M62.81;R26.2", [("99213", 1, "")],
      "New complaint of leg weakness over 2 months. Strength testing limited by pain today; formal "
      "muscle testing next visit. Labs ordered.",
      ntype="physician note",
      expect={NSE: "the only measurement is dated 2026-03-10, after this service date"})
visit("P25", "2026-03-10", "M62.81;R26.2", [("99213", 1, "")],
      "Follow-up. Hip abductors 4/5 and hip flexors 4-/5 bilaterally; distal 5/5. Labs unremarkable.",
      ntype="physician note",
      near={NSE: "measurement on the service date counts"})

patient("P26", "AETNA", "ortiz", "measurement exactly 365 days before")
visit("P26", "2025-03-04", "M62.81;R26.2", eval_lines("97162"),
      "Initial evaluation. Weakness after knee arthroscopy. Knee extension 4-/5 right, 5/5 left.",
      ntype="initial evaluation",
      near={NSE: "measurement on the service date"})
visit("P26", "2026-03-04", "M62.81;R26.2", therapy_lines(4),
      "Returns for a tune-up visit at the request of her physician. Reports stiffness after travel. "
      "Reviewed home program. Pain 2/10.",
      near={NSE: "last measurement 2025-03-04 is exactly 365 days before (counts)"})

patient("P27", "MEDICARE", "grant", "measurement 366 days before")
visit("P27", "2025-03-03", "M62.81;R26.2", eval_lines("97162"),
      "Initial evaluation. Deconditioning after influenza. Hip flexors 4/5 bilaterally, knee extension 4+/5.",
      ntype="initial evaluation",
      near={NSE: "measurement on the service date"})
visit("P27", "2026-03-04", "M62.81;R26.2", therapy_lines(0),
      "Returns for a follow-up visit. Reviewed and progressed home program. Pain 3/10.",
      expect={NSE: "last measurement 2025-03-03 is 366 days before"})

# ---- no-reassessment -------------------------------------------------------
patient("P30", "MEDICARE", "bell", "11 visits after one measurement")
p30 = ["2026-02-02", "2026-02-04", "2026-02-06", "2026-02-09", "2026-02-11", "2026-02-13", "2026-02-16",
       "2026-02-18", "2026-02-20", "2026-02-23", "2026-02-25", "2026-02-27", "2026-03-02", "2026-03-04"]
P30_TXT = [
    "Reviewed outside MRI report: L4/5 mild foraminal narrowing, no acute findings. Ther ex 3 sets of 10. Pain 5/10.",
    "Pt reports 5/10 knee pain after grocery shopping. Gait training 150 ft x 3 with cane.",
    "Sit-to-stand 3 sets of 8, step-ups 2 sets of 10. Tolerated well.",
]
for i, d in enumerate(p30):
    if i == 0:
        visit("P30", d, "M62.81;R26.2;Z91.81", eval_lines("97163"),
              "Initial evaluation. 80 y/o with two falls this winter and generalized weakness from deconditioning. "
              "MMT: hip abductors 3+/5, hip extensors 3+/5, knee extensors 4-/5. TUG 18 sec.\n"
              "Plan: PT 3x/week for 6 weeks.", ntype="initial evaluation",
              near={NRA: "measurement on this date"})
    elif i == 12:
        visit("P30", d, "M62.81;R26.2;Z91.81", [("97164", 1, "GP"), ("97110", 2, "GP")],
              "Re-evaluation. MMT: hip abductors 4-/5, hip extensors 4-/5, knee extensors 4/5. TUG 14 sec.",
              ntype="re-evaluation", near={NRA: "new measurement on this date (0 visits after it)"})
    elif i == 11:
        visit("P30", d, "M62.81;R26.2;Z91.81", therapy_lines(i), P30_TXT[i % 3],
              expect={NRA: "11th M62.81 visit after the last measurement (2026-02-02): more than 10"},
              near={NSE: "measurement 2026-02-02; the look-alikes in the daily notes ('L4/5', '5/10', '150 ft', '3 sets') are not measurements"})
    else:
        k = i if i < 12 else i - 12
        visit("P30", d, "M62.81;R26.2;Z91.81", therapy_lines(i), P30_TXT[i % 3] if i < 12 else daily_text(i),
              near={NRA: f"visit {k} of 10 after the last measurement (2026-02-02): not more than 10"
                    if i < 12 else "1 visit after the re-evaluation"})

patient("P31", "AETNA", "nguyen", "90 vs 91 days after the measurement")
p31 = ["2026-01-07", "2026-01-14", "2026-01-28", "2026-02-11", "2026-02-25", "2026-03-11", "2026-03-25",
       "2026-04-07", "2026-04-08", "2026-04-15", "2026-04-22"]
for i, d in enumerate(p31):
    if i == 0:
        visit("P31", d, "M62.81;M25.561;R26.2", eval_lines("97162"),
              "Initial evaluation. Right knee pain and quadriceps weakness; disuse after 3 months of limited "
              "activity. Knee extension 4-/5 right, 4/5 left. Plan: PT every other week with home program.",
              ntype="initial evaluation")
    elif i == 9:
        visit("P31", d, "M62.81;M25.561;R26.2", [("97164", 1, "GP"), ("97110", 1, "GP")],
              "Re-evaluation. Knee extension 4/5 right, 4+/5 left. Continue home program.",
              ntype="re-evaluation")
    elif i == 7:
        visit("P31", d, "M62.81;M25.561;R26.2", therapy_lines(i), daily_text(i),
              near={NRA: "exactly 90 days after the measurement of 2026-01-07 (7th visit after it)"})
    elif i == 8:
        visit("P31", d, "M62.81;M25.561;R26.2", therapy_lines(i), daily_text(i),
              expect={NRA: "91 days after the measurement of 2026-01-07"})
    else:
        visit("P31", d, "M62.81;M25.561;R26.2", therapy_lines(i), daily_text(i))

patient("P32", "MEDICARE", "kim", "old measurement: no-reassessment until 365 days, then no-strength-exam")
visit("P32", "2025-01-10", "M62.81;R26.89", eval_lines("97162"),
      "Initial evaluation. Weakness after a long hospital stay; deconditioning. Hip flexors 4-/5, "
      "knee extensors 4/5 bilaterally.", ntype="initial evaluation",
      near={NSE: "measurement on the service date"})
for i, d in enumerate(["2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14"]):
    gap = (D(d) - D("2025-01-10")).days
    if gap <= 365:
        visit("P32", d, "M62.81;R26.89", therapy_lines(i), daily_text(i + 1),
              expect={NRA: f"last measurement 2025-01-10 is {gap} days before (more than 90)"},
              near={NSE: f"measurement {gap} days before (within 365)"})
    else:
        visit("P32", d, "M62.81;R26.89", therapy_lines(i), daily_text(i + 1),
              expect={NSE: f"last measurement 2025-01-10 is {gap} days before"},
              near={NRA: "flagged by m6281-no-strength-exam, so not flagged here"})
visit("P32", "2026-01-16", "M62.81;R26.89", [("97164", 1, "GP"), ("97110", 2, "GP")],
      "Re-evaluation after a year away. Hip flexors 4/5, knee extensors 4/5. New plan of care 2x/week.",
      ntype="re-evaluation")
for i, d in enumerate(["2026-01-19", "2026-01-21"]):
    visit("P32", d, "M62.81;R26.89", therapy_lines(i + 2), daily_text(i + 3))

patient("P33", "BCBS", "ortiz", "exactly 5 M62.81 visits (not considered)")
note("P33", "2025-10-20", "physician note",
     "Referral note: hip flexors 4/5 and knee extensors 4/5 bilaterally; generalized weakness, "
     "deconditioning. Refer to PT.", prov=PROV["walsh"])
for i, d in enumerate(["2026-02-02", "2026-02-05", "2026-02-09", "2026-02-12", "2026-02-16"]):
    visit("P33", d, "M62.81;R26.2", therapy_lines(i), daily_text(i + 2),
          near={NRA: "only 5 M62.81 visits in the period (needs at least 6), although >90 days after the measurement",
                NSE: "measurement 2025-10-20 within 365 days"})

patient("P34", "MEDICAID", "bell", "6 M62.81 visits, all >90 days after the measurement")
note("P34", "2025-11-03", "physician note",
     "Referral: weakness after hip fracture repair; s/p ORIF left hip. Hip abductors 3+/5 left. Refer to PT.",
     prov=PROV["walsh"])
for i, d in enumerate(["2026-02-03", "2026-02-06", "2026-02-10", "2026-02-13", "2026-02-17", "2026-02-20"]):
    gap = (D(d) - D("2025-11-03")).days
    visit("P34", d, "M62.81;R26.2", therapy_lines(i), daily_text(i + 4),
          expect={NRA: f"6 M62.81 visits; last measurement 2025-11-03 is {gap} days before"},
          near={NSE: "measurement within 365 days"})

patient("P35", "AETNA", "grant", "6 M62.81 visits, only 5 of them inside Jan-Jun 2026")
note("P35", "2025-09-15", "physician note",
     "Referral: generalized weakness after chemotherapy completed in August. Hip flexors 4/5, "
     "knee extensors 4/5. Refer to PT.", prov=PROV["romero"])
for i, d in enumerate(["2025-12-30", "2026-01-02", "2026-01-06", "2026-01-09", "2026-01-13", "2026-01-16"]):
    gap = (D(d) - D("2025-09-15")).days
    visit("P35", d, "M62.81;R26.2", therapy_lines(i), daily_text(i + 1),
          expect={NRA: f"6 M62.81 visits (no period); last measurement 2025-09-15 is {gap} days before"},
          expect_h1={},
          near={NSE: "measurement within 365 days"})

patient("P36", "MEDICARE", "nguyen", "visits before the period count toward the 10 after the measurement")
visit("P36", "2025-12-01", "M62.81;R26.89", eval_lines("97162"),
      "Initial evaluation. Weakness after a 2-week admission for heart failure; deconditioning. "
      "Hip flexors 4-/5, knee extensors 4/5, ankle dorsiflexion 4+/5. Plan: PT 3x/week.",
      ntype="initial evaluation")
p36 = ["2025-12-03", "2025-12-05", "2025-12-08", "2025-12-10", "2025-12-12", "2025-12-15", "2025-12-17",
       "2025-12-19", "2026-01-05", "2026-01-07", "2026-01-09", "2026-01-12", "2026-01-14", "2026-01-16"]
for i, d in enumerate(p36):
    k = i + 1
    if k <= 10:
        visit("P36", d, "M62.81;R26.89", therapy_lines(i), daily_text(i + 3),
              near={NRA: f"visit {k} after the measurement of 2025-12-01 (visits of 2025 count as history)"})
    else:
        visit("P36", d, "M62.81;R26.89", therapy_lines(i), daily_text(i + 3),
              expect={NRA: f"visit {k} after the measurement of 2025-12-01 (8 of them in 2025): more than 10"})
visit("P36", "2026-01-19", "M62.81;R26.89", [("97164", 1, "GP"), ("97110", 2, "GP")],
      "Re-evaluation. Hip flexors 4/5, knee extensors 4+/5. Continue 2x/week.", ntype="re-evaluation")

# ---- neuro CPT -------------------------------------------------------------
patient("P40", "MEDICARE", "patel", "EMG/NCS with 'possible neuropathy'")
visit("P40", "2026-03-04", "M62.81;R26.2", [("99214", 1, "25"), ("95886", 1, ""), ("95910", 1, "")],
      "Electrodiagnostic consult for leg weakness. Strength 4/5 hip flexors bilaterally. EMG/NCS performed "
      "today; preliminary review shows mildly reduced sural amplitudes, possible neuropathy. Final report to "
      "follow.", ntype="physician note",
      expect={NCP: "95886/95910 billed; the only supporting note says 'possible neuropathy' (uncertain)"})

patient("P41", "AETNA", "chen", "needle EMG with 'not ruled out'")
visit("P41", "2026-02-18", "M62.81;M79.604", [("99214", 1, "25"), ("95860", 1, "")],
      "Right leg weakness for 3 months. Quadriceps 4-/5, EHL 4/5 on the right. Needle EMG of the right "
      "lower extremity: limited study due to pain. Neurological cause not ruled out; cannot exclude "
      "radiculopathy. Plan: MRI lumbar spine.", ntype="physician note",
      expect={NCP: "95860 billed; note only has 'not ruled out' / 'cannot exclude' (negated/uncertain)"},
      near={EXC: "M62.81 with M79.604 (under M79.6, not M79.1): no Excludes1"})

patient("P42", "BCBS", "patel", "manual muscle testing CPT, no neuro statement")
visit("P42", "2026-04-21", "M62.81;R26.89", [("99213", 1, "25"), ("95831", 1, "")],
      "Manual muscle testing: knee extensors grade 4-, hip abductors grade 4. Generalized proximal "
      "weakness without a clear pattern. Plan: continue PT.", ntype="physician note",
      expect={NCP: "95831 billed; no neuro distinction in any supporting note"})

patient("P43", "MEDICARE", "chen", "planned workup only")
visit("P43", "2026-05-06", "M62.81;R26.2", [("99214", 1, "25"), ("95831", 1, "")],
      "Hip flexor strength 4/5, ankle dorsiflexion 4+/5. Plan: rule out neuropathy; NCS pending, "
      "scheduled next week.", ntype="physician note",
      expect={NCP: "95831 billed; 'rule out neuropathy' is a plan and 'NCS pending' is pending"})

patient("P44", "MEDICAID", "chen", "question-marked rule-out")
visit("P44", "2026-03-25", "M62.81;R26.89", [("95886", 1, ""), ("95913", 1, "")],
      "NCS/EMG completed, 13 studies. Neuropathy ruled out? Awaiting attending over-read. Hip abductors 4/5.",
      ntype="procedure note",
      expect={NCP: "95886/95913 billed; 'Neuropathy ruled out?' is uncertain"})

patient("P45", "AETNA", "patel", "EMG/NCS within normal limits")
visit("P45", "2026-02-24", "M62.81;R26.2", [("99214", 1, "25"), ("95886", 1, ""), ("95909", 1, "")],
      "Electrodiagnostic evaluation for proximal weakness. EMG/NCS within normal limits. Weakness 4/5 in the "
      "hip flexors, likely disuse after a sedentary winter.", ntype="physician note",
      near={NCP: "supporting note: 'EMG/NCS within normal limits' (a neuro distinction)"})

patient("P46", "BCBS", "chen", "distinction in a note linked by patient + date")
c46 = visit("P46", "2026-04-15", "M62.81;R26.89", [("95907", 1, ""), ("95908", 1, "")],
            "Nerve conduction studies of both lower extremities, see separate report. Hip flexion 4/5.",
            ntype="procedure note",
            near={NCP: "second supporting note (empty claim_id, same patient and date) says 'no evidence of neuropathy'"})
note("P46", "2026-04-15", "procedure report",
     "Nerve conduction study report: sural and peroneal responses within reference range. "
     "Impression: no evidence of neuropathy.", prov=PROV["chen"])

patient("P47", "MEDICARE", "patel", "myogenic, not neurogenic")
visit("P47", "2026-01-27", "M62.81;M62.89", [("99214", 1, "25"), ("95885", 1, ""), ("95870", 1, "")],
      "Needle EMG shows small polyphasic units in the proximal muscles; findings are myogenic, not "
      "neurogenic. Deltoids 4/5, hip flexors 4-/5. Plan: CK, consider muscle biopsy.", ntype="physician note",
      near={NCP: "'myogenic, not neurogenic' is a neuro distinction",
            PWS: "M62.89 is not in the specific muscle group (only M62.84, M62.5, M62.85)"})

patient("P48", "AETNA", "chen", "distinction dictated the next day (does not support)")
visit("P48", "2026-04-14", "M62.81;R26.2", [("99213", 1, "25"), ("95886", 1, "")],
      "Strength 4/5 hip flexors and abductors. EMG performed, report to be dictated.", ntype="physician note",
      expect={NCP: "95886 billed; the distinction is in a note of 2026-04-15 with empty claim_id (different date: does not support)"})
note("P48", "2026-04-15", "procedure report",
     "EMG report: no evidence of neuropathy or radiculopathy.", prov=PROV["chen"])

patient("P49", "MEDICAID", "walsh", "monthly MMT with a distinction each time")
for d, txt, phrase in [
    ("2026-01-14", "Neurological cause ruled out by prior MRI and EMG. Hip flexors 4/5.", "Neurological cause ruled out"),
    ("2026-02-11", "Hip flexors 4/5, abductors 4-/5. Neuro exam normal.", "Neuro exam normal"),
    ("2026-03-11", "Hip flexors 4/5. The weakness is musculoskeletal rather than neurological, from months of inactivity.",
     "weakness is musculoskeletal rather than neurological"),
    ("2026-04-08", "Hip flexors 4+/5. Neuro: no neurological deficit; reflexes 2+ and symmetric.", "no neurological deficit"),
    ("2026-05-13", "Hip flexors 4+/5, abductors 4/5. No neurological cause identified.", "No neurological cause identified"),
]:
    visit("P49", d, "M62.81;R26.89", [("99213", 1, "25"), ("95831", 1, "")],
          "Follow-up generalized weakness with manual muscle testing. " + txt, ntype="physician note",
          near={NCP: f"95831 billed, supporting note says '{phrase}' (a neuro distinction)"})

patient("P90", "BCBS", "chen", "carpal tunnel NCS without M62.81")
visit("P90", "2026-03-26", "G56.01", [("99213", 1, "25"), ("95907", 1, ""), ("95908", 1, "")],
      "Numbness of the right hand for 6 months. NCS: prolonged median distal latency on the right. "
      "Impression: right carpal tunnel syndrome.", ntype="physician note",
      near={NCP: "no M62.81 on the claim", NDX: "no M62.81 on the claim"})

# ---- neuro dx --------------------------------------------------------------
patient("P50", "MEDICARE", "grant", "Parkinson's disease coded with M62.81 first")
pt_episode("P50", "M62.81;G20.A1;R26.89", weekly("2026-03-09", 4, (0, 3)),
           "Initial evaluation. 74 y/o with Parkinson's disease, shuffling gait and freezing at doorways. "
           "Hip extensors 4-/5, knee extensors 4/5. Plan: PT 2x/week, LSVT BIG principles.",
           expect={NDX: "M62.81 with G20.A1 (neurological group G)",
                   PWS: "M62.81 primary with G20.A1 (neurological group)"},
           daily_offset=1)

patient("P51", "BCBS", "kim", "stroke sequela first, M62.81 second")
pt_episode("P51", "I69.351;M62.81", weekly("2026-01-20", 3, (1, 4)),
           "Initial evaluation. Right hemiparesis after left MCA infarct in 2024. Right hip flexion 3+/5, "
           "right ankle dorsiflexion 3/5. Plan: PT 2x/week.",
           expect={NDX: "M62.81 with I69.351 (neurological group I69)"},
           near={PWS: "I69.351 leads; M62.81 second"},
           styles={1: "nodot"})

patient("P52", "AETNA", "romero", "retired code G20 with M62.81")
visit("P52", "2026-02-26", "M62.81;G20", [("99214", 1, "")],
      "Parkinson's disease follow-up, carbidopa-levodopa. Bradykinesia and generalized weakness, hip "
      "flexors 4/5. Plan: PT referral.", ntype="physician note",
      expect={INV: "G20 is a category header since 2023-10-01 (G20.A1..G20.C)",
              NDX: "M62.81 with G20 (neurological group G)",
              PWS: "M62.81 primary with G20 (neurological group)"})

patient("P53", "MEDICAID", "walsh", "lumbar radiculopathy (M chapter)")
visit("P53", "2026-03-24", "M62.81;M54.16", [("99213", 1, "")],
      "Lumbar radiculopathy with leg weakness. EHL 4/5 left, hip abduction 4/5 left. Plan: PT, gabapentin.",
      ntype="physician note",
      near={NDX: "M54.16 is chapter M, not in the neurological group",
            PWS: "M54.16 is not in any specific-code group"})

patient("P54", "MEDICARE", "romero", "cerebrovascular disease unspecified + history of TIA")
visit("P54", "2026-04-28", "M62.81;I67.9;Z86.73", [("99214", 1, "")],
      "Follow-up of small vessel cerebrovascular disease on MRI and remote TIA without residual deficit. "
      "Generalized weakness, hip flexors 4/5, grip symmetric.\nPlan: statin, walking program.",
      ntype="physician note", date_style="us",
      near={NDX: "I67.9 is not I63/I69; Z86.73 is a history code",
            PWS: "I67.9 and Z86.73 are in no specific-code group"})

# ---- primary with specific -------------------------------------------------
patient("P61", "BCBS", "ortiz", "hip replacement aftercare coded with M62.81 first")
pt_episode("P61", "M62.81;Z47.1;Z96.641", weekly("2026-05-04", 3, (0, 3)),
           "Initial evaluation after right THA on 04/20/2026. Hip abduction 3+/5, hip flexion 4-/5 right. "
           "Ambulating with walker.",
           expect={PWS: "M62.81 primary with Z47.1 and Z96.641 (post-surgical group)"},
           eval_level="97161")
patient("P62", "MEDICARE", "romero", "heart failure second")
visit("P62", "2026-02-05", "M62.81;I50.9", [("99214", 1, "")],
      "Heart failure follow-up; fatigue and leg weakness. Hip flexors 4/5. Euvolemic today.",
      ntype="physician note", dx_style="lower",
      expect={PWS: "M62.81 primary with I50.9 (systemic disease)"})
patient("P63", "MEDICAID", "walsh", "CKD second, no-dot spelling")
visit("P63", "2026-03-12", "M62.81;N18.30", [("99213", 1, "")],
      "CKD stage 3 follow-up. Generalized weakness; knee extensors 4/5. eGFR 41.",
      ntype="physician note", dx_style="nodot",
      expect={PWS: "M62.81 primary with N18.30 (systemic disease N18)"})
patient("P64", "AETNA", "romero", "COPD second")
visit("P64", "2026-04-16", "M62.81;J44.9", [("99213", 1, "")],
      "COPD follow-up; dyspnea on exertion, leg weakness. Quadriceps 4/5. Pulmonary rehab referral.",
      ntype="physician note", date_style="us",
      expect={PWS: "M62.81 primary with J44.9 (systemic disease J44)"})
patient("P67", "BCBS", "walsh", "polymyalgia rheumatica second")
visit("P67", "2026-05-19", "M62.81;M35.3", [("99214", 1, "")],
      "Polymyalgia rheumatica on prednisone 10 mg. Shoulder girdle stiffness improved; deltoids 4/5, "
      "hip flexors 4/5.", ntype="physician note",
      expect={PWS: "M62.81 primary with M35.3 (systemic disease)"},
      near={EXC: "M35.3 with M62.81: no Excludes1 (M35.3 excludes only M31.5)"})
patient("P68", "MEDICARE", "patel", "prostate cancer second")
visit("P68", "2026-06-09", "M62.81;C61", [("99214", 1, "")],
      "Prostate cancer on androgen deprivation; progressive proximal weakness. Hip flexors 4-/5, "
      "deltoids 4/5.", ntype="physician note", unpaid=True,
      expect={PWS: "M62.81 primary with C61 (systemic disease C)"})
patient("P69", "AETNA", "nguyen", "tendon implant Z96.7 (not Z96.6)")
pt_episode("P69", "M62.81;Z96.7;R26.2", weekly("2026-05-11", 2, (0, 3)),
           "Initial evaluation after Achilles tendon repair with anchors. Ankle plantarflexion 3+/5 right.",
           near={PWS: "Z96.7 does not start with Z96.6"})

# ---- r531 --------------------------------------------------------------------
patient("P70", "MEDICARE", "nguyen", "R53.1 after TKA")
visit("P70", "2026-02-17", "R53.1;R26.2", eval_lines("97162"),
      "Initial evaluation. s/p right TKA on 2025-12-15. Quadriceps 4-/5 right, hip abductors 4/5. "
      "Ambulating with cane.", ntype="initial evaluation",
      expect={R53: "R53.1 without M62.81; the note has '4-/5' and 's/p right TKA'; no neuro code"})
patient("P71", "BCBS", "romero", "R53.1, note linked by patient+date")
c71 = claim("P71", "2026-03-18", "R53.1;E11.9", [("99213", 1, "")],
            expect={R53: "supporting note (empty claim_id, same date) has 'Deconditioning' and '4/5'"})
note("P71", "2026-03-18", "physician note",
     "Deconditioning after a 3-week hospital stay for sepsis. Hip flexors 4/5, grip fair. Plan: home PT.")
patient("P72", "AETNA", "walsh", "R53.1 with negated etiology")
visit("P72", "2026-04-09", "R53.1;I10", [("99213", 1, "")],
      "Weakness for 2 weeks. Hip flexors 4/5 bilaterally. No atrophy. Patient is not deconditioned and "
      "still swims weekly. Labs ordered.", ntype="physician note",
      near={R53: "etiology words are negated ('No atrophy', 'not deconditioned')"})
patient("P73", "MEDICAID", "chen", "R53.1 with polyneuropathy code")
visit("P73", "2026-05-07", "R53.1;G62.9", [("99214", 1, "")],
      "Disuse atrophy of the calves after months in a wheelchair; known polyneuropathy. Ankle "
      "dorsiflexion 4/5.", ntype="physician note",
      near={R53: "claim carries G62.9 (neurological code)"})
patient("P74", "MEDICARE", "romero", "R53.1, grade only in a non-supporting note")
note("P74", "2026-03-20", "daily note", "PT visit at home: hip abductors 4/5, sit-to-stand with arms.",
     prov=PROV["grant"])
visit("P74", "2026-04-02", "R53.1;R26.89", [("99213", 1, "")],
      "Post-operative deconditioning after lumbar fusion in January. Formal strength testing deferred.",
      ntype="physician note",
      near={R53: "the supporting note has no grade; the '4/5' note of 2026-03-20 does not support this claim"})
patient("P75", "BCBS", "grant", "R53.1, grade and etiology in two different notes")
visit("P75", "2026-05-26", "R53.1;R26.2", eval_lines("97161"),
      "Initial evaluation. Hip abduction 4/5, knee extension 4+/5. Gait slow but safe.",
      ntype="initial evaluation",
      near={R53: "no single supporting note holds both a grade and an etiology"})
note("P75", "2026-05-26", "physician note",
     "Weakness attributed to deconditioning after prolonged bed rest.", prov=PROV["walsh"])
patient("P76", "AETNA", "ortiz", "R53.1 after cast immobilization")
visit("P76", "2026-06-09", "R53.1;R26.89", eval_lines("97161"),
      "Initial evaluation. Weakness after 6 weeks of cast immobilization for a right ankle fracture. "
      "Ankle dorsiflexion 4-/5, plantarflexion 4/5.", ntype="initial evaluation", unpaid=True,
      expect={R53: "note has 'immobilization' and '4-/5'"})
patient("P77", "MEDICARE", "walsh", "R53.1 with statin myopathy")
visit("P77", "2026-01-22", "R53.1", [("99214", 1, "")],
      "Proximal weakness from statin myopathy (CK 1,250 on atorvastatin). MRC grade 4 at the hip flexors. "
      "Statin held.", ntype="physician note",
      expect={R53: "note has 'MRC grade 4' and 'myopathy'"})

patient("P78", "BCBS", "kim", "R53.1 after shoulder surgery")
visit("P78", "2026-02-25", "R53.1;M25.611", eval_lines("97162"),
      "Initial evaluation. Post-operative weakness 7 weeks after right rotator cuff repair. Shoulder "
      "flexion 4-/5, external rotation 3+/5 on the right.", ntype="initial evaluation",
      expect={R53: "note has 'Post-operative' and '4-/5'"})
patient("P79", "MEDICAID", "walsh", "R53.1 with disuse atrophy")
visit("P79", "2026-04-23", "R53.1", [("99213", 1, "")],
      "Disuse atrophy of the right quadriceps after 8 weeks non-weight-bearing for a tibial plateau "
      "fracture. Knee extension 4/5 right, 5/5 left.", ntype="physician note",
      expect={R53: "note has 'Disuse atrophy' and '4/5'; no neuro code"})

# ---- dx-invalid --------------------------------------------------------------
patient("P80", "MEDICARE", "bell", "header code M62.8")
visit("P80", "2026-02-17", "M62.8;R26.2", therapy_lines(0), daily_text(0),
      expect={INV: "M62.8 is a header (M62.81, M62.82, ... below it)"},
      near={NDX: "M62.8 is not M62.81"})
patient("P81", "BCBS", "ortiz", "low back pain across the M54.5 split")
visit("P81", "2015-09-15", "M54.5", [("97110", 2, "GP")], "Low back pain, core stabilization.",
      near={INV: "date before 2015-10-01 is judged against FY2016, where M54.5 is billable"})
visit("P81", "2021-09-30", "M54.5", [("97110", 2, "GP")], "Low back pain flare, core program.",
      near={INV: "M54.5 billable through 2021-09-30"})
visit("P81", "2021-10-01", "M54.5", [("97110", 2, "GP")], "Low back pain, continued core program.",
      expect={INV: "M54.5 not billable from 2021-10-01 (FY2022 split into M54.50/M54.51/M54.59)"})
visit("P81", "2021-10-05", "M54.50", [("97110", 2, "GP")], "Low back pain, improving.",
      near={INV: "M54.50 billable from 2021-10-01"})
patient("P82", "AETNA", "walsh", "M54.5 in 2026")
visit("P82", "2026-03-05", "M54.5", [("99213", 1, "")],
      "Low back pain after lifting boxes. No red flags. Plan: NSAID, PT.", ntype="physician note",
      expect={INV: "M54.5 not billable since 2021-10-01"})
patient("P83", "MEDICARE", "kim", "multiple sclerosis across the G35 split")
visit("P83", "2025-09-30", "G35;R26.89", therapy_lines(1), daily_text(1),
      near={INV: "G35 billable through 2025-09-30"})
visit("P83", "2025-10-01", "G35;R26.89", therapy_lines(2), daily_text(2),
      expect={INV: "G35 not billable from 2025-10-01 (FY2026: G35.A..G35.D)"})
visit("P83", "2026-01-13", "G35.A;R26.89", therapy_lines(3), daily_text(3),
      near={INV: "G35.A billable from 2025-10-01"})
patient("P84", "MEDICARE", "romero", "sarcopenia before and after M62.84 existed")
visit("P84", "2016-09-30", "M62.84", [("99213", 1, "")], "Sarcopenia, low grip strength.",
      ntype="physician note", expect={INV: "M62.84 not billable before 2016-10-01"})
visit("P84", "2016-10-03", "M62.84", [("99213", 1, "")], "Sarcopenia, resistance exercise advised.",
      ntype="physician note", near={INV: "M62.84 billable from 2016-10-01"})
patient("P85", "BCBS", "patel", "unknown code")
visit("P85", "2026-05-20", "M62.87;R26.2", [("99213", 1, "")],
      "Leg weakness, gait instability. Plan: PT.", ntype="physician note",
      expect={INV: "M62.87 is not an ICD-10-CM code"})


# ==================================================================== output
def norm(code: str) -> str:
    return code.strip().upper().replace(".", "")


def load_billable(ref: Path):
    spans = {}
    with open(ref / "years" / "icd10cm_billable_by_year.tsv", encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            spans.setdefault(norm(row["code"]), []).append((row["valid_from"], row["valid_to"] or "9999-12-31"))
    return spans


def billable(spans, code, date):
    d = max(date.isoformat(), "2015-10-01")
    return any(a <= d <= b for a, b in spans.get(norm(code), []))


def fmt_dx(codes, style):
    if style == "lower":
        return ";".join(c.lower() for c in codes)
    if style == "nodot":
        return ";".join(c.replace(".", "") for c in codes)
    if style == "spaced":
        return "; ".join(codes)
    return ";".join(codes)


def fmt_date(d, style):
    return d.strftime("%m/%d/%Y") if style == "us" else d.isoformat()


H1 = (D("2026-01-01"), D("2026-06-30"))
UNPAID_FROM = D("2026-05-25")  # claims not yet adjudicated


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=str(HERE))
    ap.add_argument("--reference", default=str(DEFAULT_REF))
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)

    # patient ids
    keys = sorted(PATIENTS, key=lambda k: (k[0], int(k[1:])))
    nums = rng.sample(range(200000, 999999), len(keys))
    pid = {k: f"MRN{n}" for k, n in zip(keys, nums)}

    # claim ids in chronological order
    CLAIMS.sort(key=lambda c: (c["date"], pid[c["pat"]], c["seq"]))
    for i, c in enumerate(CLAIMS):
        c["id"] = f"CLM{c['date'].year % 100:02d}{100001 + i}"
    NOTES.sort(key=lambda n: (n["date"], pid[n["pat"]], n["seq"]))
    for i, n in enumerate(NOTES):
        n["id"] = f"N{700001 + i}"

    # sanity: one claim per patient and date; dx validity matches the labels
    seen = set()
    spans = load_billable(Path(a.reference))
    for c in CLAIMS:
        k = (c["pat"], c["date"])
        assert k not in seen, f"two claims for {k}"
        seen.add(k)
        bad = [x for x in c["dx"] if not billable(spans, x, c["date"])]
        assert bool(bad) == (INV in c["expect"]), (c["id"], c["dx"], c["date"], bad)
        for chk in list(c["expect"]) + list(c["near"]):
            assert chk in CHECKS, chk
        assert not set(c["expect"]) & set(c["near"]), c["id"]

    # claims.csv
    nlines = 0
    with open(out / "claims.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["claim_id", "line_number", "patient_id", "provider_id", "service_date", "cpt_code",
                    "modifiers", "units", "charge_amount", "paid_amount", "payer", "dx_codes", "dx_pointers"])
        for c in CLAIMS:
            ratio = PAY_RATIO[c["payer"]]
            ndx = len(c["dx"])
            for ln, line in enumerate(c["lines"], 1):
                cpt, units = line[0], line[1]
                mods = line[2] if len(line) > 2 else ""
                charge = round(FEE[cpt] * units, 2)
                paid = "" if c["unpaid"] or c["date"] >= UNPAID_FROM else f"{round(charge * ratio * (0.97 + 0.06 * rng.random()), 2):.2f}"
                ptr = ";".join(str(i) for i in range(1, min(ndx, 4) + 1)) if cpt.startswith("97") else "1"
                w.writerow([c["id"], ln, pid[c["pat"]], PROV[c["prov"]], fmt_date(c["date"], c["date_style"]),
                            cpt, mods, units, f"{charge:.2f}", paid, c["payer"],
                            fmt_dx(c["dx"], c["dx_style"]), ptr])
                nlines += 1

    # notes.csv
    with open(out / "notes.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["note_id", "patient_id", "note_date", "note_type", "claim_id", "provider_id", "text"])
        for n in NOTES:
            prov = n["prov"] if n["prov"] in PROV.values() else PROV[n["prov"]]
            w.writerow([n["id"], pid[n["pat"]], n["date"].isoformat(), n["type"],
                        n["claim"]["id"] if n["claim"] else "", prov, n["text"]])

    # expected_findings.csv
    exp = sorted((chk, c["id"]) for c in CLAIMS for chk in c["expect"])
    with open(out / "expected_findings.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["check_id", "claim_id"])
        w.writerows(exp)

    # the same, audited for the period 2026-01-01..2026-06-30 (--from/--to)
    h1 = sorted((chk, c["id"]) for c in CLAIMS if H1[0] <= c["date"] <= H1[1]
                for chk in (c["expect"] if c["expect_h1"] is None else c["expect_h1"]))
    with open(out / "expected_findings_2026H1.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["check_id", "claim_id"])
        w.writerows(h1)

    write_readme(out, pid, nlines, exp, h1)
    print(f"claims: {len(CLAIMS)} claims, {nlines} lines; notes: {len(NOTES)}; patients: {len(PATIENTS)}; "
          f"expected findings: {len(exp)} (2026H1: {len(h1)})")
    for chk in CHECKS:
        print(f"  {chk}: {sum(1 for e in exp if e[0] == chk)}")


README_HEAD = """# sample_data

Small, realistic exports with known answers, for tests and demos of `claims-audit`.
Everything here is generated by `make_sample.py` (Python 3.11, stdlib only, deterministic):

    python3 sample_data/make_sample.py                 # regenerate
    python3 benches/peers/polars_rowregex.py --claims sample_data/claims.csv \\
        --notes sample_data/notes.csv --out /tmp/peer_findings.csv
    diff /tmp/peer_findings.csv sample_data/expected_findings.csv && echo OK   # verify
    python3 benches/peers/polars_rowregex.py --claims sample_data/claims.csv \
        --notes sample_data/notes.csv --from 2026-01-01 --to 2026-06-30 --out /tmp/peer_h1.csv
    diff /tmp/peer_h1.csv sample_data/expected_findings_2026H1.csv && echo OK

| file | content |
|---|---|
| `claims.csv` | {nclaims} claims, {nlines} service lines, {npat} patients, 9 providers, 4 payers; columns as in CONTRACT.md |
| `notes.csv` | {nnotes} clinical notes (RFC 4180 quoting: commas, quotes and newlines inside `text`) |
| `expected_findings.csv` | `check_id,claim_id`: exactly the (check, claim) pairs CHECKS.md flags with the default config and **no audit period** (all claims audited), sorted by check_id then claim_id |
| `expected_findings_2026H1.csv` | the same for the audit period `--from 2026-01-01 --to 2026-06-30` (claims outside it are not audited; notes and M62.81 visits of any date are still history) |
| `make_sample.py` | the generator; every claim is built by a named scenario that labels it (`expect` / `near`) |

Data shape: outpatient PT (97161-97164, 97110, 97112, 97116, 97140, 97530, GP modifier) and physician
office / electrodiagnostic visits (99213, 99214, 95831, 95851, 95860, 95870, 95885, 95886, 95907-95913).
Service dates Jan-Jun 2026, plus history in 2025 and a few old claims (2015, 2016, 2021) that exist
only to test dx-invalid date boundaries (they carry no M62.81). Diagnosis codes are mostly written with
dots; some claims are written lower case (`m62.81;z74.09`), without dots (`M6281;N1830`) or with
`; ` separators, and a few service dates are `MM/DD/YYYY`. Claims from 2026-05-25 on have an
empty `paid_amount` (not yet adjudicated). Every code is billable on its claim's date except on the claims
labelled dx-invalid (the generator asserts this against `reference/years/icd10cm_billable_by_year.tsv`).

Readings of CHECKS.md that the labels rely on:

- A note *supports* a claim by `claim_id`; only a note with an empty `claim_id` supports by patient +
  date. Strength measurements for no-strength-exam / no-reassessment come from **any** note of the
  patient (not only supporting notes).
- r531-specificity needs **one** supporting note that holds both a strength measurement and a
  musculoskeletal etiology (patient P75: grade and etiology in two different supporting notes = not flagged).
- no-reassessment: "at least 6 M62.81 visits in the audit period" counts only claims inside the
  period (P35: 6 visits, one of them on 2025-12-30, so flagged with no period and not flagged for
  2026 H1). The visits counted after the measurement are the patient's M62.81 claims of any date
  (history before the period included, P36) dated strictly after the measurement date, ordered by
  (service_date, claim_id), up to and including this visit. No two claims of one patient share a
  date in this data, so the same-day order never matters here. The measurement may come from any
  note of the patient.
- `N/5` followed by a counted noun (`1/5 attempts`, `2/5 visits`) or preceded by `visit` is a count;
  `5-/5`, `3+/5`, `4 / 5`, `MMT: 3+`, `MRC grade 4`, `grade 4-` are grades.

Patient keys below (F1, P10, ...) are the generator's scenario names; the patient id is shown beside them.
"""


def write_readme(out, pid, nlines, exp, h1):
    byid = {c["id"]: c for c in CLAIMS}
    lines = [README_HEAD.format(nclaims=len(CLAIMS), nlines=nlines, npat=len(PATIENTS), nnotes=len(NOTES))]
    lines.append("## Expected findings per check\n")
    lines.append("| check | findings (all claims) | findings with `--from 2026-01-01 --to 2026-06-30` |\n|---|---|---|")
    for chk in CHECKS:
        lines.append(f"| {chk} | {sum(1 for e in exp if e[0] == chk)} | {sum(1 for e in h1 if e[0] == chk)} |")
    lines.append(f"| **total** | {len(exp)} | {len(h1)} |\n")
    for chk in CHECKS:
        lines.append(f"## {chk}\n")
        lines.append("Must be flagged:\n")
        lines.append("| claim | patient | date | dx | why |\n|---|---|---|---|---|")
        for c in CLAIMS:
            if chk in c["expect"]:
                lines.append(f"| {c['id']} | {c['pat']} {pid[c['pat']]} | {c['date']} | `{fmt_dx(c['dx'], c['dx_style'])}` | {c['expect'][chk]} |")
        lines.append("\nNear misses, must NOT be flagged (claims of one patient with the same reason are grouped):\n")
        lines.append("| claims | patient | dates | dx | why not |\n|---|---|---|---|---|")
        groups = {}
        for c in CLAIMS:
            if chk in c["near"]:
                groups.setdefault((c["pat"], c["near"][chk]), []).append(c)
        for (pat, why), cs in groups.items():
            ids = ", ".join(x["id"] for x in cs) if len(cs) <= 3 else f"{cs[0]['id']} .. {cs[-1]['id']} ({len(cs)} claims)"
            dates = str(cs[0]["date"]) if len(cs) == 1 else f"{cs[0]['date']} .. {cs[-1]['date']}"
            lines.append(f"| {ids} | {pat} {pid[pat]} | {dates} | `{fmt_dx(cs[0]['dx'], cs[0]['dx_style'])}` | {why} |")
        lines.append("")
    lines.append("## Patients (scenarios)\n")
    lines.append("| key | patient_id | payer | scenario |\n|---|---|---|---|")
    for k in sorted(PATIENTS, key=lambda k: (k[0], int(k[1:]))):
        p = PATIENTS[k]
        lines.append(f"| {k} | {pid[k]} | {p['payer']} | {p['story']} |")
    (out / "README.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
