//! `src/schema.rs` must be exactly what the migrations of each backend produce. This test
//! migrates a fresh database, reads the catalog and writes the file the way diesel's
//! `print-schema` would; on a difference it prints the expected file.

use std::collections::BTreeMap;

use diesel::prelude::*;
use diesel::sql_types::{Integer, Nullable, Text};

use crate::helpers::{Backend, TestDatabase};

const COMMITTED: &str = include_str!("../../src/schema.rs");

struct Column {
    name: String,
    sql_type: String,
    nullable: bool,
}

struct Table {
    primary_key: Vec<String>,
    columns: Vec<Column>,
    /// (column, parent table)
    foreign_keys: Vec<(String, String)>,
}

fn diesel_type(db_type: &str) -> String {
    match db_type.to_ascii_lowercase().as_str() {
        "text" => "Text",
        "integer" | "int4" => "Integer",
        "bigint" | "int8" => "BigInt",
        "smallint" | "int2" => "SmallInt",
        "boolean" | "bool" => "Bool",
        "timestamp" | "timestamp without time zone" => "Timestamp",
        "date" => "Date",
        "double precision" | "double" | "real" | "float8" => "Double",
        "blob" | "bytea" => "Binary",
        other => panic!("column type {other} is not one both backends share"),
    }
    .to_owned()
}

fn render(tables: &BTreeMap<String, Table>) -> String {
    let mut out = String::from(
        "// @generated from the migrations; `cargo test schema_rs_matches_migrations` checks it on both backends.\n",
    );
    for (name, t) in tables {
        out.push_str(&format!(
            "\ndiesel::table! {{\n    {name} ({}) {{\n",
            t.primary_key.join(", ")
        ));
        for c in &t.columns {
            let ty = if c.nullable {
                format!("Nullable<{}>", c.sql_type)
            } else {
                c.sql_type.clone()
            };
            out.push_str(&format!("        {} -> {ty},\n", c.name));
        }
        out.push_str("    }\n}\n");
    }
    let mut joins: Vec<(String, String, String)> = Vec::new();
    for (name, t) in tables {
        for (col, parent) in &t.foreign_keys {
            joins.push((name.clone(), parent.clone(), col.clone()));
        }
    }
    joins.sort();
    // Like diesel's print-schema: a child with two keys to the same parent gets no
    // joinable! (it would be ambiguous and does not compile).
    let pairs: Vec<(String, String)> = joins
        .iter()
        .map(|(c, p, _)| (c.clone(), p.clone()))
        .collect();
    joins.retain(|(c, p, _)| pairs.iter().filter(|(c2, p2)| c2 == c && p2 == p).count() == 1);
    if !joins.is_empty() {
        out.push('\n');
    }
    for (child, parent, col) in joins {
        out.push_str(&format!(
            "diesel::joinable!({child} -> {parent} ({col}));\n"
        ));
    }
    out.push_str("\ndiesel::allow_tables_to_appear_in_same_query!(\n");
    for name in tables.keys() {
        out.push_str(&format!("    {name},\n"));
    }
    out.push_str(");\n");
    out
}

#[derive(QueryableByName)]
struct Name {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct SqliteColumn {
    #[diesel(sql_type = Text)]
    name: String,
    #[diesel(sql_type = Text)]
    #[diesel(column_name = type_)]
    r#type: String,
    #[diesel(sql_type = Integer)]
    not_null: i32,
    #[diesel(sql_type = Integer)]
    pk: i32,
}

#[derive(QueryableByName)]
struct SqliteForeignKey {
    #[diesel(sql_type = Text)]
    table: String,
    #[diesel(sql_type = Text)]
    from: String,
}

fn sqlite_tables(path: &str) -> BTreeMap<String, Table> {
    let mut c = diesel::SqliteConnection::establish(path).unwrap();
    let names: Vec<Name> = diesel::sql_query(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         AND name <> '__diesel_schema_migrations' ORDER BY name",
    )
    .load(&mut c)
    .unwrap();
    let mut tables = BTreeMap::new();
    for Name { name } in names {
        let cols: Vec<SqliteColumn> = diesel::sql_query(format!(
            "SELECT name, type AS type_, \"notnull\" AS not_null, pk FROM pragma_table_info('{name}') ORDER BY cid"
        ))
        .load(&mut c)
        .unwrap();
        let fks: Vec<SqliteForeignKey> =
            diesel::sql_query(format!("SELECT \"table\" AS \"table\", \"from\" AS \"from\" FROM pragma_foreign_key_list('{name}')"))
                .load(&mut c)
                .unwrap();
        let mut pk: Vec<(i32, String)> = cols
            .iter()
            .filter(|c| c.pk > 0)
            .map(|c| (c.pk, c.name.clone()))
            .collect();
        pk.sort();
        tables.insert(
            name,
            Table {
                primary_key: pk.into_iter().map(|(_, n)| n).collect(),
                columns: cols
                    .iter()
                    .map(|c| Column {
                        name: c.name.clone(),
                        sql_type: diesel_type(&c.r#type),
                        nullable: c.not_null == 0 && c.pk == 0,
                    })
                    .collect(),
                foreign_keys: fks.into_iter().map(|f| (f.from, f.table)).collect(),
            },
        );
    }
    tables
}

#[derive(QueryableByName)]
struct PgColumn {
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Text)]
    data_type: String,
    #[diesel(sql_type = Text)]
    is_nullable: String,
}

#[derive(QueryableByName)]
struct PgKey {
    #[diesel(sql_type = Text)]
    column_name: String,
    #[diesel(sql_type = Nullable<Text>)]
    parent: Option<String>,
}

fn pg_tables(url: &str) -> BTreeMap<String, Table> {
    let mut c = diesel::PgConnection::establish(url).unwrap();
    let names: Vec<Name> = diesel::sql_query(
        "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' \
         AND table_type = 'BASE TABLE' AND table_name <> '__diesel_schema_migrations' ORDER BY table_name",
    )
    .load(&mut c)
    .unwrap();
    let mut tables = BTreeMap::new();
    for Name { name } in names {
        let cols: Vec<PgColumn> = diesel::sql_query(
            "SELECT column_name::text, data_type::text, is_nullable::text FROM information_schema.columns \
             WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
        )
        .bind::<Text, _>(&name)
        .load(&mut c)
        .unwrap();
        let pk: Vec<PgKey> = diesel::sql_query(
            "SELECT kcu.column_name::text, NULL::text AS parent \
             FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu \
             ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema \
             WHERE tc.table_schema = 'public' AND tc.table_name = $1 AND tc.constraint_type = 'PRIMARY KEY' \
             ORDER BY kcu.ordinal_position",
        )
        .bind::<Text, _>(&name)
        .load(&mut c)
        .unwrap();
        let fks: Vec<PgKey> = diesel::sql_query(
            "SELECT kcu.column_name::text, ccu.table_name::text AS parent \
             FROM information_schema.table_constraints tc JOIN information_schema.key_column_usage kcu \
             ON tc.constraint_name = kcu.constraint_name AND tc.table_schema = kcu.table_schema \
             JOIN information_schema.constraint_column_usage ccu ON tc.constraint_name = ccu.constraint_name \
             WHERE tc.table_schema = 'public' AND tc.table_name = $1 AND tc.constraint_type = 'FOREIGN KEY'",
        )
        .bind::<Text, _>(&name)
        .load(&mut c)
        .unwrap();
        tables.insert(
            name,
            Table {
                primary_key: pk.iter().map(|k| k.column_name.clone()).collect(),
                columns: cols
                    .iter()
                    .map(|c| Column {
                        name: c.column_name.clone(),
                        sql_type: diesel_type(&c.data_type),
                        nullable: c.is_nullable == "YES",
                    })
                    .collect(),
                foreign_keys: fks
                    .into_iter()
                    .map(|k| (k.column_name, k.parent.unwrap_or_default()))
                    .collect(),
            },
        );
    }
    tables
}

fn check(backend: Backend) {
    let Some(db) = TestDatabase::create(backend) else {
        return;
    };
    clinic::db::run_migrations(&mut db.connect()).unwrap();
    let tables = match backend {
        Backend::Sqlite => sqlite_tables(db.sqlite_path().unwrap().to_str().unwrap()),
        Backend::Postgres => pg_tables(&db.url),
    };
    let generated = render(&tables);
    if generated != COMMITTED {
        let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("schema.{backend:?}.rs"));
        std::fs::write(&out, &generated).unwrap();
        panic!(
            "src/schema.rs differs from what the {backend:?} migrations produce; expected file written to {}:\n{generated}",
            out.display()
        );
    }
}

#[test]
fn schema_rs_matches_migrations_sqlite() {
    check(Backend::Sqlite);
}

#[test]
fn schema_rs_matches_migrations_postgres() {
    check(Backend::Postgres);
}
