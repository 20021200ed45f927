//! Probes.

use crate::helpers::TestApp;

async fn probes_answer(app: TestApp) {
    let r = app.http.get(app.url("/healthz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 200);
}

/// PostgreSQL only: an SQLite file cannot be taken away from an open pool portably.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readyz_is_503_when_the_postgres_database_is_gone() {
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Postgres).await else {
        return;
    };
    let (admin, name) = app.db.pg_admin().expect("a PostgreSQL test database");
    tokio::task::spawn_blocking(move || {
        use diesel::Connection;
        use diesel::connection::SimpleConnection;
        let mut c = diesel::PgConnection::establish(&admin).unwrap();
        c.batch_execute(&format!("DROP DATABASE {name} WITH (FORCE)"))
            .unwrap();
    })
    .await
    .unwrap();
    let r = app.http.get(app.url("/readyz")).send().await.unwrap();
    assert_eq!(r.status(), 503);
    let body = r.text().await.unwrap();
    assert!(
        !body.to_lowercase().contains("select"),
        "no SQL in the answer: {body}"
    );
}

on_both_backends!(probes_answer);

/// Ends every connection the service holds, as a PostgreSQL restart or a proxy's idle
/// timeout would, and waits until each server process is gone (the `5000` ms).
async fn end_service_connections(app: &TestApp) {
    let (admin, name) = app.db.pg_admin().expect("a PostgreSQL test database");
    let ended = tokio::task::spawn_blocking(move || {
        use diesel::{Connection, QueryableByName, RunQueryDsl};
        #[derive(QueryableByName)]
        struct Ended {
            #[diesel(sql_type = diesel::sql_types::Bool)]
            #[allow(dead_code)]
            ended: bool,
        }
        let mut c = diesel::PgConnection::establish(&admin).unwrap();
        diesel::sql_query(
            "SELECT pg_terminate_backend(pid, 5000) AS ended FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind::<diesel::sql_types::Text, _>(name)
        .load::<Ended>(&mut c)
        .unwrap()
        .len()
    })
    .await
    .unwrap();
    assert!(
        ended >= 2,
        "the pool and the audit committer were connected"
    );
}

/// PostgreSQL only. A connection that answered within the last half second leaves the
/// pool without a ping (it saves two round trips per request); one idle for longer is
/// pinged and, if the server ended it, replaced. So connections ended under an idle
/// service cost no request, and under a busy one each costs at most the request that
/// found it dead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_postgresql_ended_are_replaced() {
    let Some(app) = TestApp::spawn(crate::helpers::Backend::Postgres).await else {
        return;
    };
    let desk = app.create_user(clinic::domain::Role::FrontDesk).await;
    let token = app.api_token(&desk).await;
    let search = "/api/v1/patients?q=du";
    assert_eq!(app.get_json(search, &token).await.0, 200);

    end_service_connections(&app).await;
    tokio::time::sleep(std::time::Duration::from_millis(700)).await;
    for i in 0..5 {
        let (s, body) = app.get_json(search, &token).await;
        assert_eq!(s, 200, "request {i} after an idle half second: {body}");
    }

    end_service_connections(&app).await;
    let mut statuses = Vec::new();
    for _ in 0..10 {
        statuses.push(app.get_json(search, &token).await.0.as_u16());
    }
    assert!(
        statuses.iter().filter(|s| **s != 200).count() <= 2
            && statuses[2..].iter().all(|s| *s == 200),
        "right after: only the requests that met a dead connection fail, and only once each: {statuses:?}"
    );
}
