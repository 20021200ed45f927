//! The data tools, run as an administrator would: `clinic demo` loads a clinic whose
//! printed accounts can sign in, `clinic seed` makes the same patients from the same
//! seed, and `clinic import` registers the good rows of a spreadsheet and names the bad
//! ones.

use std::process::Output;

use chrono::NaiveDate;
use clinic::domain::Role;
use clinic::schema::patients;
use diesel::prelude::*;
use serde_json::json;

use crate::audit::verify_cli;
use crate::cli::{clinic, clinic_with};
use crate::helpers::{TestApp, TestDatabase};

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn query(q: &str) -> String {
    url::form_urlencoded::byte_serialize(q.as_bytes()).collect()
}

/// Chart numbers of a search through the API.
async fn search(app: &TestApp, token: &str, q: &str) -> Vec<String> {
    let (s, body) = app
        .get_json(&format!("/api/v1/patients?q={}", query(q)), token)
        .await;
    assert_eq!(s, 200, "{body}");
    body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["chart_number"].as_str().unwrap().to_owned())
        .collect()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> String {
    let (s, body) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": email, "password": password}),
        )
        .await;
    assert_eq!(s, 200, "{email}: {body}");
    body["token"].as_str().unwrap().to_owned()
}

type NameAndBirth = (String, String, NaiveDate);

fn patients_in(conn: &mut clinic::db::DbConnection) -> Vec<NameAndBirth> {
    patients::table
        .order(patients::chart_number.asc())
        .select((
            patients::given_name,
            patients::family_name,
            patients::date_of_birth,
        ))
        .load(conn)
        .unwrap()
}

async fn patient_count(app: &TestApp) -> i64 {
    app.with_db(|conn| patients::table.count().get_result(conn).unwrap())
        .await
}

async fn the_demo_clinic_can_be_signed_into(app: TestApp) {
    let o = clinic(&app.db.url, &["demo"], None);
    assert!(o.status.success(), "{}", text(&o));
    let out = stdout(&o);
    assert!(out.contains("clinic serve"), "{out}");
    assert!(out.contains("http://127.0.0.1:8080/login"), "{out}");

    // The accounts table: EMAIL ROLE PASSWORD, one account a line.
    let accounts: Vec<Vec<&str>> = out
        .lines()
        .skip_while(|l| !l.starts_with("EMAIL"))
        .skip(1)
        .take_while(|l| !l.trim().is_empty())
        .map(|l| l.split_whitespace().collect())
        .collect();
    let roles: Vec<&str> = accounts.iter().map(|a| a[1]).collect();
    assert_eq!(
        roles,
        ["admin", "practitioner", "practitioner", "front_desk"],
        "{out}"
    );
    let mut passwords: Vec<&str> = accounts.iter().map(|a| a[2]).collect();
    passwords.sort_unstable();
    passwords.dedup();
    assert_eq!(passwords.len(), 4, "every account has its own password");

    let admin = &accounts[0];
    sign_in(&app, admin[0], admin[2]).await;

    // The front desk finds the patients, accents or not; the practitioner sees the
    // emergency raised by the saddle numbness on the paper intake.
    let desk = sign_in(&app, accounts[3][0], accounts[3][2]).await;
    assert_eq!(search(&app, &desk, "elodie dupre").await, ["P-000001"]);
    assert_eq!(search(&app, &desk, "ÉLO").await, ["P-000001"]);
    let found = search(&app, &desk, "levesque").await;
    assert_eq!(found.len(), 1);
    let (_, body) = app
        .get_json(&format!("/api/v1/patients?q={}", query("levesque")), &desk)
        .await;
    let id = body["items"][0]["id"].as_str().unwrap().to_owned();
    let practitioner = sign_in(&app, accounts[1][0], accounts[1][2]).await;
    let (s, flags) = app
        .get_json(&format!("/api/v1/patients/{id}/flags"), &practitioner)
        .await;
    assert_eq!(s, 200, "{flags}");
    let levels: Vec<&str> = flags["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["level"].as_str().unwrap())
        .collect();
    assert!(levels.contains(&"emergency"), "{flags}");

    // A second run refuses, and changes nothing.
    let before = patient_count(&app).await;
    let o = clinic(&app.db.url, &["demo"], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("already has 4 staff account"),
        "{}",
        text(&o)
    );
    assert_eq!(patient_count(&app).await, before);

    let (code, out) = verify_cli(&app.db.url);
    assert_eq!(code, 0, "everything the demo wrote is audited: {out}");

    // The address to open is the one serve will use with the same settings.
    let other = TestDatabase::create(app.db.backend).unwrap();
    let o = clinic_with(
        &other.url,
        &["demo"],
        None,
        &[("CLINIC_BIND", "127.0.0.1:9191")],
    );
    assert!(o.status.success(), "{}", text(&o));
    assert!(
        stdout(&o).contains("open http://127.0.0.1:9191/login"),
        "{}",
        stdout(&o)
    );
    let o = clinic_with(
        &TestDatabase::create(app.db.backend).unwrap().url,
        &["demo"],
        None,
        &[("CLINIC_PUBLIC_URL", "https://clinic.example.org/")],
    );
    assert!(
        stdout(&o).contains("open https://clinic.example.org/login"),
        "{}",
        stdout(&o)
    );
}

async fn seeding_twice_with_one_seed_gives_the_same_patients(app: TestApp) {
    let same = TestDatabase::create(app.db.backend).unwrap();
    let other = TestDatabase::create(app.db.backend).unwrap();
    for (db, seed) in [(&app.db, "11"), (&same, "11"), (&other, "12")] {
        let o = clinic(
            &db.url,
            &["seed", "--patients", "300", "--seed", seed],
            None,
        );
        assert!(o.status.success(), "{}", text(&o));
        assert!(stdout(&o).contains("seeded 300 patients"), "{}", text(&o));
        assert!(stdout(&o).contains("patients/s"), "{}", text(&o));
    }
    let first = patients_in(&mut app.db.connect());
    assert_eq!(first.len(), 300);
    assert_eq!(first, patients_in(&mut same.connect()));
    assert_ne!(first, patients_in(&mut other.connect()));

    // One audit row for the batch, and the chain holds.
    let (code, out) = verify_cli(&app.db.url);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("1 events verified"), "{out}");

    // Seeding is for databases without staff: it refuses one that has accounts.
    app.create_user(Role::Admin).await;
    let o = clinic(&app.db.url, &["seed", "--patients", "5"], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(patient_count(&app).await, 300);
}

async fn seeded_patients_are_found_by_search(app: TestApp) {
    let o = clinic(
        &app.db.url,
        &["seed", "--patients", "300", "--seed", "5"],
        None,
    );
    assert!(o.status.success(), "{}", text(&o));
    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    for chart in ["P-000001", "P-000123", "P-000300"] {
        let c = chart.to_owned();
        let p: (String, String, NaiveDate, Option<String>) = app
            .with_db(move |conn| {
                patients::table
                    .filter(patients::chart_number.eq(c))
                    .select((
                        patients::given_name,
                        patients::family_name,
                        patients::date_of_birth,
                        patients::phone_digits,
                    ))
                    .first(conn)
                    .unwrap()
            })
            .await;
        let (given, family, born, phone) = p;
        assert_eq!(search(&app, &token, chart).await, [chart]);
        for q in [
            format!("{given} {family}"),
            family.clone(),
            born.to_string(),
        ] {
            let found = search(&app, &token, &q).await;
            assert!(found.contains(&chart.to_owned()), "{q}: {found:?}");
        }
        if let Some(digits) = phone {
            let found = search(&app, &token, &digits[..6]).await;
            assert!(found.contains(&chart.to_owned()), "{digits}: {found:?}");
        }
    }
}

const IMPORT_CSV: &str = "\
given_name,family_name,date_of_birth,sex,email,phone,city,occupation,preferred_name
Élodie,Dupré,1984-06-12,female,elodie@example.org,+33 6 12 34 56 78,Lyon,Violinist,
Seán,O'Brien,1950-03-01,male,,(514) 555-0142,Montréal,\"Retired, formerly a welder\",
Marie-Ève,Gagnon-Tremblay,1992-11-30,female,me.gagnon@example.org,,Québec,Nurse,
Søren,Kierkegaard-Holm,1979-03-02,male,,,,,Sonny
Jan,Kowalski,2099-01-01,male,,,,,
Zoë,van der Berg,2010-07-07,,zoe@,,,,
ÉLODIE,dupre,1984-06-12,female,,,,,
Ana María,de la Cruz,1957-04-30,female,ana@example.org,,,,
";

async fn import_names_the_bad_rows_and_imports_the_rest(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("patients.csv");
    std::fs::write(&file, IMPORT_CSV).unwrap();
    let o = clinic(&app.db.url, &["import", file.to_str().unwrap()], None);
    let out = stdout(&o);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        out.contains("row 6: date_of_birth: The date of birth cannot be in the future."),
        "{out}"
    );
    assert!(out.contains("row 7: email: "), "{out}");
    assert!(
        out.contains("row 8: possible duplicate of P-000001"),
        "{out}"
    );
    assert!(out.contains("imported 5, skipped 3"), "{out}");
    assert_eq!(patient_count(&app).await, 5);

    let desk = app.create_user(Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    for q in [
        "elodie",
        "o'brien",
        "marie eve",
        "gagnon-tremblay",
        "sonny",
        "kierkegaard",
        "de la cruz",
    ] {
        assert_eq!(search(&app, &token, q).await.len(), 1, "{q}");
    }
    assert!(search(&app, &token, "kowalski").await.is_empty());

    // Every import writes its own audit row; the chain holds.
    let (code, out) = verify_cli(&app.db.url);
    assert_eq!(code, 0, "{out}");

    // The duplicate goes in when asked for; a file of good rows exits 0.
    let dup = dir.path().join("dup.csv");
    std::fs::write(
        &dup,
        "given_name,family_name,date_of_birth\nÉLODIE,dupre,1984-06-12\n",
    )
    .unwrap();
    let o = clinic(
        &app.db.url,
        &["import", "--allow-duplicates", dup.to_str().unwrap()],
        None,
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(stdout(&o).contains("imported 1, skipped 0"), "{}", text(&o));
    assert_eq!(search(&app, &token, "elodie").await.len(), 2);
}

async fn import_refuses_a_file_with_unknown_columns(app: TestApp) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("patients.csv");
    std::fs::write(
        &file,
        "given_name,family_name,date_of_birth,favourite_colour,shoe_size\n\
         Élodie,Dupré,1984-06-12,blue,38\n",
    )
    .unwrap();
    let o = clinic(&app.db.url, &["import", file.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    let t = text(&o);
    assert!(
        t.contains("favourite_colour") && t.contains("shoe_size"),
        "{t}"
    );
    assert!(t.contains("Nothing was imported"), "{t}");
    assert_eq!(patient_count(&app).await, 0);

    let missing = dir.path().join("missing.csv");
    let o = clinic(&app.db.url, &["import", missing.to_str().unwrap()], None);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(patient_count(&app).await, 0);
}

on_both_backends!(
    the_demo_clinic_can_be_signed_into,
    seeding_twice_with_one_seed_gives_the_same_patients,
    seeded_patients_are_found_by_search,
    import_names_the_bad_rows_and_imports_the_rest,
    import_refuses_a_file_with_unknown_columns,
);
