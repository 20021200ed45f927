//! A signed assessment as FHIR: `Observation`s for the exam (range of motion per
//! region with a component per motion, palpation per segment, posture, orthopedic
//! tests, the neurological screen, NPRS), `Condition`s for the diagnoses, a
//! `CarePlan` with its `Goal`s, and the `Composition` that is the signed note, with a
//! `Provenance` carrying the signer, the time and the content hash. Each addendum is a
//! further `Composition` that `appends` to it.

use base64::Engine as _;
use chrono::{Days, NaiveDate, NaiveDateTime};
use serde_json::{Value, json};

use super::{
    FhirBase, ICD10_CM, LOINC, OurCodeSystem, date, hl7_coding, instant, narrative, part_id,
    quantity, reference,
};
use crate::domain::assessment::exam_tests::{ExamTestCode, TestResult};
use crate::domain::assessment::history::HistoryStatus;
use crate::domain::assessment::rom::RomRegion;
use crate::domain::assessment::{AssessmentContent, Section};
use crate::services::assessments::AssessmentRecord;

/// The document type of the signed note and its addenda: LOINC "History and physical
/// note", the closest standard kind of a first-visit assessment.
fn note_type() -> Value {
    json!({
        "coding": [{"system": LOINC, "code": "34117-2", "display": "History and physical note"}],
        "text": "First-visit assessment",
    })
}

/// What every resource of one signed record shares.
struct Ctx<'a> {
    base: &'a FhirBase,
    id: &'a str,
    patient_id: &'a str,
    visit_date: NaiveDate,
    signed_at: NaiveDateTime,
    signer: &'a str,
}

impl Ctx<'_> {
    fn observation(&self, id: String, code: Value) -> Value {
        json!({
            "resourceType": "Observation",
            "id": id,
            "status": "final",
            "category": [{"coding": [hl7_coding("observation-category", "exam", "Exam")]}],
            "code": code,
            "subject": reference("Patient", self.patient_id),
            "effectiveDateTime": date(self.visit_date),
            "issued": instant(self.signed_at),
            "performer": [reference("Practitioner", self.signer)],
        })
    }

    fn concept(&self, cs: OurCodeSystem, code: &str) -> Value {
        self.base.concept(cs, code)
    }

    fn component(&self, code: &str, value: Value) -> Value {
        let mut c = json!({"code": self.concept(OurCodeSystem::Exam, code)});
        if let Value::Object(m) = value {
            for (k, v) in m {
                c[k] = v;
            }
        }
        c
    }
}

fn note(lines: Vec<String>) -> Option<Value> {
    let lines: Vec<String> = lines.into_iter().filter(|l| !l.is_empty()).collect();
    (!lines.is_empty()).then(|| json!([{"text": lines.join("\n")}]))
}

fn set_note(r: &mut Value, lines: Vec<String>) {
    if let Some(n) = note(lines) {
        r["note"] = n;
    }
}

/// Observations, by the record section they belong to.
fn observations(ctx: &Ctx<'_>, c: &AssessmentContent) -> Vec<(Section, Value)> {
    let mut out = Vec::new();
    let mut n = 0;
    let mut next = |part: &str| {
        n += 1;
        part_id(ctx.id, part, n)
    };
    for finding in c.posture.as_deref().unwrap_or_default() {
        let mut o = ctx.observation(next("posture"), ctx.concept(OurCodeSystem::Exam, "posture"));
        o["bodySite"] = ctx.concept(OurCodeSystem::PostureArea, finding.area.as_str());
        o["valueCodeableConcept"] =
            ctx.concept(OurCodeSystem::PostureFinding, finding.finding.as_str());
        if let Some(view) = finding.view {
            o["method"] = ctx.concept(OurCodeSystem::PostureView, view.as_str());
        }
        let mut components = Vec::new();
        if let Some(side) = finding.side {
            components.push(json!({
                "code": ctx.concept(OurCodeSystem::Exam, "posture"),
                "valueCodeableConcept": ctx.concept(OurCodeSystem::Side, side.as_str()),
            }));
        }
        if let Some(m) = finding.measure {
            components
                .push(ctx.component("posture-measure", json!({"valueQuantity": {"value": m}})));
        }
        if !components.is_empty() {
            o["component"] = json!(components);
        }
        set_note(&mut o, finding.notes.iter().cloned().collect());
        out.push((Section::Posture, o));
    }
    let rom = c.rom.as_deref().unwrap_or_default();
    for region in RomRegion::ALL {
        let rows: Vec<_> = rom.iter().filter(|m| m.region == *region).collect();
        let Some(first) = rows.first() else { continue };
        let code = format!("rom-{}", region.as_str());
        let mut o = ctx.observation(next("rom"), ctx.concept(OurCodeSystem::Exam, &code));
        o["method"] = ctx.concept(OurCodeSystem::RomMethod, first.method.as_str());
        let mut lines = Vec::new();
        let components: Vec<Value> = rows
            .iter()
            .map(|m| {
                let mut comp = json!({"code": ctx.concept(OurCodeSystem::RomMotion, m.motion.as_str())});
                match m.degrees {
                    Some(d) => comp["valueQuantity"] = quantity(f64::from(d), "deg"),
                    None => {
                        comp["dataAbsentReason"] = json!({
                            "coding": [hl7_coding("data-absent-reason", "not-performed", "Not Performed")],
                        })
                    }
                }
                if let Some(normal) = m.normal_degrees {
                    comp["referenceRange"] = json!([{
                        "low": quantity(f64::from(normal), "deg"),
                        "text": format!("Normal active range ({}): {normal}°", m.reference.label()),
                    }]);
                }
                let mut extra = Vec::new();
                if m.pain {
                    extra.push(match m.pain_location.as_deref() {
                        Some(at) => format!("pain at end of range ({at})"),
                        None => "pain at end of range".to_owned(),
                    });
                }
                if let Some(ef) = m.end_feel {
                    extra.push(format!("end feel {}", ef.label().to_lowercase()));
                }
                if !m.active {
                    extra.push("passive".to_owned());
                }
                if m.method != first.method {
                    extra.push(m.method.label().to_owned());
                }
                if !extra.is_empty() {
                    lines.push(format!("{}: {}", m.motion.label(), extra.join("; ")));
                }
                comp
            })
            .collect();
        o["component"] = json!(components);
        set_note(&mut o, lines);
        out.push((Section::Rom, o));
    }
    for p in c.palpation.as_deref().unwrap_or_default() {
        let mut o = ctx.observation(next("palp"), ctx.concept(OurCodeSystem::Exam, "palpation"));
        let mut site =
            json!({"coding": [ctx.base.coding(OurCodeSystem::Segment, p.segment.as_str())]});
        site["text"] = json!(match p.side {
            Some(s) => format!("{} {}", p.segment.label(), s.label().to_lowercase()),
            None => p.segment.label().to_owned(),
        });
        o["bodySite"] = site;
        let mut comps = Vec::new();
        let coded = |code: &str, cs: OurCodeSystem, v: &str| {
            ctx.component(code, json!({"valueCodeableConcept": ctx.concept(cs, v)}))
        };
        if let Some(side) = p.side {
            comps.push(json!({
                "code": ctx.concept(OurCodeSystem::Exam, "palpation"),
                "valueCodeableConcept": ctx.concept(OurCodeSystem::Side, side.as_str()),
            }));
        }
        if let Some(s) = p.structure {
            comps.push(coded("structure", OurCodeSystem::Structure, s.as_str()));
        }
        if let Some(t) = p.tenderness {
            comps.push(coded(
                "tenderness",
                OurCodeSystem::Tenderness,
                &t.grade().to_string(),
            ));
        }
        if let Some(t) = p.tone {
            comps.push(coded("tone", OurCodeSystem::Tone, t.as_str()));
        }
        if let Some(m) = p.motion {
            comps.push(coded(
                "segment-motion",
                OurCodeSystem::SegmentMotion,
                m.as_str(),
            ));
        }
        for d in &p.restricted {
            comps.push(coded("restricted", OurCodeSystem::Direction, d.as_str()));
        }
        if let Some(a) = p.alignment {
            comps.push(coded("alignment", OurCodeSystem::Alignment, a.as_str()));
        }
        if let Some(s) = p.swelling {
            comps.push(coded("swelling", OurCodeSystem::Swelling, s.as_str()));
        }
        if !comps.is_empty() {
            o["component"] = json!(comps);
        }
        set_note(&mut o, p.notes.iter().cloned().collect());
        out.push((Section::Palpation, o));
    }
    for t in c.tests.as_deref().unwrap_or_default() {
        let mut o = ctx.observation(
            next("test"),
            ctx.concept(OurCodeSystem::ExamTest, t.test.as_str()),
        );
        if let Some(side) = t.side {
            o["bodySite"] = ctx.concept(OurCodeSystem::Side, side.as_str());
        }
        if t.result == TestResult::NotTested {
            o["dataAbsentReason"] = json!({
                "coding": [hl7_coding("data-absent-reason", "not-performed", "Not Performed")],
            });
        } else {
            o["valueCodeableConcept"] = ctx.concept(OurCodeSystem::TestResult, t.result.as_str());
        }
        if let Some(v) = t.value {
            let ucum = match ExamTestCode::unit(t.test) {
                Some("cm") => "cm",
                Some("mm") => "mm",
                _ => "deg",
            };
            o["component"] =
                json!([ctx.component("measurement", json!({"valueQuantity": quantity(v, ucum)}))]);
        }
        set_note(&mut o, t.notes.iter().cloned().collect());
        out.push((Section::Tests, o));
    }
    if let Some(neuro) = &c.neuro {
        let mut finding = |code: &str,
                           cs: OurCodeSystem,
                           what: &str,
                           side: &str,
                           grade_cs: OurCodeSystem,
                           grade: &str| {
            let mut o = ctx.observation(next("neuro"), ctx.concept(OurCodeSystem::Exam, code));
            o["bodySite"] = json!({
                "coding": [ctx.base.coding(cs, what), ctx.base.coding(OurCodeSystem::LimbSide, side)],
                "text": format!("{} {}", cs.display(what).unwrap_or_else(|| what.to_owned()), side),
            });
            o["valueCodeableConcept"] = ctx.concept(grade_cs, grade);
            out.push((Section::Neuro, o));
        };
        for r in &neuro.reflexes {
            finding(
                "reflex",
                OurCodeSystem::Reflex,
                r.reflex.as_str(),
                r.side.as_str(),
                OurCodeSystem::ReflexGrade,
                r.grade.as_str(),
            );
        }
        for s in &neuro.strength {
            finding(
                "strength",
                OurCodeSystem::Myotome,
                s.myotome.as_str(),
                s.side.as_str(),
                OurCodeSystem::StrengthGrade,
                s.grade.as_str(),
            );
        }
        for s in &neuro.sensation {
            finding(
                "sensation",
                OurCodeSystem::Dermatome,
                s.dermatome.as_str(),
                s.side.as_str(),
                OurCodeSystem::SensationGrade,
                s.grade.as_str(),
            );
        }
    }
    if let Some(nprs) = c.pain.as_ref().and_then(|p| p.nprs) {
        let mut o = ctx.observation(
            part_id(ctx.id, "nprs", 1),
            json!({
                "coding": [{
                    "system": LOINC,
                    "code": "72514-3",
                    "display": "Pain severity - 0-10 verbal numeric rating [Score] - Reported",
                }],
                "text": "Pain now (NPRS 0-10)",
            }),
        );
        o["valueInteger"] = json!(nprs);
        set_note(
            &mut o,
            c.pain.iter().filter_map(|p| p.notes.clone()).collect(),
        );
        out.push((Section::Pain, o));
    }
    out
}

fn conditions(ctx: &Ctx<'_>, c: &AssessmentContent) -> Vec<Value> {
    c.diagnoses
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let mut r = json!({
                "resourceType": "Condition",
                "id": part_id(ctx.id, "dx", i + 1),
                "clinicalStatus": {"coding": [hl7_coding("condition-clinical", "active", "Active")]},
                "verificationStatus": {"coding": [hl7_coding("condition-ver-status", "confirmed", "Confirmed")]},
                "category": [{"coding": [hl7_coding("condition-category", "encounter-diagnosis", "Encounter Diagnosis")]}],
                "code": {
                    "coding": [{"system": ICD10_CM, "code": d.code, "display": d.description}],
                    "text": d.description,
                },
                "subject": reference("Patient", ctx.patient_id),
                "recordedDate": instant(ctx.signed_at),
                "recorder": reference("Practitioner", ctx.signer),
            });
            if d.primary {
                r["extension"] = json!([{"url": ctx.base.extension("primary-diagnosis"), "valueBoolean": true}]);
            }
            set_note(&mut r, d.notes.iter().cloned().collect());
            r
        })
        .collect()
}

/// The plan's goals, one per line (or per `;`) of what the practitioner wrote.
pub fn goal_lines(goals: &str) -> Vec<String> {
    goals
        .split(['\n', ';'])
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

fn plan(ctx: &Ctx<'_>, c: &AssessmentContent) -> Vec<Value> {
    let Some(p) = &c.plan else { return Vec::new() };
    let goals: Vec<Value> = goal_lines(&p.goals)
        .into_iter()
        .enumerate()
        .map(|(i, g)| {
            json!({
                "resourceType": "Goal",
                "id": part_id(ctx.id, "goal", i + 1),
                "lifecycleStatus": "active",
                "description": {"text": g},
                "subject": reference("Patient", ctx.patient_id),
                "startDate": date(ctx.visit_date),
                "expressedBy": reference("Practitioner", ctx.signer),
            })
        })
        .collect();
    let timing = json!({"repeat": {
        "frequency": p.visits_per_week,
        "period": 1,
        "periodUnit": "wk",
        "boundsDuration": {"value": p.weeks, "unit": "wk", "system": super::UCUM, "code": "wk"},
    }});
    let mut activities: Vec<Value> = p
        .interventions
        .iter()
        .map(|i| {
            let mut ext = vec![json!({
                "url": ctx.base.extension("plan-region"),
                "valueCoding": ctx.base.coding(OurCodeSystem::Region, i.region.as_str()),
            })];
            if let Some(reason) = &i.override_reason {
                ext.push(json!({"url": ctx.base.extension("plan-override-reason"), "valueString": reason}));
            }
            json!({"detail": {
                "extension": ext,
                "code": ctx.concept(OurCodeSystem::Technique, i.technique.as_str()),
                "status": "scheduled",
                "scheduledTiming": timing,
                "description": format!("{}: {}", i.technique.label(), i.region.label()),
            }})
        })
        .collect();
    for h in &p.home_care {
        let mut d = json!({
            "code": ctx.concept(OurCodeSystem::Exercise, h.exercise.as_str()),
            "status": "scheduled",
        });
        if let Some(dose) = &h.dosage {
            d["description"] = json!(dose);
        }
        activities.push(json!({"detail": d}));
    }
    for a in &p.advice {
        activities.push(json!({"detail": {
            "code": ctx.concept(OurCodeSystem::Advice, a.as_str()),
            "status": "scheduled",
        }}));
    }
    if let Some(re_exam) = p.re_exam_date {
        activities.push(json!({"detail": {
            "code": ctx.concept(OurCodeSystem::PlanActivity, "re-exam"),
            "status": "scheduled",
            "scheduledPeriod": {"start": date(re_exam)},
        }}));
    }
    let end = ctx
        .visit_date
        .checked_add_days(Days::new(u64::from(p.weeks) * 7))
        .unwrap_or(ctx.visit_date);
    let mut care_plan = json!({
        "resourceType": "CarePlan",
        "id": format!("{}-plan", ctx.id),
        "status": "active",
        "intent": "plan",
        "title": "Treatment plan",
        "subject": reference("Patient", ctx.patient_id),
        "period": {"start": date(ctx.visit_date), "end": date(end)},
        "created": instant(ctx.signed_at),
        "author": reference("Practitioner", ctx.signer),
        "goal": goals.iter().map(|g| reference("Goal", g["id"].as_str().unwrap_or_default())).collect::<Vec<_>>(),
        "activity": activities,
    });
    // An empty list is not valid FHIR: leave the element out.
    if let Some(m) = care_plan.as_object_mut() {
        m.retain(|_, v| !v.as_array().is_some_and(Vec::is_empty));
    }
    set_note(&mut care_plan, p.notes.iter().cloned().collect());
    let mut out = vec![care_plan];
    out.extend(goals);
    out
}

fn reference_to(r: &Value) -> Value {
    reference(
        r["resourceType"].as_str().unwrap_or_default(),
        r["id"].as_str().unwrap_or_default(),
    )
}

/// A short line naming a resource, for a section's narrative.
fn line_of(r: &Value) -> String {
    let code = &r["code"]["text"];
    let site = &r["bodySite"]["text"];
    let value = &r["valueCodeableConcept"]["text"];
    [code, site, value]
        .iter()
        .filter_map(|v| v.as_str())
        .collect::<Vec<_>>()
        .join(": ")
}

fn section(
    cs_code: Section,
    title: &str,
    entries: &[&Value],
    base: &FhirBase,
    lines: Vec<String>,
) -> Value {
    let mut lines = lines;
    if lines.is_empty() {
        lines = entries
            .iter()
            .map(|e| line_of(e))
            .filter(|l| !l.is_empty())
            .collect();
    }
    if lines.is_empty() {
        lines.push(title.to_owned());
    }
    let mut s = json!({
        "title": title,
        "code": base.concept(OurCodeSystem::RecordSection, cs_code.as_str()),
        "text": narrative(&lines),
    });
    if !entries.is_empty() {
        s["entry"] = entries.iter().map(|e| reference_to(e)).collect();
    }
    s
}

/// Every resource of one signed assessment, the `Composition` first (a FHIR document
/// starts with it). `None` for a draft: only signed records leave the clinic.
pub fn resources(base: &FhirBase, rec: &AssessmentRecord) -> Option<Vec<Value>> {
    let (signed_at, signer) = (rec.row.signed_at?, rec.row.signed_by.as_deref()?);
    let ctx = Ctx {
        base,
        id: &rec.row.id,
        patient_id: &rec.row.patient_id,
        visit_date: rec.row.visit_date,
        signed_at,
        signer,
    };
    let c = &rec.content;
    let observations = observations(&ctx, c);
    let conditions = conditions(&ctx, c);
    let plan = plan(&ctx, c);
    let mut sections = Vec::new();
    let checks = c.history.as_deref().unwrap_or_default();
    if rec.history.intake_id.is_some() || !checks.is_empty() {
        let verified = checks
            .iter()
            .filter(|h| h.status == HistoryStatus::Verified)
            .count();
        let mut lines = vec![format!(
            "{verified} answers of the pre-visit form verified with the patient."
        )];
        for h in checks
            .iter()
            .filter(|h| h.status == HistoryStatus::Corrected)
        {
            lines.push(format!(
                "Corrected: {}: {}",
                crate::domain::assessment::history_items::label(&h.item),
                h.correction.as_deref().unwrap_or_default()
            ));
        }
        let mut s = section(Section::History, "History review", &[], base, lines);
        if let Some(intake) = &rec.history.intake_id {
            s["entry"] = json!([reference("QuestionnaireResponse", intake)]);
        }
        sections.push(s);
    }
    for sec in [
        Section::Posture,
        Section::Rom,
        Section::Palpation,
        Section::Tests,
        Section::Neuro,
        Section::Pain,
    ] {
        let entries: Vec<&Value> = observations
            .iter()
            .filter(|(s, _)| *s == sec)
            .map(|(_, o)| o)
            .collect();
        if !entries.is_empty() {
            sections.push(section(sec, sec.label(), &entries, base, Vec::new()));
        }
    }
    if !conditions.is_empty() {
        let entries: Vec<&Value> = conditions.iter().collect();
        let lines = c
            .diagnoses
            .as_deref()
            .unwrap_or_default()
            .iter()
            .map(|d| {
                format!(
                    "{} {}{}",
                    d.code,
                    d.description,
                    if d.primary { " (primary)" } else { "" }
                )
            })
            .collect();
        sections.push(section(
            Section::Diagnoses,
            "Diagnoses",
            &entries,
            base,
            lines,
        ));
    }
    if !plan.is_empty() {
        let entries: Vec<&Value> = plan.iter().collect();
        let lines = c
            .plan
            .iter()
            .map(|p| format!("{} visits a week for {} weeks", p.visits_per_week, p.weeks))
            .collect();
        sections.push(section(
            Section::Plan,
            "Treatment plan",
            &entries,
            base,
            lines,
        ));
    }
    if sections.is_empty() {
        sections.push(json!({
            "title": "Assessment",
            "text": narrative(&["Nothing was charted.".to_owned()]),
            "emptyReason": {"coding": [hl7_coding("list-empty-reason", "nilknown", "Nil Known")]},
        }));
    }
    let composition = json!({
        "resourceType": "Composition",
        "id": rec.row.id,
        "identifier": {"system": "urn:ietf:rfc:3986", "value": format!("urn:uuid:{}", rec.row.id)},
        "status": "final",
        "type": note_type(),
        "subject": reference("Patient", &rec.row.patient_id),
        "date": instant(signed_at),
        "author": [reference("Practitioner", &rec.row.practitioner_id)],
        "title": format!("First-visit assessment, {}", date(rec.row.visit_date)),
        "attester": [{"mode": "legal", "time": instant(signed_at), "party": reference("Practitioner", signer)}],
        "section": sections,
    });
    let hash = rec.row.content_hash.as_deref().unwrap_or_default();
    let hash_bytes = hex::decode(hash).unwrap_or_else(|_| hash.as_bytes().to_vec());
    let provenance = json!({
        "resourceType": "Provenance",
        "id": format!("{}-signature", rec.row.id),
        "target": [reference("Composition", &rec.row.id)],
        "recorded": instant(signed_at),
        "activity": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-DataOperation", "code": "CREATE", "display": "create"}]},
        "agent": [{
            "type": {"coding": [hl7_coding("provenance-participant-type", "author", "Author")]},
            "who": reference("Practitioner", signer),
        }],
        "signature": [{
            "type": [{"system": "urn:iso-astm:E1762-95:2013", "code": "1.2.840.10065.1.12.1.1", "display": "Author's Signature"}],
            "when": instant(signed_at),
            "who": reference("Practitioner", signer),
            "targetFormat": "application/json",
            "data": base64::engine::general_purpose::STANDARD.encode(hash_bytes),
        }],
        "extension": [{"url": base.extension("content-hash"), "valueString": format!("sha256:{hash}")}],
    });
    let mut out = vec![composition];
    out.extend(observations.into_iter().map(|(_, o)| o));
    out.extend(conditions);
    out.extend(plan);
    out.push(provenance);
    for a in &rec.addenda {
        out.push(json!({
            "resourceType": "Composition",
            "id": a.id,
            "status": "final",
            "type": note_type(),
            "subject": reference("Patient", &rec.row.patient_id),
            "date": instant(a.created_at),
            "author": [reference("Practitioner", &a.author_id)],
            "title": format!("Addendum to the first-visit assessment of {}", date(rec.row.visit_date)),
            "relatesTo": [{"code": "appends", "targetReference": reference("Composition", &rec.row.id)}],
            "section": [{
                "title": "Addendum",
                "text": narrative(&a.body.lines().map(str::to_owned).collect::<Vec<_>>()),
            }],
        }));
    }
    Some(out)
}
