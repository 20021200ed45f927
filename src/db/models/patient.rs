//! `patients`, `patient_name_tokens` and the chart-number counter.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use crate::db::DbConnection;
use crate::domain::patient::{
    PatientSearch, chart_number_from_digits, phone_digits, phone_ending, prefix_upper_bound,
};
use crate::schema::{counters, patient_name_tokens, patients};

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = patients)]
pub struct PatientRow {
    pub id: String,
    pub chart_number: String,
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_digits: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub occupation: Option<String>,
    pub name_key: String,
    pub version: i32,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub archived_at: Option<NaiveDateTime>,
}

/// The columns a registration or an edit sets.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = patients)]
#[diesel(treat_none_as_null = true)]
pub struct PatientFields {
    pub given_name: String,
    pub family_name: String,
    pub preferred_name: Option<String>,
    pub date_of_birth: NaiveDate,
    pub sex: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub phone_digits: Option<String>,
    pub phone_ending: Option<String>,
    pub address_line1: Option<String>,
    pub address_line2: Option<String>,
    pub city: Option<String>,
    pub province: Option<String>,
    pub postal_code: Option<String>,
    pub emergency_contact_name: Option<String>,
    pub emergency_contact_phone: Option<String>,
    pub emergency_contact_relationship: Option<String>,
    pub occupation: Option<String>,
    pub name_key: String,
}

#[derive(Debug, Insertable)]
#[diesel(table_name = patients)]
struct NewPatientKeys<'a> {
    id: &'a str,
    chart_number: &'a str,
    version: i32,
    created_at: NaiveDateTime,
    updated_at: NaiveDateTime,
}

/// Takes the next chart number (inside the caller's write transaction).
pub fn next_chart_number(conn: &mut DbConnection) -> QueryResult<i64> {
    diesel::update(counters::table.filter(counters::name.eq("chart_number")))
        .set(counters::value.eq(counters::value + 1))
        .execute(conn)?;
    counters::table
        .filter(counters::name.eq("chart_number"))
        .select(counters::value)
        .first(conn)
}

/// Moves the chart-number counter up to `n` when it is lower, so that a patient
/// imported with chart number `n` is not given to the next registration too.
pub fn raise_chart_counter(conn: &mut DbConnection, n: i64) -> QueryResult<()> {
    diesel::update(
        counters::table
            .filter(counters::name.eq("chart_number"))
            .filter(counters::value.lt(n)),
    )
    .set(counters::value.eq(n))
    .execute(conn)
    .map(|_| ())
}

pub fn insert(
    conn: &mut DbConnection,
    id: &str,
    chart_number: &str,
    fields: &PatientFields,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(patients::table)
        .values((
            NewPatientKeys {
                id,
                chart_number,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            fields,
        ))
        .execute(conn)
        .map(|_| ())
}

/// Updates when `version` is still current; returns false when it is stale.
pub fn update(
    conn: &mut DbConnection,
    id: &str,
    version: i32,
    fields: &PatientFields,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let n = diesel::update(
        patients::table
            .filter(patients::id.eq(id))
            .filter(patients::version.eq(version)),
    )
    .set((
        fields,
        patients::version.eq(version + 1),
        patients::updated_at.eq(now),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

pub fn set_archived(
    conn: &mut DbConnection,
    id: &str,
    at: Option<NaiveDateTime>,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::update(patients::table.find(id))
        .set((
            patients::archived_at.eq(at),
            patients::version.eq(patients::version + 1),
            patients::updated_at.eq(now),
        ))
        .execute(conn)
}

pub fn find(conn: &mut DbConnection, id: &str) -> QueryResult<Option<PatientRow>> {
    patients::table
        .find(id)
        .select(PatientRow::as_select())
        .first(conn)
        .optional()
}

/// The patient with this chart number (`P-000042`), archived or not.
pub fn find_by_chart_number(
    conn: &mut DbConnection,
    chart_number: &str,
) -> QueryResult<Option<PatientRow>> {
    patients::table
        .filter(patients::chart_number.eq(chart_number))
        .select(PatientRow::as_select())
        .first(conn)
        .optional()
}

/// The patients with these ids (the audit trail names the patient of each row).
/// Every patient's id, oldest registration first (`clinic export fhir --all`).
pub fn all_ids(conn: &mut DbConnection) -> QueryResult<Vec<String>> {
    patients::table
        .order((patients::created_at.asc(), patients::id.asc()))
        .select(patients::id)
        .load(conn)
}

pub fn find_many(conn: &mut DbConnection, ids: &[String]) -> QueryResult<Vec<PatientRow>> {
    patients::table
        .filter(patients::id.eq_any(ids))
        .select(PatientRow::as_select())
        .load(conn)
}

/// Active patients with the same folded name and birth date.
pub fn possible_duplicates(
    conn: &mut DbConnection,
    name_key: &str,
    date_of_birth: NaiveDate,
    except: Option<&str>,
) -> QueryResult<Vec<PatientRow>> {
    let mut q = patients::table
        .filter(patients::name_key.eq(name_key))
        .filter(patients::date_of_birth.eq(date_of_birth))
        .filter(patients::archived_at.is_null())
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(patients::id.ne(id.to_owned()));
    }
    q.select(PatientRow::as_select()).load(conn)
}

/// Replaces the search words of a patient.
pub fn set_name_tokens(
    conn: &mut DbConnection,
    patient_id: &str,
    tokens: &[String],
) -> QueryResult<()> {
    diesel::delete(
        patient_name_tokens::table.filter(patient_name_tokens::patient_id.eq(patient_id)),
    )
    .execute(conn)?;
    for t in tokens {
        diesel::insert_into(patient_name_tokens::table)
            .values((
                patient_name_tokens::token.eq(t),
                patient_name_tokens::patient_id.eq(patient_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Index entries read per round of a prefix search. A short prefix ("ma") can match
/// thousands of patients in a large clinic; instead of reading every match to sort it,
/// the search walks the (token, patient_id) index in order, a chunk at a time, and stops
/// as soon as it has a full page. Its cost depends on the page size, not the clinic's.
const CHUNK: i64 = 100;
/// At most this many chunks (for a rare second word under a very common first one);
/// the page then says "type more to narrow".
const MAX_CHUNKS: usize = 40;

pub fn search(
    conn: &mut DbConnection,
    what: &PatientSearch,
    include_archived: bool,
    limit: i64,
) -> QueryResult<Vec<PatientRow>> {
    let mut rows = match what {
        PatientSearch::Name(words) => search_names(conn, words, include_archived, limit)?,
        PatientSearch::Digits(d) => {
            // Two index lookups rather than one OR, so the phone range is read in index
            // order and stops at a full page.
            let upper = prefix_upper_bound(d).unwrap_or_else(|| d.clone());
            let mut by_chart = patients::table
                .filter(patients::chart_number.eq(chart_number_from_digits(d)))
                .into_boxed();
            let mut by_phone = patients::table
                .filter(patients::phone_digits.ge(d.clone()))
                .filter(patients::phone_digits.lt(upper))
                .into_boxed();
            if !include_archived {
                by_chart = by_chart.filter(patients::archived_at.is_null());
                by_phone = by_phone.filter(patients::archived_at.is_null());
            }
            let mut rows: Vec<PatientRow> = by_chart.select(PatientRow::as_select()).load(conn)?;
            let phones: Vec<PatientRow> = by_phone
                .order(patients::phone_digits.asc())
                .limit(limit)
                .select(PatientRow::as_select())
                .load(conn)?;
            for p in phones {
                if !rows.iter().any(|r| r.id == p.id) {
                    rows.push(p);
                }
            }
            // "555-0103" typed for "(514) 555-0103": a local number without its area
            // code ends the stored digits. The last seven digits are indexed
            // (`phone_ending`), so a whole local number (7 digits or more) is an index
            // lookup, then checked against the full ending typed.
            if let Some(ending) = phone_ending(d)
                && rows.len() < usize::try_from(limit).unwrap_or(0)
            {
                let mut by_end = patients::table
                    .filter(patients::phone_ending.eq(ending))
                    .filter(patients::phone_digits.like(format!("%{d}")))
                    .into_boxed();
                if !include_archived {
                    by_end = by_end.filter(patients::archived_at.is_null());
                }
                for p in by_end
                    .limit(limit)
                    .select(PatientRow::as_select())
                    .load(conn)?
                {
                    if !rows.iter().any(|r| r.id == p.id) {
                        rows.push(p);
                    }
                }
            }
            rows
        }
        other => {
            let mut q = patients::table.into_boxed();
            match other {
                PatientSearch::BirthDate(d) => q = q.filter(patients::date_of_birth.eq(*d)),
                PatientSearch::ChartNumber(c) => q = q.filter(patients::chart_number.eq(c.clone())),
                _ => {}
            }
            if !include_archived {
                q = q.filter(patients::archived_at.is_null());
            }
            q.limit(limit).select(PatientRow::as_select()).load(conn)?
        }
    };
    // Each row's key once: lower-casing inside the comparison did it for every pair
    // compared (3% of a search's CPU). The id makes every key distinct.
    rows.sort_by_cached_key(|p| {
        (
            p.family_name.to_lowercase(),
            p.given_name.to_lowercase(),
            p.id.clone(),
        )
    });
    rows.truncate(usize::try_from(limit).unwrap_or(0));
    Ok(rows)
}

/// Name search: the longest (most selective) word walks the token index in order; the
/// other words are checked per candidate through the patient_id index.
fn search_names(
    conn: &mut DbConnection,
    words: &[String],
    include_archived: bool,
    limit: i64,
) -> QueryResult<Vec<PatientRow>> {
    let mut words = words.to_vec();
    words.sort_by_key(|w| std::cmp::Reverse(w.chars().count()));
    let Some((first, rest)) = words.split_first() else {
        return Ok(Vec::new());
    };
    let upper = prefix_upper_bound(first).unwrap_or_else(|| first.clone());
    let want = usize::try_from(limit).unwrap_or(0);
    let mut found: Vec<PatientRow> = Vec::new();
    let mut after: Option<(String, String)> = None;
    for _ in 0..MAX_CHUNKS {
        let mut chunk_q = patient_name_tokens::table
            .filter(patient_name_tokens::token.ge(first.clone()))
            .filter(patient_name_tokens::token.lt(upper.clone()))
            .into_boxed();
        if let Some((t, p)) = &after {
            chunk_q = chunk_q.filter(
                patient_name_tokens::token
                    .gt(t.clone())
                    .or(patient_name_tokens::token
                        .eq(t.clone())
                        .and(patient_name_tokens::patient_id.gt(p.clone()))),
            );
        }
        let chunk: Vec<(String, String)> = chunk_q
            .order((
                patient_name_tokens::token.asc(),
                patient_name_tokens::patient_id.asc(),
            ))
            .limit(CHUNK)
            .select((patient_name_tokens::token, patient_name_tokens::patient_id))
            .load(conn)?;
        let Some(last) = chunk.last().cloned() else {
            break;
        };
        let ids: Vec<String> = chunk
            .iter()
            .map(|(_, p)| p.clone())
            .filter(|p| !found.iter().any(|f| &f.id == p))
            .collect();
        let mut q = patients::table
            .filter(patients::id.eq_any(ids))
            .into_boxed();
        for w in rest {
            let upper = prefix_upper_bound(w).unwrap_or_else(|| w.clone());
            q = q.filter(diesel::dsl::exists(
                patient_name_tokens::table
                    .filter(patient_name_tokens::patient_id.eq(patients::id))
                    .filter(patient_name_tokens::token.ge(w.clone()))
                    .filter(patient_name_tokens::token.lt(upper)),
            ));
        }
        if !include_archived {
            q = q.filter(patients::archived_at.is_null());
        }
        found.extend(q.select(PatientRow::as_select()).load(conn)?);
        if found.len() >= want || (chunk.len() as i64) < CHUNK {
            break;
        }
        after = Some(last);
    }
    // One word typed without the apostrophe or hyphen of a family name ("obrien" for
    // O'Brien, "smithjones" for Smith-Jones): the name words are split there, but the
    // duplicate-check key joins the family name's words, and its index serves a prefix.
    if let [only] = words.as_slice()
        && found.len() < want
    {
        let upper = prefix_upper_bound(only).unwrap_or_else(|| only.clone());
        let mut q = patients::table
            .filter(patients::name_key.ge(only.clone()))
            .filter(patients::name_key.lt(upper))
            .into_boxed();
        if !include_archived {
            q = q.filter(patients::archived_at.is_null());
        }
        for p in q.limit(limit).select(PatientRow::as_select()).load(conn)? {
            if !found.iter().any(|f| f.id == p.id) {
                found.push(p);
            }
        }
    }
    Ok(found)
}

/// Applies the contact details a patient confirmed on the form (empty ones change
/// nothing) and bumps the version, so a front-desk edit opened before is seen as stale.
pub fn apply_contact_update(
    conn: &mut DbConnection,
    id: &str,
    c: &crate::domain::intake::ContactUpdate,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let Some(p) = find(conn, id)? else {
        return Ok(());
    };
    let pick = |new: &Option<String>, old: Option<String>| new.clone().or(old);
    let phone = pick(&c.phone, p.phone);
    diesel::update(patients::table.find(id))
        .set((
            patients::phone_digits.eq(phone.as_deref().map(phone_digits)),
            patients::phone_ending.eq(phone
                .as_deref()
                .and_then(|p| phone_ending(&phone_digits(p)))),
            patients::phone.eq(phone),
            patients::email.eq(pick(&c.email, p.email)),
            patients::address_line1.eq(pick(&c.address_line1, p.address_line1)),
            patients::city.eq(pick(&c.city, p.city)),
            patients::postal_code.eq(pick(&c.postal_code, p.postal_code)),
            patients::emergency_contact_name.eq(pick(&c.emergency_name, p.emergency_contact_name)),
            patients::emergency_contact_phone
                .eq(pick(&c.emergency_phone, p.emergency_contact_phone)),
            patients::version.eq(p.version + 1),
            patients::updated_at.eq(now),
        ))
        .execute(conn)
        .map(|_| ())
}
