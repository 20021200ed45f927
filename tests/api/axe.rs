//! Accessibility checks with axe-core in the real browser: `assert_accessible(&client,
//! "what page state")` injects `axe.min.js` into the current page and fails listing every
//! violation of WCAG 2.0, 2.1 and 2.2 A/AA and of axe's best practices.
//!
//! axe-core is an npm package pinned in `.ci/package.json`; `npm ci --prefix .ci` puts it
//! in `.ci/node_modules/axe-core/axe.min.js` (or name the file with `CLINIC_AXE_JS`).
//! Without it the check is skipped with a printed reason, unless
//! `CLINIC_REQUIRE_ALL_COMPONENTS=1`.

use std::sync::OnceLock;

use fantoccini::Client;
use serde_json::{Value, json};

use crate::helpers::missing;

/// The rule sets checked: axe's tags.
pub const AXE_TAGS: &[&str] = &[
    "wcag2a",
    "wcag2aa",
    "wcag21a",
    "wcag21aa",
    "wcag22aa",
    "best-practice",
];

fn axe_path() -> String {
    std::env::var("CLINIC_AXE_JS").unwrap_or_else(|_| {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/.ci/node_modules/axe-core/axe.min.js"
        )
        .into()
    })
}

/// The script, read once per test run; `None` when it is not installed.
fn axe_source() -> Option<&'static str> {
    static SOURCE: OnceLock<Option<String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| std::fs::read_to_string(axe_path()).ok())
        .as_deref()
}

/// Runs axe-core on the page the browser shows now and fails, naming `state`, when it
/// finds a violation: each with its rule id, impact, help text and the CSS selectors of
/// the elements at fault. WebDriver's scripts are not subject to the page's
/// Content-Security-Policy, so the script is injected as it is.
pub async fn assert_accessible(c: &Client, state: &str) {
    let Some(source) = axe_source() else {
        missing(
            "axe-core",
            &format!(
                "axe-core not installed (npm ci --prefix .ci): {} is absent; not checked: {state}",
                axe_path()
            ),
        );
        return;
    };
    let version = "return typeof window.axe === 'object' ? window.axe.version : null;";
    let mut loaded = c
        .execute(version, vec![])
        .await
        .unwrap_or_else(|e| panic!("{state}: looking for axe-core: {e}"));
    if loaded.is_null() {
        loaded = c
            .execute(&format!("{source}\n;{version}"), vec![])
            .await
            .unwrap_or_else(|e| panic!("{state}: injecting axe-core: {e}"));
    }
    assert!(
        loaded.is_string(),
        "{state}: axe-core did not load: {loaded}"
    );
    let result = c
        .execute_async(
            r#"
            const done = arguments[arguments.length - 1];
            // From the top of the page: axe counts a control that happens to be half
            // under a sticky bar at this scroll position as too small. The person's
            // place is given back afterwards.
            const x = window.scrollX, y = window.scrollY;
            window.scrollTo(0, 0);
            axe.run(document, { runOnly: arguments[0], resultTypes: ['violations'] })
              .finally(() => window.scrollTo(x, y))
              .then(r => done({
                violations: r.violations.map(v => ({
                  id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                  nodes: v.nodes.map(n => ({ target: n.target, html: n.html, summary: n.failureSummary })),
                })),
              }))
              .catch(e => done({ error: String(e && e.stack || e) }));
            "#,
            vec![json!(AXE_TAGS)],
        )
        .await
        .unwrap_or_else(|e| panic!("{state}: running axe-core: {e}"));
    if let Some(error) = result.get("error") {
        panic!("{state}: axe-core failed: {error}");
    }
    let violations = result["violations"].as_array().cloned().unwrap_or_default();
    if violations.is_empty() {
        println!(
            "axe-core {}: {state}: no violations",
            loaded.as_str().unwrap_or("?")
        );
        return;
    }
    let report = violations
        .iter()
        .map(describe)
        .collect::<Vec<_>>()
        .join("\n");
    panic!(
        "{state}: {} accessibility violation(s) found by axe-core {}:\n{report}",
        violations.len(),
        loaded.as_str().unwrap_or("?")
    );
}

fn describe(v: &Value) -> String {
    let nodes = v["nodes"]
        .as_array()
        .map(|nodes| {
            nodes
                .iter()
                .map(|n| {
                    let target = n["target"]
                        .as_array()
                        .map(|t| {
                            t.iter()
                                .map(|s| s.as_str().map_or_else(|| s.to_string(), str::to_owned))
                                .collect::<Vec<_>>()
                                .join(" >> ")
                        })
                        .unwrap_or_default();
                    let html: String = n["html"].as_str().unwrap_or("").chars().take(160).collect();
                    let summary = n["summary"].as_str().unwrap_or("").replace('\n', " ");
                    format!("      at {target}: {html}\n        {summary}")
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    format!(
        "  - {} ({}): {} <{}>\n{nodes}",
        v["id"].as_str().unwrap_or("?"),
        v["impact"].as_str().unwrap_or("?"),
        v["help"].as_str().unwrap_or("?"),
        v["helpUrl"].as_str().unwrap_or(""),
    )
}

/// The check is not vacuous: on a page with a known fault it fails and names the rule,
/// and on a clean page it passes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn assert_accessible_reports_violations() {
    use futures_util::FutureExt;
    if axe_source().is_none() {
        missing("axe-core", "axe-core not installed (npm ci --prefix .ci)");
        return;
    }
    let Some(browser) = crate::browser::chromium(390, 844).await else {
        return;
    };
    let c = &browser.client;
    c.goto("data:text/html,<!doctype html><html lang=en><title>Clean</title><main><h1>Clean</h1><p>Nothing wrong here.</p></main></html>")
        .await
        .unwrap();
    assert_accessible(c, "a clean page").await;
    c.goto("data:text/html,<!doctype html><html lang=en><title>Faulty</title><main><h1>Faulty</h1><input type=text><div style='overflow:auto;height:2rem' id=s><p style='height:10rem'>long</p></div></main></html>")
        .await
        .unwrap();
    let failed = std::panic::AssertUnwindSafe(assert_accessible(c, "a faulty page"))
        .catch_unwind()
        .await
        .expect_err("a form field without a label is a violation");
    let message = failed.downcast_ref::<String>().cloned().unwrap_or_default();
    for expected in [
        "a faulty page",
        "label (critical)",
        "scrollable-region-focusable",
        "#s",
    ] {
        assert!(message.contains(expected), "{expected} in: {message}");
    }
    browser.finish().await;
}
