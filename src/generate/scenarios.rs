//! Patients and their care, one scenario per patient, drawn at realistic
//! rates. Each scenario is a kind of care seen in outpatient claims (therapy
//! episodes, physician follow-ups, electrodiagnostic visits, ...) and holds
//! the true cases and near misses of the checks of CHECKS.md that such care
//! produces; the note texts carry the look-alike traps (dates `3/5/2026`,
//! pain `5/10`, `L4/5`, `2/5 visits`, negated or uncertain neuro statements).
//!
//! Every diagnosis template is billable on every date the generator uses,
//! except those of [`INVALID_DX`] (tested in `tests.rs`).

use chrono::NaiveDate;

use super::{Chunk, ClaimCols, NoteCols, Rng};

/// First possible episode start and last one: Jan 2025 – Jun 2026
/// (episodes run up to ~4 months past their start).
pub fn first_day() -> i32 {
    days(2025, 1, 1)
}
pub fn last_start() -> i32 {
    days(2026, 6, 30)
}
/// Claims dated from here on are not adjudicated yet (no paid amount).
fn unpaid_from() -> i32 {
    days(2026, 9, 1)
}

pub fn days(y: i32, m: u32, d: u32) -> i32 {
    (NaiveDate::from_ymd_opt(y, m, d).unwrap() - NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        .num_days() as i32
}

fn weekday(day: i32) -> i32 {
    (day + 3).rem_euclid(7) // 1970-01-01 was a Thursday; Monday = 0
}

/// One service line: CPT, units, modifiers.
type Line = (&'static str, i32, &'static str);

const FEES: &[(&str, i64)] = &[
    ("97161", 15000),
    ("97162", 17500),
    ("97163", 21000),
    ("97164", 12000),
    ("97110", 4800),
    ("97112", 5200),
    ("97116", 4600),
    ("97140", 4400),
    ("97530", 5500),
    ("99213", 13500),
    ("99214", 19500),
    ("95831", 6800),
    ("95851", 4000),
    ("95860", 18500),
    ("95870", 14000),
    ("95885", 11000),
    ("95886", 16000),
    ("95907", 13000),
    ("95908", 16500),
    ("95909", 20000),
    ("95910", 25000),
    ("95913", 39000),
];

fn fee(cpt: &str) -> i64 {
    FEES.iter()
        .find(|(c, _)| *c == cpt)
        .map(|f| f.1)
        .unwrap_or(10000)
}

const PAYERS: &[(&str, u32, f64)] = &[
    ("MEDICARE", 40, 0.72),
    ("MEDICAID", 12, 0.61),
    ("AETNA", 12, 0.81),
    ("BCBS", 14, 0.78),
    ("UHC", 12, 0.79),
    ("CIGNA", 5, 0.83),
    ("HUMANA", 5, 0.75),
];

// ---------------------------------------------------------------- dx templates

/// Therapy episodes with M62.81, and their weights. Near misses: a specific
/// code leads (Z96.651, Z47.1), codes of no group (M17.11, R26.2).
/// True m6281-primary-with-specific: M62.81 before Z96.652 / Z47.1.
pub const PT_M6281_DX: &[(&str, u32)] = &[
    ("M62.81;R26.2", 25),
    ("M62.81;R26.89;Z74.09", 15),
    ("M62.81;R29.6;Z91.81", 10),
    ("M62.81;M17.11;R26.2", 10),
    ("Z96.651;M62.81;R26.2", 10),
    ("Z47.1;Z96.641;M62.81", 6),
    ("M62.81;M25.561;R26.2", 8),
    ("R26.2;M62.81", 8),
    ("M62.81;Z96.652;R26.2", 5),
    ("M62.81;Z47.1;Z96.641", 3),
];

/// Therapy episodes without M62.81.
pub const PT_OTHER_DX: &[&str] = &[
    "M17.11;R26.2",
    "M54.50;R26.89",
    "M25.561;R26.2",
    "Z96.651;R26.2",
    "Z47.1;Z96.641",
    "M54.16;R26.89",
    "M79.604;R26.2",
];

/// Physician follow-ups: (dx, weight). M62.81 primary with a systemic
/// disease is a true m6281-primary-with-specific; the others are near misses.
pub const PHYS_DX: &[(&str, u32)] = &[
    ("I50.9;M62.81;N18.30", 20),
    ("M62.81;E11.9;I10", 20),
    ("J44.9;M62.81", 10),
    ("M62.81;M17.11", 10),
    ("M62.81;I50.9", 6),
    ("M62.81;N18.30", 6),
    ("M62.81;J44.9", 5),
    ("M62.81;C61", 3),
    ("M62.81;M06.9", 3),
    ("M62.81;M35.3", 3),
    ("I50.9;N18.30", 7),
    ("E11.9;I10", 7),
];

/// Electrodiagnostic visits.
pub const EMG_DX: &[&str] = &["M62.81;R26.2", "M62.81;R26.89", "M62.81;M79.604", "G56.01"];

/// R53.1 visits; G62.9 makes a near miss (neurological code).
pub const R531_DX: &[&str] = &[
    "R53.1;R26.2",
    "R53.1;E11.9",
    "R53.1",
    "R53.1;I10",
    "R53.1;G62.9",
];

/// Excludes1 conflicts (true) and near misses (M62.50, M79.604, M35.3).
pub const EXCLUDES1_DX: &[(&str, bool)] = &[
    ("M62.81;M62.84", true),
    ("M62.84;M62.81", true),
    ("M62.81;M33.20", true),
    ("M32.9;M62.81", true),
    ("R53.1;M62.81", true),
    ("M62.81;M79.18", true),
    ("M62.81;M62.50", false),
    ("M62.81;M79.604", false),
    ("M35.3;M62.81", false),
];

/// Neurological codes with M62.81 (true m6281-neuro-dx-mismatch) and near misses.
pub const NEURO_DX: &[&str] = &[
    "M62.81;G20.A1;R26.89",
    "I69.351;M62.81",
    "M62.81;I63.9",
    "M62.81;M54.16",
    "M62.81;I67.9;Z86.73",
];

/// Codes not billable on the generator's dates (M54.5 since 2021-10-01, M62.8
/// a header, M62.87 unknown, G20 a header since 2023-10-01, G35 from 2025-10-01).
pub const INVALID_DX: &[&str] = &["M54.5", "M62.8;R26.2", "M62.87;R26.2", "M62.81;G20"];
/// G35 is billable before 2025-10-01 and not from then; G35.A the reverse.
pub const G35_SPLIT: (i32, u32, u32) = (2025, 10, 1);

/// Primary-care visits of patients who never have an M62.81 or R53.1
/// claim (most patients of a real export): their notes are read by no check.
pub const PRIMARY_DX: &[&str] = &[
    "I10;E78.5",
    "E11.9;I10",
    "J45.909",
    "K21.9;I10",
    "M17.11",
    "E03.9;E78.5",
    "F41.1",
    "J06.9",
];

// ---------------------------------------------------------------- text pools

const DEVICES: &[&str] = &[
    "a single point cane",
    "a rolling walker",
    "no assistive device",
    "a standard walker",
];
const GRADES: &[&str] = &["3", "3+", "4-", "4", "4", "4+", "4+", "5-"];
const CAUSES: &[&str] = &[
    "a 12-day hospital stay for pneumonia",
    "a hip fracture repair",
    "months of limited activity",
    "chemotherapy completed last month",
    "a fall at home",
    "a prolonged ICU admission",
];
const QUOTES: &[&str] = &[
    "My legs feel like jelly by the afternoon",
    "I got up from the couch without pushing off today",
    "Stairs are still the hardest part",
    "I walked to the mailbox and back, first time in months",
    "Getting out of the car is easier",
];

/// A note with a strength measurement, from an evaluation.
fn eval_text(r: &mut Rng, date: i32) -> String {
    let g = |r: &mut Rng| *r.pick(GRADES);
    let f = r.range(2, 3);
    let w = r.range(4, 8);
    match r.below(5) {
        0 => format!(
            "Initial evaluation. {} y/o with generalized weakness after {}. Deconditioning evident: needs arms \
             to rise from chair, unsteady on turns.\nStrength: hip flexion {}/5 bilaterally, knee extension {}/5, \
             ankle dorsiflexion {}/5. Grip {} kg R, {} kg L. Berg {}/56.\nPlan: PT {f}x/week x {w} weeks; ther ex, \
             balance, gait.",
            r.range(58, 91),
            r.pick(CAUSES),
            g(r),
            g(r),
            g(r),
            r.range(14, 30),
            r.range(12, 28),
            r.range(36, 52)
        ),
        1 => format!(
            "Initial evaluation. {} y/o female, {} falls in the past 6 months, lives alone. Generalized LE \
             weakness from deconditioning. MMT: hip extensors {}/5, hip abductors {}/5, knee extensors {}/5. \
             Timed Up and Go {}.{} sec with {}.\nPlan: PT {f}x/week for {w} weeks, fall prevention.",
            r.range(65, 92),
            r.range(2, 4),
            g(r),
            g(r),
            g(r),
            r.range(11, 22),
            r.below(10),
            r.pick(DEVICES)
        ),
        2 => format!(
            "PT initial evaluation. {} y/o referred for weakness after {} weeks in a skilled facility; \
             deconditioning. Hip abductors MRC grade {}, knee extensors MRC grade {} bilaterally. Six-minute \
             walk {} m.\nPlan: PT {f}x/week.",
            r.range(55, 90),
            r.range(2, 8),
            r.range(3, 4),
            r.range(3, 5),
            r.range(150, 380)
        ),
        3 => format!(
            "Initial evaluation. Diffuse muscle aching in the thighs and generalized weakness since a viral \
             illness. Manual muscle testing: hip abductors grade {}, knee extensors grade {}. Pain {}/10 with \
             stairs.\nPlan: PT {f}x/week x {w} weeks.",
            g(r),
            r.range(3, 5),
            r.range(2, 7)
        ),
        _ => format!(
            "Initial evaluation. Pt is a {} y/o s/p right TKA on {}, referred for post-operative weakness and \
             gait deviation. Objective: MMT right knee extension {}/5, right hip abduction {}/5, left LE 5/5 \
             grossly. Gait speed 0.{} m/s with {}. Knee AROM 5-{} deg.\nAssessment: post-operative quadriceps \
             weakness limiting community ambulation. Plan: skilled PT {f}x/week for {w} weeks.",
            r.range(55, 85),
            us_date(date - r.range(14, 40) as i32),
            g(r),
            g(r),
            r.range(45, 95),
            r.pick(DEVICES),
            r.range(85, 115)
        ),
    }
}

/// An evaluation whose numbers only look like grades (m6281-no-strength-exam).
fn lookalike_eval_text(r: &mut Rng, date: i32) -> String {
    match r.below(4) {
        0 => format!(
            "Initial evaluation. Low back pain {}/10, radiating to the buttock. MRI: L4/5 disc bulge without \
             stenosis; cervical films show C5/6 spondylosis. Reports legs give out after 10 minutes of standing.\n\
             Plan: PT 2x/week for core and hip strengthening.",
            r.range(3, 8)
        ),
        1 => "Initial evaluation. Ambulated 150 ft with rolling walker before needing to sit. Completed 3 sets \
              of 5 sit-to-stands with arms. Reports weakness since winter.\nPlan: gait and strength training."
            .to_string(),
        2 => format!(
            "Pt transferred from another clinic; prior records requested. Sit-to-stand without hands \
             successful on {}/5 attempts. Tolerated 25 min of activity. Last seen {}.",
            r.range(1, 4),
            us_date(date - 30)
        ),
        _ => format!(
            "This is visit {}/5 authorized by the payer. MMT deferred due to post-injection soreness in the \
             right knee. Gait training and seated exercise only.",
            r.range(1, 4)
        ),
    }
}

fn reeval_text(r: &mut Rng, visit: usize) -> String {
    let g = |r: &mut Rng| *r.pick(GRADES);
    match r.below(3) {
        0 => format!(
            "Re-evaluation at visit {visit}. Hip flexion {}/5, knee extension {}/5. Berg {}/56. Rises from \
             chair without arms. Continue 3 more weeks.",
            g(r),
            g(r),
            r.range(42, 54)
        ),
        1 => format!(
            "Progress report, visit {visit}. Right knee extension {}/5, hip abduction {}/5. 5xSTS {}.{} sec. \
             Goals partially met; continue plan of care 4 more weeks.",
            g(r),
            g(r),
            r.range(10, 16),
            r.below(10)
        ),
        _ => format!(
            "Re-evaluation. MMT: hip abductors {}/5, hip extensors {}/5, knee extensors {}/5. TUG {} sec. \
             No falls since start of care.",
            g(r),
            g(r),
            g(r),
            r.range(9, 15)
        ),
    }
}

/// A daily note: treatment given, with a look-alike trap now and then.
fn daily_text(r: &mut Rng, date: i32) -> String {
    let dev = *r.pick(DEVICES);
    let mut t = match r.below(5) {
        0 => format!(
            "S: Pt arrived ambulating with {dev}. Reports mild fatigue, no falls since last session.\n\
             O: Ther ex: seated knee extension, standing hip abduction, heel raises; completed 3 sets of 10 reps \
             each. Neuromuscular re-ed: tandem stance and single-leg stance with UE support.\n\
             A: Tolerated session well, no adverse response.\nP: Continue per plan of care."
        ),
        1 => format!(
            "S: \"{}.\" Pain {}/10 at start of session, {}/10 at end.\n\
             O: Gait training 150 ft x 2 with {dev}, contact guard assist on turns. Sit-to-stand x10 from \
             standard-height chair.\nA: Progressing toward goals, endurance improving.\nP: Progress resistance \
             next visit.",
            r.pick(QUOTES),
            r.range(2, 6),
            r.range(1, 4)
        ),
        2 => format!(
            "Therapeutic activities: floor-to-chair transfer practice, step-ups on 4 inch step 2 sets of 12, \
             carrying 5 lb laundry basket 40 ft. Manual therapy: soft tissue mobilization to the lateral thigh. \
             HEP reviewed; pt verbalized understanding. Pain {}/10.",
            r.range(1, 6)
        ),
        3 => "Pt reports doing home exercises 5 of 7 days. Treadmill 8 min at 1.2 mph, recumbent bike 10 min \
              level 2. Resisted gait with band, 4 laps in the gym. Vitals stable, SpO2 96% on room air. Plan: \
              continue, add lateral stepping next session."
            .to_string(),
        _ => format!(
            "Daily note. Balance: static standing on foam 30 sec x 3, reaching outside base of support, obstacle \
             course x 3 laps with {dev}. Pt needed two standing rest breaks. Pain {}/10, fatigue moderate.\n\
             Continue per POC.",
            r.range(1, 6)
        ),
    };
    if r.chance(0.45) {
        t.push(' ');
        t.push_str(&trap_sentence(r, date));
    }
    t
}

/// Numbers that are not strength grades (CHECKS.md's look-alikes).
fn trap_sentence(r: &mut Rng, date: i32) -> String {
    match r.below(7) {
        0 => format!("Last seen {}.", us_date(date - r.range(3, 40) as i32)),
        1 => format!(
            "Follow-up booked for {}.",
            us_date_short(date + r.range(7, 60) as i32)
        ),
        2 => format!(
            "Pt has attended {}/5 visits scheduled this month due to transport problems.",
            r.range(1, 4)
        ),
        3 => "Reviewed outside MRI report: L4/5 mild foraminal narrowing, no acute findings."
            .to_string(),
        4 => format!("This is visit {}/5 authorized by the payer.", r.range(1, 4)),
        5 => format!(
            "Sit-to-stand without hands successful on {}/5 attempts.",
            r.range(1, 4)
        ),
        _ => format!(
            "Pt reports {}/10 knee pain after grocery shopping.",
            r.range(2, 8)
        ),
    }
}

fn physician_text(r: &mut Rng, dx: &str, date: i32) -> String {
    let g = *r.pick(GRADES);
    if r.chance(0.12) {
        return format!(
            "Follow-up. Reports leg weakness, worse climbing stairs, no falls. Labs from {} reviewed: TSH \
             normal, vitamin D {}. Strength testing deferred today.\nPlan: vitamin D, recheck in 6 weeks.",
            us_date(date - r.range(5, 20) as i32),
            r.range(12, 30)
        );
    }
    if dx.contains("I50") || dx.contains("N18") {
        format!(
            "Follow-up of chronic systolic heart failure and CKD stage 3. Reports fatigue and leg weakness \
             climbing one flight of stairs. Exam: no JVD, trace ankle edema. Strength {g}/5 in bilateral hip \
             flexors, 5/5 upper extremities. Weight stable.\nPlan: continue GDMT, home exercise, PT referral \
             renewed, BMP in 4 weeks."
        )
    } else if dx.contains("J44") {
        format!(
            "COPD follow-up; dyspnea on exertion, leg weakness. Quadriceps {g}/5. Pulmonary rehab referral."
        )
    } else if dx.contains("E11") {
        format!(
            "Annual follow-up. Type 2 diabetes, A1c 7.{}. Complains of leg weakness when gardening. MRC grade \
             {} at the hip flexors and grade 5 distally. Weakness likely from inactivity over the winter \
             (disuse). BP 134/82.\nPlan: walking program, recheck in 3 months.",
            r.below(10),
            r.range(3, 4)
        )
    } else if dx.contains("C61") {
        format!(
            "Prostate cancer on androgen deprivation; progressive proximal weakness. Hip flexors {g}/5, \
             deltoids 4/5."
        )
    } else {
        format!(
            "Follow-up visit. Generalized weakness, knee extensors {g}/5, hip flexors 4/5. Gait steady with a \
             cane.\nPlan: continue home exercise program."
        )
    }
}

/// (text, distinguishes musculoskeletal from neurological weakness).
const EMG_FINDINGS: &[(&str, bool)] = &[
    ("EMG/NCS within normal limits.", true),
    ("Neurological cause ruled out by prior MRI and EMG.", true),
    (
        "Needle EMG shows small polyphasic units in the proximal muscles; findings are myogenic, not neurogenic.",
        true,
    ),
    ("Neuro exam normal.", true),
    (
        "The weakness is musculoskeletal rather than neurological, from months of inactivity.",
        true,
    ),
    (
        "Neuro: no neurological deficit; reflexes 2+ and symmetric.",
        true,
    ),
    ("No neurological cause identified.", true),
    (
        "Preliminary review shows mildly reduced sural amplitudes, possible neuropathy. Final report to follow.",
        false,
    ),
    (
        "Neurological cause not ruled out; cannot exclude radiculopathy. Plan: MRI lumbar spine.",
        false,
    ),
    (
        "Plan: rule out neuropathy; NCS pending, scheduled next week.",
        false,
    ),
    ("Neuropathy ruled out? Awaiting attending over-read.", false),
    (
        "Generalized proximal weakness without a clear pattern. Plan: continue PT.",
        false,
    ),
];

/// R53.1 notes: (text, holds a grade and an etiology).
const R531_NOTES: &[&str] = &[
    "Initial evaluation. s/p right TKA on {date}. Quadriceps 4-/5 right, hip abductors 4/5. Ambulating with cane.",
    "Deconditioning after a 3-week hospital stay for sepsis. Hip flexors 4/5, grip fair. Plan: home PT.",
    "Initial evaluation. Weakness after 6 weeks of cast immobilization for a right ankle fracture. Ankle dorsiflexion 4-/5, plantarflexion 4/5.",
    "Proximal weakness from statin myopathy (CK 1,250 on atorvastatin). MRC grade 4 at the hip flexors. Statin held.",
    "Initial evaluation. Post-operative weakness 7 weeks after right rotator cuff repair. Shoulder flexion 4-/5, external rotation 3+/5 on the right.",
    "Disuse atrophy of the right quadriceps after 8 weeks non-weight-bearing for a tibial plateau fracture. Knee extension 4/5 right, 5/5 left.",
    "Weakness for 2 weeks. Hip flexors 4/5 bilaterally. No atrophy. Patient is not deconditioned and still swims weekly. Labs ordered.",
    "Post-operative deconditioning after lumbar fusion in January. Formal strength testing deferred.",
    "Initial evaluation. Hip abduction 4/5, knee extension 4+/5. Gait slow but safe.",
];

const EXCLUDES1_NOTES: &[&str] = &[
    "Geriatric assessment. Low grip strength and slow gait speed; DEXA lean mass low, consistent with sarcopenia. Quadriceps strength 4+/5 bilaterally. Plan: resistance training referral.",
    "PM&R consult. Known polymyositis on methotrexate. Proximal weakness: hip flexor strength 4 / 5, deltoids 4 / 5. Difficulty rising from low chairs.",
    "Lupus follow-up. Difficulty lifting arms overhead after a prednisone taper. MMT: 3+ at the proximal hip flexors bilaterally. Possible steroid myopathy.",
    "Follow-up for thigh muscle wasting after 8 weeks of knee immobilization. Knee extension 4-/5 right. Plan: continue PT.",
    "Diffuse muscle aching in the thighs since a viral illness. Manual muscle testing: hip abductors grade 4-, knee extensors grade 4.",
];

/// Sentences of the rest of a clinical note (history, vitals, medications,
/// education, time): they name no grade, etiology or neurological finding,
/// no negation or uncertainty, so a note's facts stay those of its scenario;
/// their numbers are look-alikes the masks must skip (`128/76`, `20 minutes`).
const FILLER: &[&str] = &[
    "Vitals: BP 128/76, HR 72, RR 16, SpO2 97% on room air, temp 98.2 F.",
    "Vitals: BP 142/88, HR 81, RR 18, SpO2 95% on room air.",
    "Medications reviewed and reconciled with the patient: lisinopril, metformin, atorvastatin, vitamin D.",
    "Medication list updated; pharmacy confirmed by phone.",
    "Social history: lives with spouse in a two-story home with 12 steps to the bedroom and a rail on the right.",
    "Social history: retired school teacher, lives alone in a first-floor apartment, daughter visits weekly.",
    "Allergies: penicillin (rash). Immunizations reviewed and up to date.",
    "Patient was educated on the plan of the day and verbalized understanding; teach-back used.",
    "Total treatment time 45 minutes, of which 38 minutes were one-on-one.",
    "Total visit time 25 minutes, more than half spent in counseling and coordination of care.",
    "Informed consent for treatment obtained. Patient identified with name and date of birth.",
    "Interpreter services offered and declined; patient prefers English.",
    "Home environment discussed: throw rugs removed, night lights installed, grab bars ordered for the shower.",
    "Patient arrived on time, accompanied by a family member who waited in the lobby.",
    "Sleep reported as fair, about 6 hours a night, waking once to use the bathroom.",
    "Diet reviewed; patient eats two meals a day and drinks about 4 glasses of water.",
    "Goals reviewed with the patient: walk in the neighborhood, attend church, visit grandchildren.",
    "Next appointment confirmed for the same time next week. Reminder call requested.",
    "Care coordinated with the primary care office by fax; records sent 2 times this month.",
    "Insurance authorization on file; copay collected at check-in.",
    "Review of systems otherwise as documented in the intake form, reviewed with the patient today.",
    "Patient completed the intake questionnaire; scores entered in the chart.",
    "Height 165 cm, weight 71 kg, BMI 26.1.",
    "Blood glucose this morning 132 mg/dL per home log.",
    "Family history: father with hypertension, mother with type 2 diabetes.",
];

/// A note body of realistic length: `text`, then sentences of [`FILLER`]
/// until a length drawn from 150 to 2,000 characters (mostly 300-900) is
/// reached. A text already longer stays as it is.
fn padded(r: &mut Rng, text: String) -> String {
    let target = match r.below(10) {
        0 => r.range(150, 300),
        1..=6 => r.range(300, 900),
        7 | 8 => r.range(900, 1400),
        _ => r.range(1400, 2000),
    } as usize;
    let mut t = text;
    let start = r.below(FILLER.len() as u64) as usize;
    let mut k = 0;
    while t.len() < target {
        let s = FILLER[(start + k * 7) % FILLER.len()];
        if t.len() + 1 + s.len() > 2000 {
            break;
        }
        t.push(if k % 3 == 0 { '\n' } else { ' ' });
        t.push_str(s);
        k += 1;
    }
    t
}

fn us_date(day: i32) -> String {
    use chrono::Datelike;
    let d = NaiveDate::from_num_days_from_ce_opt(day + 719_163).unwrap();
    format!("{}/{}/{}", d.month(), d.day(), d.year())
}

fn us_date_short(day: i32) -> String {
    use chrono::Datelike;
    let d = NaiveDate::from_num_days_from_ce_opt(day + 719_163).unwrap();
    format!("{}/{}/{}", d.month(), d.day(), d.year() % 100)
}

// ---------------------------------------------------------------- the generator

struct Patient {
    id: String,
    payer: usize,
    pt: String,
    md: String,
}

/// Generates one chunk: patients until the chunk's line budget is used.
pub struct Gen {
    r: Rng,
    chunk: u64,
    budget: u64,
    n_providers: u64,
    lines: u64,
    next_claim: u64,
    next_note: u64,
    patients: u64,
    c: ClaimCols,
    n: NoteCols,
    /// Bad rows are drawn from their own stream, so that the good rows of a
    /// seed are the same at any bad rate.
    bad: Rng,
    bad_rate: f64,
}

/// A provider id (10 digits, unique per index).
fn provider_id(index: u64) -> String {
    format!("1{:09}", (index * 7_919_713 + 13_579) % 1_000_000_000)
}

impl Gen {
    pub fn new(seed: u64, chunk: u64, budget: u64, total_lines: u64, bad_rate: f64) -> Gen {
        Gen {
            bad: Rng::new(seed ^ 0xBAD0_BAD0_BAD0_BAD0),
            bad_rate,
            r: Rng::new(seed),
            chunk,
            budget,
            n_providers: (total_lines / 4000).max(50),
            lines: 0,
            next_claim: 0,
            next_note: 0,
            patients: 0,
            c: ClaimCols::default(),
            n: NoteCols::default(),
        }
    }

    pub fn into_chunk(self) -> Chunk {
        Chunk {
            claims: self.c,
            notes: self.n,
            n_claims: self.next_claim,
            patients: self.patients,
        }
    }

    fn full(&self) -> bool {
        self.lines >= self.budget
    }

    pub fn run(&mut self) {
        while !self.full() {
            self.patient();
        }
    }

    fn provider(&mut self, physician: bool) -> String {
        // Every fifth provider is a physician, the others therapists.
        let k = self.r.below(self.n_providers / 5);
        let idx = if physician {
            k * 5
        } else {
            k * 5 + 1 + self.r.below(4)
        };
        provider_id(idx)
    }

    fn patient(&mut self) {
        let id = format!("P{:05}{:06}", self.chunk, self.patients);
        self.patients += 1;
        let weights: Vec<u32> = PAYERS.iter().map(|p| p.1).collect();
        let payer = self.r.weighted(&weights);
        let pt = self.provider(false);
        let md = self.provider(true);
        let p = Patient { id, payer, pt, md };
        match self.r.weighted(&[40, 25, 13, 5, 5, 2, 3, 2, 1, 30]) {
            0 => self.pt_episode_m6281(&p),
            1 => self.pt_episode_other(&p),
            2 => self.physician_visits(&p),
            3 => self.emg_visit(&p),
            4 => self.r531_visits(&p),
            5 => self.excludes1_visits(&p),
            6 => self.neuro_dx_episode(&p),
            7 => self.invalid_dx_visits(&p),
            8 => self.lookalike_only_visits(&p),
            _ => self.primary_care_visits(&p),
        }
    }

    /// Appends a claim; None when the chunk is full. The last claim of a
    /// chunk may lose lines so that the chunk has exactly its budget.
    fn claim(
        &mut self,
        p: &Patient,
        date: i32,
        dx: &str,
        lines: &[Line],
        prov: &str,
    ) -> Option<String> {
        let left = self.budget.saturating_sub(self.lines) as usize;
        if left == 0 {
            return None;
        }
        let lines = &lines[..lines.len().min(left)];
        let id = format!("C{:05}{:07}", self.chunk, self.next_claim);
        self.next_claim += 1;
        let dx_text = match self.r.below(100) {
            0 | 1 => dx.to_lowercase(),
            2 => dx.replace('.', ""),
            3 => dx.replace(';', "; "),
            _ => dx.to_string(),
        };
        let n_dx = dx.split(';').count();
        let (payer, _, ratio) = PAYERS[p.payer];
        let unpaid = date >= unpaid_from() || self.r.chance(0.03);
        let first_line = self.c.claim_id.len();
        for (i, &(cpt, units, mods)) in lines.iter().enumerate() {
            let charge = fee(cpt) * units as i64;
            let paid = if unpaid {
                None
            } else {
                let jitter = 0.97 + 0.06 * self.r.unit();
                Some((charge as f64 * ratio * jitter).round() as i64)
            };
            let c = &mut self.c;
            c.claim_id.push(id.clone());
            c.line_number.push(i as i32 + 1);
            c.patient_id.push(p.id.clone());
            c.provider_id.push(prov.to_string());
            c.service_date.push(date);
            c.cpt_code.push(cpt);
            c.modifiers.push(mods);
            c.units.push(units);
            c.charge.push(charge);
            c.paid.push(paid);
            c.payer.push(payer);
            c.dx_codes.push(dx_text.clone());
            c.dx_pointers.push(if cpt.starts_with("97") {
                ["1", "1;2", "1;2;3", "1;2;3;4"][n_dx.min(4) - 1]
            } else {
                "1"
            });
            c.date_text.push(None);
            c.charge_text.push(None);
        }
        self.lines += lines.len() as u64;
        for row in first_line..self.c.claim_id.len() {
            if self.bad_rate > 0.0 && self.bad.chance(self.bad_rate) {
                self.spoil_line(row, first_line);
            }
        }
        Some(id)
    }

    /// Makes claim line `row` (of a claim starting at `first`) a bad row of
    /// one of the kinds real exports carry: an amount or a date that does
    /// not parse, a code of impossible shape, a line sent twice (when the
    /// chunk has room for it), or a line that disagrees with the claim's
    /// first line (the whole claim is then unusable).
    fn spoil_line(&mut self, row: usize, first: usize) {
        const AMOUNTS: &[&str] = &["N/A", "1.234,50", "12.3O", "USD 40", "--"];
        const DATES: &[&str] = &[
            "2025-02-30",
            "13/45/2025",
            "2025/03/07",
            "00/00/0000",
            "20250307",
        ];
        const CPTS: &[&str] = &["9711", "97110-GP", "*****"];
        const DX: &[&str] = &["M62.81;12.3", "M6281X99", "R26.2;;;7"];
        let c = &mut self.c;
        match self.bad.below(6) {
            0 => c.charge_text[row] = Some(*self.bad.pick(AMOUNTS)),
            1 => c.date_text[row] = Some(*self.bad.pick(DATES)),
            2 => c.cpt_code[row] = *self.bad.pick(CPTS),
            3 => c.dx_codes[row] = self.bad.pick(DX).to_string(),
            4 if self.lines < self.budget => {
                // The same line sent twice (the copy ends its claim's lines).
                c.claim_id.push(c.claim_id[row].clone());
                c.line_number.push(c.line_number[row]);
                c.patient_id.push(c.patient_id[row].clone());
                c.provider_id.push(c.provider_id[row].clone());
                c.service_date.push(c.service_date[row]);
                c.date_text.push(c.date_text[row]);
                c.cpt_code.push(c.cpt_code[row]);
                c.modifiers.push(c.modifiers[row]);
                c.units.push(c.units[row]);
                c.charge.push(c.charge[row]);
                c.charge_text.push(c.charge_text[row]);
                c.paid.push(c.paid[row]);
                c.payer.push(c.payer[row]);
                c.dx_codes.push(c.dx_codes[row].clone());
                c.dx_pointers.push(c.dx_pointers[row]);
                self.lines += 1;
            }
            5 if row > first => c.service_date[row] += 1,
            _ => c.charge_text[row] = Some("N/A"),
        }
    }

    fn note(
        &mut self,
        p: &Patient,
        date: i32,
        ntype: &'static str,
        text: String,
        claim: Option<&str>,
        prov: &str,
    ) {
        let id = format!("N{:05}{:07}", self.chunk, self.next_note);
        self.next_note += 1;
        let text = padded(&mut self.r, text);
        let n = &mut self.n;
        n.note_id.push(id);
        n.patient_id.push(p.id.clone());
        n.note_date.push(date);
        n.date_text.push(None);
        n.note_type.push(ntype);
        n.claim_id.push(claim.map(str::to_string));
        n.provider_id.push(prov.to_string());
        n.text.push(text);
        if self.bad_rate > 0.0 && self.bad.chance(self.bad_rate) {
            self.spoil_note();
        }
    }

    /// Makes the last note a bad row: a date that does not parse, a blank
    /// text, or the note sent twice.
    fn spoil_note(&mut self) {
        let n = &mut self.n;
        let row = n.note_id.len() - 1;
        match self.bad.below(3) {
            0 => n.date_text[row] = Some(*self.bad.pick(&["2026-06-31", "31/12/2025", "unknown"])),
            1 => n.text[row] = "   ".to_string(),
            _ => {
                n.note_id.push(n.note_id[row].clone());
                n.patient_id.push(n.patient_id[row].clone());
                n.note_date.push(n.note_date[row]);
                n.date_text.push(None);
                n.note_type.push(n.note_type[row]);
                n.claim_id.push(n.claim_id[row].clone());
                n.provider_id.push(n.provider_id[row].clone());
                n.text.push(n.text[row].clone());
            }
        }
    }

    /// A claim and its note; 8% of notes are exported without the claim_id
    /// (they support the claim by patient and date), 3% of claims have no note.
    fn visit(
        &mut self,
        p: &Patient,
        date: i32,
        dx: &str,
        lines: &[Line],
        ntype: &'static str,
        text: String,
        prov: &str,
    ) -> bool {
        let Some(id) = self.claim(p, date, dx, lines, prov) else {
            return false;
        };
        let x = self.r.below(100);
        if x >= 3 {
            let link = if x < 11 { None } else { Some(id.as_str()) };
            self.note(p, date, ntype, text, link, prov);
        }
        if self.r.chance(0.15) {
            // A second note of the visit (coordination, phone call, addendum):
            // it documents none of the checks' facts.
            let kind = *self
                .r
                .pick(&["care coordination", "telephone encounter", "addendum"]);
            let body = format!("{}. Addendum to the visit of {}.", kind, us_date(date));
            self.note(p, date, "addendum", body, Some(id.as_str()), prov);
        }
        true
    }

    fn start_day(&mut self) -> i32 {
        first_day() + self.r.below((last_start() - first_day() + 1) as u64) as i32
    }

    /// Visit dates: `n` dates from `start` on the weekdays of `pattern`, or
    /// every `gap` days for sparse episodes.
    fn dates(&mut self, n: usize, sparse: bool) -> Vec<i32> {
        let mut d = self.start_day();
        let mut out = Vec::with_capacity(n);
        if sparse {
            for _ in 0..n {
                out.push(d);
                d += self.r.range(10, 16) as i32;
            }
            return out;
        }
        let patterns: &[&[i32]] = &[&[0, 3], &[1, 4], &[0, 2], &[0, 2, 4], &[1, 3]];
        let pattern = *self.r.pick(patterns);
        while out.len() < n {
            if pattern.contains(&weekday(d)) && !self.r.chance(0.06) {
                out.push(d);
            }
            d += 1;
        }
        out
    }

    fn therapy_lines(&mut self) -> &'static [Line] {
        const OPTS: &[&[Line]] = &[
            &[("97110", 2, "GP"), ("97112", 1, "GP")],
            &[("97110", 2, "GP"), ("97116", 1, "GP"), ("97530", 1, "GP")],
            &[("97530", 2, "GP"), ("97140", 1, "GP;59")],
            &[("97110", 3, "GP")],
            &[("97112", 2, "GP"), ("97530", 1, "GP")],
            &[
                ("97110", 1, "GP"),
                ("97112", 1, "GP"),
                ("97530", 1, "GP"),
                ("97140", 1, "GP;59"),
            ],
        ];
        *self.r.pick(OPTS)
    }

    fn eval_lines(&mut self) -> &'static [Line] {
        const OPTS: &[&[Line]] = &[
            &[("97161", 1, "GP"), ("97110", 1, "GP")],
            &[("97162", 1, "GP"), ("97110", 1, "GP")],
            &[("97163", 1, "GP"), ("97110", 2, "GP")],
        ];
        *self.r.pick(OPTS)
    }

    /// A referral note with grades, dated before the episode, not linked to a claim.
    fn referral(&mut self, p: &Patient, before: i32) {
        let date = before - self.r.range(10, 150) as i32;
        let g = *self.r.pick(GRADES);
        let text = format!(
            "Referral note: hip flexors {g}/5 and knee extensors 4/5 bilaterally; generalized weakness, \
             deconditioning. Refer to PT."
        );
        let md = p.md.clone();
        self.note(p, date, "physician note", text, None, &md);
    }

    /// Therapy episode with M62.81: evaluation, daily notes 2–3 times a week,
    /// re-evaluations. True cases: no re-evaluation within 10 visits or 90
    /// days (m6281-no-reassessment), an evaluation without a grade
    /// (m6281-no-strength-exam), M62.81 leading a specific code.
    fn pt_episode_m6281(&mut self, p: &Patient) {
        let weights: Vec<u32> = PT_M6281_DX.iter().map(|d| d.1).collect();
        let dx = PT_M6281_DX[self.r.weighted(&weights)].0;
        let n = if self.r.chance(0.15) {
            self.r.range(21, 32)
        } else {
            self.r.range(6, 20)
        } as usize;
        let sparse = self.r.chance(0.08);
        let dates = self.dates(n, sparse);
        let graded_eval = self.r.chance(0.93);
        // Re-evaluation every `every` visits; none or late in some episodes.
        let every = match self.r.below(20) {
            0..=2 => usize::MAX,
            3 | 4 => self.r.range(12, 14) as usize,
            _ => self.r.range(8, 10) as usize,
        };
        if self.r.chance(0.2) {
            self.referral(p, dates[0]);
        }
        let prov = p.pt.clone();
        for (i, &d) in dates.iter().enumerate() {
            let ok = if i == 0 {
                let text = if graded_eval {
                    eval_text(&mut self.r, d)
                } else {
                    lookalike_eval_text(&mut self.r, d)
                };
                let lines = self.eval_lines();
                self.visit(p, d, dx, lines, "initial evaluation", text, &prov)
            } else if every != usize::MAX && i % every == 0 {
                let text = reeval_text(&mut self.r, i + 1);
                self.visit(
                    p,
                    d,
                    dx,
                    &[("97164", 1, "GP"), ("97110", 2, "GP")],
                    "re-evaluation",
                    text,
                    &prov,
                )
            } else {
                let text = daily_text(&mut self.r, d);
                let lines = self.therapy_lines();
                self.visit(p, d, dx, lines, "daily note", text, &prov)
            };
            if !ok {
                return;
            }
        }
    }

    fn pt_episode_other(&mut self, p: &Patient) {
        let dx = *self.r.pick(PT_OTHER_DX);
        let n = self.r.range(6, 16) as usize;
        let dates = self.dates(n, false);
        let prov = p.pt.clone();
        for (i, &d) in dates.iter().enumerate() {
            let (lines, ntype, text) = if i == 0 {
                let text = if self.r.chance(0.5) {
                    eval_text(&mut self.r, d)
                } else {
                    lookalike_eval_text(&mut self.r, d)
                };
                (self.eval_lines(), "initial evaluation", text)
            } else {
                (
                    self.therapy_lines(),
                    "daily note",
                    daily_text(&mut self.r, d),
                )
            };
            if !self.visit(p, d, dx, lines, ntype, text, &prov) {
                return;
            }
        }
    }

    /// Physician follow-ups every 4–10 weeks.
    fn physician_visits(&mut self, p: &Patient) {
        let weights: Vec<u32> = PHYS_DX.iter().map(|d| d.1).collect();
        let dx = PHYS_DX[self.r.weighted(&weights)].0;
        let mut d = self.start_day();
        let prov = p.md.clone();
        for _ in 0..self.r.range(2, 5) {
            let text = physician_text(&mut self.r, dx, d);
            let cpt = if self.r.chance(0.6) { "99213" } else { "99214" };
            if !self.visit(p, d, dx, &[(cpt, 1, "")], "physician note", text, &prov) {
                return;
            }
            d += self.r.range(28, 70) as i32;
        }
    }

    /// An electrodiagnostic visit (m6281-neuro-cpt-undistinguished), sometimes
    /// with a separate report note without claim_id on the same or next day.
    fn emg_visit(&mut self, p: &Patient) {
        const LINES: &[&[Line]] = &[
            &[("99214", 1, "25"), ("95886", 1, ""), ("95910", 1, "")],
            &[("99213", 1, "25"), ("95831", 1, "")],
            &[("99214", 1, "25"), ("95860", 1, "")],
            &[("95907", 1, ""), ("95908", 1, "")],
            &[("99214", 1, "25"), ("95885", 1, ""), ("95870", 1, "")],
            &[("99213", 1, "25"), ("95851", 1, "")],
        ];
        let dx = *self.r.pick(EMG_DX);
        let lines = *self.r.pick(LINES);
        let d = self.start_day();
        let (finding, _) = *self.r.pick(EMG_FINDINGS);
        let text = format!(
            "Electrodiagnostic consult for leg weakness. Strength {}/5 hip flexors bilaterally. {finding}",
            self.r.pick(GRADES)
        );
        let prov = p.md.clone();
        if !self.visit(p, d, dx, lines, "physician note", text, &prov) {
            return;
        }
        if self.r.chance(0.25) {
            let day = if self.r.chance(0.6) { d } else { d + 1 };
            self.note(
                p,
                day,
                "procedure report",
                "Nerve conduction study report: sural and peroneal responses within reference range. \
                 Impression: no evidence of neuropathy."
                    .to_string(),
                None,
                &prov,
            );
        }
    }

    fn r531_visits(&mut self, p: &Patient) {
        let dx = *self.r.pick(R531_DX);
        let mut d = self.start_day();
        let prov = if self.r.chance(0.5) {
            p.pt.clone()
        } else {
            p.md.clone()
        };
        for _ in 0..self.r.range(1, 2) {
            let text = self.r.pick(R531_NOTES).replace("{date}", &us_date(d - 60));
            if !self.visit(p, d, dx, &[("99213", 1, "")], "physician note", text, &prov) {
                return;
            }
            d += self.r.range(14, 40) as i32;
        }
    }

    fn excludes1_visits(&mut self, p: &Patient) {
        let (dx, _) = *self.r.pick(EXCLUDES1_DX);
        let mut d = self.start_day();
        let prov = p.md.clone();
        for _ in 0..self.r.range(1, 2) {
            let text = self.r.pick(EXCLUDES1_NOTES).to_string();
            if !self.visit(p, d, dx, &[("99214", 1, "")], "physician note", text, &prov) {
                return;
            }
            d += self.r.range(20, 40) as i32;
        }
    }

    fn neuro_dx_episode(&mut self, p: &Patient) {
        let dx = *self.r.pick(NEURO_DX);
        let n = self.r.range(3, 8) as usize;
        let dates = self.dates(n, false);
        let prov = p.pt.clone();
        for (i, &d) in dates.iter().enumerate() {
            let (lines, ntype, text) = if i == 0 {
                (
                    self.eval_lines(),
                    "initial evaluation",
                    eval_text(&mut self.r, d),
                )
            } else {
                (
                    self.therapy_lines(),
                    "daily note",
                    daily_text(&mut self.r, d),
                )
            };
            if !self.visit(p, d, dx, lines, ntype, text, &prov) {
                return;
            }
        }
    }

    /// Codes not billable on the date (dx-invalid), and the G35 / G35.A split.
    fn invalid_dx_visits(&mut self, p: &Patient) {
        let d = self.start_day();
        let split = days(G35_SPLIT.0, G35_SPLIT.1, G35_SPLIT.2);
        let dx = match self.r.below(6) {
            0 => "G35;R26.89".to_string(),
            1 if d >= split => "G35.A;R26.89".to_string(),
            1 => "G35;R26.89".to_string(),
            k => INVALID_DX[(k - 2) as usize].to_string(),
        };
        let text = daily_text(&mut self.r, d);
        let prov = p.pt.clone();
        let lines = self.therapy_lines();
        self.visit(p, d, &dx, lines, "daily note", text, &prov);
    }

    /// Primary-care follow-ups of a patient who never has an M62.81 or R53.1
    /// claim, each with its note (no check reads them).
    fn primary_care_visits(&mut self, p: &Patient) {
        let dx = *self.r.pick(PRIMARY_DX);
        let mut d = self.start_day();
        let prov = p.md.clone();
        for _ in 0..self.r.range(2, 6) {
            let text = format!(
                "Follow-up visit for chronic conditions. Reports feeling well overall. {}",
                FILLER[self.r.below(FILLER.len() as u64) as usize]
            );
            let cpt = if self.r.chance(0.6) { "99213" } else { "99214" };
            if !self.visit(p, d, dx, &[(cpt, 1, "")], "physician note", text, &prov) {
                return;
            }
            d += self.r.range(30, 120) as i32;
        }
    }

    /// M62.81 visits whose notes only have look-alikes (m6281-no-strength-exam).
    fn lookalike_only_visits(&mut self, p: &Patient) {
        let mut d = self.start_day();
        let prov = p.md.clone();
        for _ in 0..self.r.range(1, 3) {
            let text = format!(
                "Follow-up for generalized weakness. {} {}",
                trap_sentence(&mut self.r, d),
                trap_sentence(&mut self.r, d)
            );
            if !self.visit(
                p,
                d,
                "M62.81;R26.89",
                &[("99213", 1, "")],
                "physician note",
                text,
                &prov,
            ) {
                return;
            }
            d += self.r.range(7, 30) as i32;
        }
    }
}
