//! The HTML pages as staff use them: first-run setup, staff administration, the audit
//! browser, signing in (with `next`), and HTML escaping of what people type.

use clinic::domain::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Browser, TestApp, csrf_in, texts};
use crate::raw_http::{SESSION, location, set_cookie_value};

/// The attribute `attr` of the first element matching `selector`.
fn attr(html: &str, selector: &str, attr: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(selector).unwrap();
    doc.select(&sel)
        .next()
        .and_then(|e| e.value().attr(attr))
        .map(str::to_owned)
}

/// The error shown for a form field: the field points at it with `aria-describedby`
/// and it is a `.field-error` right after the field.
fn field_error(html: &str, field: &str) -> Option<String> {
    let id = attr(html, &format!("#{field}"), "aria-describedby")?;
    assert_eq!(
        attr(html, &format!("#{field}"), "aria-invalid").as_deref(),
        Some("true"),
        "{field}"
    );
    let text = texts(html, &format!("p.field-error#{id}"))
        .into_iter()
        .next()?;
    // Next to the field: nothing but white space between the input and the message.
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse(&format!("#{field}")).unwrap();
    let input = doc.select(&sel).next()?;
    let next = input.next_siblings().find_map(scraper::ElementRef::wrap)?;
    assert_eq!(
        next.value().attr("id"),
        Some(id.as_str()),
        "the error for {field} follows the field"
    );
    Some(text)
}

/// The row of the staff list that contains `needle`, as a small table.
fn user_row(html: &str, needle: &str) -> Option<String> {
    let doc = scraper::Html::parse_document(html);
    let sel = scraper::Selector::parse("table.data tbody tr").unwrap();
    doc.select(&sel)
        .map(|r| format!("<table><tbody>{}</tbody></table>", r.html()))
        .find(|r| r.contains(needle))
}

async fn first_run_setup_creates_the_first_admin_once(app: TestApp) {
    let link = app
        .setup_link
        .clone()
        .expect("a fresh database prints a setup link");
    let path = link
        .strip_prefix(&app.address)
        .expect("the link points at this server")
        .to_owned();
    assert!(path.starts_with("/setup/"), "{link}");

    let visitor = app.browser();
    let (status, html) = visitor.get_html(&path).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        csrf_in(&html).is_some(),
        "the setup form carries a csrf token"
    );
    assert!(attr(&html, "#password", "type").as_deref() == Some("password"));

    // Mismatched passwords: 422, the error next to the field, the typed values kept.
    let r = visitor
        .post_form(
            &path,
            &path,
            &[
                ("name", "Dana First"),
                ("email", "dana.first@clinic.example"),
                ("password", "pelican harbour violet 9"),
                ("confirm_password", "pelican harbour violet 8"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(set_cookie_value(&r, SESSION).is_none());
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, ".field-error").len(), 1, "{html}");
    let error = field_error(&html, "confirm_password").expect("an error next to confirm_password");
    assert!(error.contains("not the same"), "{error}");
    assert_eq!(attr(&html, "#name", "value").as_deref(), Some("Dana First"));
    assert_eq!(
        attr(&html, "#email", "value").as_deref(),
        Some("dana.first@clinic.example")
    );
    assert!(
        !html.contains("pelican harbour"),
        "passwords are never echoed"
    );

    // Valid: 303 to /, signed in.
    let r = visitor
        .post_form(
            &path,
            &path,
            &[
                ("name", "Dana First"),
                ("email", "dana.first@clinic.example"),
                ("password", "pelican harbour violet 9"),
                ("confirm_password", "pelican harbour violet 9"),
            ],
        )
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r).as_deref(), Some("/"));
    assert!(
        set_cookie_value(&r, SESSION).is_some_and(|v| v.len() >= 43),
        "a session cookie"
    );
    let (status, html) = visitor.get_html("/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.contains("dana.first@clinic.example"));

    // The link works once.
    let (status, _) = visitor.get_html(&path).await;
    assert_eq!(status, StatusCode::GONE);
    let other = app.browser();
    let token = other.csrf_from("/login").await;
    let r = other
        .client
        .post(other.url(&path))
        .form(&[
            ("name", "Eve Second"),
            ("email", "eve.second@clinic.example"),
            ("password", "quartz beacon tulip 4"),
            ("confirm_password", "quartz beacon tulip 4"),
            ("csrf_token", &token),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        StatusCode::GONE,
        "a second use of the setup link"
    );

    // The new admin administers.
    let (status, html) = visitor.get_html("/admin/users").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        user_row(&html, "dana.first@clinic.example").is_some_and(|r| r.contains("Administrator"))
    );
    assert!(!html.contains("eve.second"));
    let actions = app.audit_actions().await;
    assert!(
        actions.contains(&"setup.completed".to_owned()),
        "{actions:?}"
    );
    assert_eq!(
        actions.iter().filter(|a| *a == "user.created").count(),
        1,
        "{actions:?}"
    );
}

async fn admins_manage_staff_through_the_pages(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let browser = app.signed_in(&admin).await;
    let (status, html) = browser.get_html("/admin/users/new").await;
    assert_eq!(status, StatusCode::OK);
    assert!(csrf_in(&html).is_some());

    // An invalid email: 422, the error next to the email field, the name kept.
    let fields = [
        ("name", "Grace Hopper"),
        ("email", "grace-at-clinic"),
        ("role", "practitioner"),
        ("licence_number", "DC-1234"),
        ("password", "nebula cobalt harvest 5"),
    ];
    let r = browser
        .post_form("/admin/users", "/admin/users/new", &fields)
        .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text().await.unwrap();
    assert!(
        field_error(&html, "email").is_some(),
        "an error next to the email field: {html}"
    );
    assert_eq!(texts(&html, ".field-error").len(), 1);
    assert_eq!(
        attr(&html, "#name", "value").as_deref(),
        Some("Grace Hopper")
    );
    assert_eq!(
        attr(&html, "#licence_number", "value").as_deref(),
        Some("DC-1234")
    );
    assert_eq!(
        attr(&html, "#role option[selected]", "value").as_deref(),
        Some("practitioner")
    );
    assert!(
        !html.contains("nebula cobalt"),
        "the password is not echoed"
    );

    // Valid: created, listed.
    let mut fields = fields;
    fields[1] = ("email", "grace.hopper@clinic.example");
    let r = browser
        .post_form("/admin/users", "/admin/users/new", &fields)
        .await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r).as_deref(), Some("/admin/users?done=created"));
    let (status, html) = browser.get_html("/admin/users?done=created").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        texts(&html, ".alert-ok")
            .iter()
            .any(|t| t.contains("created")),
        "{html}"
    );
    let row = user_row(&html, "grace.hopper@clinic.example").expect("the new account is listed");
    assert!(
        row.contains("Grace Hopper") && row.contains("Practitioner") && row.contains("DC-1234"),
        "{row}"
    );
    let disable = attr(&row, "form[action$='/disable']", "action").expect("a Disable button");
    let id = disable
        .trim_start_matches("/admin/users/")
        .trim_end_matches("/disable")
        .to_owned();

    // Disable and enable with the buttons.
    let r = browser.post_form(&disable, "/admin/users", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r).as_deref(), Some("/admin/users?done=disabled"));
    let (_, html) = browser.get_html("/admin/users").await;
    let row = user_row(&html, "grace.hopper@clinic.example").unwrap();
    assert!(row.contains("Disabled"), "{row}");
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "grace.hopper@clinic.example", "password": "nebula cobalt harvest 5"}),
        )
        .await;
    assert_eq!(
        s,
        StatusCode::UNAUTHORIZED,
        "a disabled account cannot sign in"
    );
    let enable = attr(&row, "form[action$='/enable']", "action").expect("an Enable button");
    assert_eq!(enable, format!("/admin/users/{id}/enable"));
    let r = browser.post_form(&enable, "/admin/users", &[]).await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
    assert_eq!(location(&r).as_deref(), Some("/admin/users?done=enabled"));
    let (_, html) = browser.get_html("/admin/users").await;
    assert!(
        user_row(&html, "grace.hopper@clinic.example")
            .unwrap()
            .contains("Active")
    );
    let (s, _) = app
        .post_json(
            "/api/v1/auth/login",
            None,
            &json!({"email": "grace.hopper@clinic.example", "password": "nebula cobalt harvest 5"}),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "enabled again");
    // The admin has no Disable button for their own row.
    let own = user_row(&html, &admin.email).unwrap();
    assert!(own.contains("(you)") && !own.contains("/disable"), "{own}");

    // Front desk staff are not admins.
    let front_desk = app.create_user(Role::FrontDesk).await;
    let fd = app.signed_in(&front_desk).await;
    for path in ["/admin/users", "/admin/users/new", "/admin/audit"] {
        let (status, html) = fd.get_html(path).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} as front desk");
        assert!(!html.contains("grace.hopper"), "the 403 page leaks nothing");
    }
    let (_, home) = fd.get_html("/").await;
    assert!(
        !home.contains("href=\"/admin/users\""),
        "no admin links for front desk"
    );
}

/// The Action column of the audit table (the fifth).
fn audit_actions_shown(html: &str) -> Vec<String> {
    texts(html, "table.audit tbody tr td:nth-child(5)")
}

async fn the_audit_browser_lists_and_filters(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let staff = app.create_user(Role::FrontDesk).await;
    let browser = app.signed_in(&admin).await;
    let r = browser.staff_action(&staff.id, "disable").await;
    assert_eq!(r.status(), StatusCode::SEE_OTHER);

    let (status, html) = browser.get_html("/admin/audit").await;
    assert_eq!(status, StatusCode::OK);
    let shown = audit_actions_shown(&html);
    assert!(
        shown.iter().filter(|a| *a == "user.created").count() >= 2,
        "{shown:?}"
    );
    assert!(shown.contains(&"user.disabled".to_owned()), "{shown:?}");
    assert!(shown.contains(&"login.succeeded".to_owned()), "{shown:?}");

    let (_, html) = browser.get_html("/admin/audit?action=user.created").await;
    let shown = audit_actions_shown(&html);
    assert_eq!(
        shown,
        ["user.created", "user.created"],
        "filtered by action"
    );
    assert_eq!(
        attr(&html, "#action option[selected]", "value").as_deref(),
        Some("user.created")
    );

    let (_, html) = browser
        .get_html(&format!("/admin/audit?actor={}", admin.email))
        .await;
    let people = texts(&html, "table.audit tbody tr td:nth-child(3)");
    assert!(
        !people.is_empty() && people.iter().all(|p| *p == admin.email),
        "filtered by person: {people:?}"
    );

    let (status, html) = browser
        .get_html("/admin/audit?actor=nobody.at.all%40clinic.example")
        .await;
    assert_eq!(status, StatusCode::OK);
    let note = texts(&html, ".alert-error").join(" ");
    assert!(
        note.contains("No account has the email nobody.at.all@clinic.example"),
        "{note:?}"
    );
    assert!(
        html.contains("No events match."),
        "an unknown person matches nothing"
    );
    assert_eq!(
        attr(&html, "#actor", "value").as_deref(),
        Some("nobody.at.all@clinic.example")
    );

    // "Who opened this chart?": the rows name the patient (chart number, name, link),
    // and the patient filter answers it.
    let desk = app.create_user(Role::FrontDesk).await;
    let desk_token = app.api_token(&desk).await;
    let (s, p) = app
        .post_json(
            "/api/v1/patients",
            Some(&desk_token),
            &serde_json::json!({"given_name": "Siobhán", "family_name": "O'Brien",
                    "date_of_birth": "1970-05-06", "sex": "female"}),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{p}");
    let pid = p["id"].as_str().unwrap().to_owned();
    let chart = p["chart_number"].as_str().unwrap().to_owned();
    let (s, _) = app
        .get_json(&format!("/api/v1/patients/{pid}"), &desk_token)
        .await;
    assert_eq!(s, StatusCode::OK);
    let short = chart.replace("-0000", "");
    let (status, html) = browser
        .get_html(&format!(
            "/admin/audit?patient={short}&action=patient.viewed"
        ))
        .await;
    assert_eq!(status, StatusCode::OK);
    let patients = texts(&html, "table.audit tbody tr td:nth-child(6) a:first-child");
    assert!(
        !patients.is_empty()
            && patients
                .iter()
                .all(|p| *p == format!("{chart} Siobhán O'Brien")),
        "filtered by patient {short}: {patients:?}"
    );
    assert_eq!(
        attr(&html, "table.audit tbody tr td:nth-child(6) a", "href"),
        Some(format!("/patients/{pid}"))
    );
    let people = texts(&html, "table.audit tbody tr td:nth-child(3)");
    assert!(people.iter().all(|p| *p == desk.email), "{people:?}");

    // Filters that cannot be used are said next to their fields and match nothing.
    let (status, html) = browser
        .get_html("/admin/audit?from=2026-13-40&outcome=maybe&patient=P-999999")
        .await;
    assert_eq!(status, StatusCode::OK);
    for (field, words) in [
        ("from", "no such day; check the month and the day"),
        ("outcome", "is not an outcome"),
        ("patient", "No patient has the chart number or id P-999999"),
    ] {
        let here = texts(&html, &format!("#{field}-error")).join(" ");
        assert!(here.contains(words), "{field}: {here:?}");
        assert_eq!(
            attr(&html, &format!("#{field}"), "aria-invalid").as_deref(),
            Some("true")
        );
    }
    assert_eq!(texts(&html, "#filter-errors li a").len(), 3);
    assert!(html.contains("No events match."));
}

/// Signs in through the form with a `next` taken from `/login?next=...`, and also
/// posts `raw_next` directly; returns both redirects.
async fn sign_in_with_next(
    app: &TestApp,
    email: &str,
    password: &str,
    query_next: &str,
    raw_next: &str,
) -> (String, String) {
    let mut out = Vec::new();
    for use_raw in [false, true] {
        let browser: Browser = app.browser();
        let encoded: String = url::form_urlencoded::byte_serialize(query_next.as_bytes()).collect();
        let (status, html) = browser.get_html(&format!("/login?next={encoded}")).await;
        assert_eq!(status, StatusCode::OK);
        let next = if use_raw {
            raw_next.to_owned()
        } else {
            attr(&html, "input[name=next]", "value").unwrap()
        };
        let token = csrf_in(&html).unwrap();
        let r = browser
            .client
            .post(browser.url("/login"))
            .form(&[
                ("email", email),
                ("password", password),
                ("next", &next),
                ("csrf_token", &token),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(
            r.status(),
            StatusCode::SEE_OTHER,
            "sign-in with next={next:?}"
        );
        out.push(location(&r).unwrap());
    }
    (out[0].clone(), out[1].clone())
}

async fn sign_in_page_messages_and_next(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let browser = app.browser();
    let r = browser.login(&admin.email, "certainly not it").await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    let html = r.text().await.unwrap();
    assert_eq!(texts(&html, ".alert-error"), ["Wrong email or password."]);
    assert_eq!(
        attr(&html, "#email", "value").as_deref(),
        Some(admin.email.as_str())
    );
    assert!(!html.contains("certainly not it"));

    // A local path is followed.
    let (from_page, from_form) = sign_in_with_next(
        &app,
        &admin.email,
        &admin.password,
        "/admin/users",
        "/admin/users",
    )
    .await;
    assert_eq!(from_page, "/admin/users");
    assert_eq!(from_form, "/admin/users");
    // Anything that could leave the site goes to /.
    for evil in [
        "//evil.example",
        "https://evil.example",
        "/\t/evil.example",
        "/\\evil.example",
        "/\n/evil.example",
    ] {
        let (from_page, from_form) =
            sign_in_with_next(&app, &admin.email, &admin.password, evil, evil).await;
        assert_eq!(from_page, "/", "next={evil:?} via /login?next=");
        assert_eq!(from_form, "/", "next={evil:?} posted in the form");
    }
    // A signed-in visitor to /login?next=... is redirected the same way.
    let signed = app.signed_in(&admin).await;
    for (next, want) in [
        ("/admin/audit", "/admin/audit"),
        ("//evil.example", "/"),
        ("/%09/evil.example", "/"),
    ] {
        let r = signed.get(&format!("/login?next={next}")).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(
            location(&r).as_deref(),
            Some(want),
            "signed in, /login?next={next}"
        );
    }
}

async fn what_people_type_is_escaped_in_pages(app: TestApp) {
    let admin = app.create_user(Role::Admin).await;
    let token = app.api_token(&admin).await;
    let probe = "<script>alert(1)</script>";
    let password = "granite meadow lantern 88";
    let (status, body) = app
        .post_json(
            "/api/v1/users",
            Some(&token),
            &json!({"email": "xss.probe@clinic.example", "name": probe, "role": "front_desk", "password": password}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");

    let browser = app.signed_in(&admin).await;
    let (_, html) = browser.get_html("/admin/users").await;
    assert!(
        !html.contains("<script>alert(1)"),
        "the name is escaped on the staff list"
    );
    let row = user_row(&html, "xss.probe@clinic.example").unwrap();
    let doc = scraper::Html::parse_fragment(&row);
    let sel = scraper::Selector::parse("td").unwrap();
    let first = doc.select(&sel).next().unwrap().text().collect::<String>();
    assert_eq!(first.trim(), probe, "shown as text");

    // On the person's own pages too.
    let own = app
        .signed_in(&crate::helpers::TestUser {
            id: String::new(),
            email: "xss.probe@clinic.example".into(),
            name: probe.into(),
            password: password.into(),
            role: Role::FrontDesk,
        })
        .await;
    let (status, html) = own.get_html("/day").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("<script>alert(1)"),
        "the name is escaped in the menu of Today"
    );

    // Reflected input.
    let reflected = "\"><script>alert(1)</script>";
    let encoded: String = url::form_urlencoded::byte_serialize(reflected.as_bytes()).collect();
    let (status, html) = browser
        .get_html(&format!("/admin/audit?actor={encoded}&action={encoded}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        !html.contains("<script>alert(1)"),
        "the audit filter is escaped"
    );
    assert_eq!(attr(&html, "#actor", "value").as_deref(), Some(reflected));
    let anon = app.browser();
    let (_, html) = anon.get_html(&format!("/login?next=/{encoded}")).await;
    assert!(
        !html.contains("<script>alert(1)"),
        "next is escaped on the sign-in page"
    );
}

on_both_backends!(
    first_run_setup_creates_the_first_admin_once,
    admins_manage_staff_through_the_pages,
    the_audit_browser_lists_and_filters,
    sign_in_page_messages_and_next,
    what_people_type_is_escaped_in_pages,
);
