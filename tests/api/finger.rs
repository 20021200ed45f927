//! A practitioner's finger on the tablet, shared by the workspace's browser tests: a
//! tap is aimed first (scrolled into a free part of the screen, then hit-tested with
//! `document.elementFromPoint` at the control's centre, as a finger lands) and only
//! then clicked. A control in a folded section is reached as a person reaches it: by
//! tapping the section's Open first. (`realistic_exam` counts its own taps and never
//! opens a section this way: its charting goes in the exam's order, where the next
//! section is always open.)

use fantoccini::Client;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::key::Key;

use crate::browser::click;
use serde_json::{Value, json};

/// Scrolls `css` clear of the pinned bar and says what a finger at its centre lands
/// on: "ok", "missing", "folded" (in a folded section) or the element hit instead.
const AIM: &str = r#"
const e = document.querySelector(arguments[0]);
if (!e) return 'missing';
const folded = e.closest('.ws-folded');
if (folded && !e.closest('.ws-section-head')) return 'folded:' + folded.id;
const pinned = document.querySelector('.ws-sticky');
const under = pinned && !e.closest('.ws-sticky') ? pinned.getBoundingClientRect().bottom : 0;
let r = e.getBoundingClientRect();
if (r.top < under + 4 || r.bottom > window.innerHeight - 4) {
  e.scrollIntoView({block: 'center'});
  r = e.getBoundingClientRect();
}
const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
const labels = e.labels ? Array.from(e.labels) : [];
const ok = !!at && (at === e || e.contains(at) || labels.some(l => l === at || l.contains(at)));
return ok ? 'ok' : (at ? at.outerHTML.slice(0, 160) : 'nothing');
"#;

async fn aim_once(c: &Client, css: &str) -> String {
    let v: Value = c
        .execute(AIM, vec![json!(css)])
        .await
        .unwrap_or_else(|e| panic!("{css}: {e}"));
    v.as_str().unwrap_or_default().to_owned()
}

/// Makes `css` reachable and checks that a finger at its centre lands on it: a
/// control of a folded section gets its section opened first (one tap on Open).
pub(crate) async fn aim(c: &Client, css: &str) {
    let mut hit = aim_once(c, css).await;
    if let Some(section) = hit.strip_prefix("folded:") {
        let open = format!("#{section} .ws-show");
        let opened = aim_once(c, &open).await;
        assert_eq!(opened, "ok", "a tap on {open} lands on it");
        click(c, &open).await;
        hit = aim_once(c, css).await;
    }
    assert_eq!(hit, "ok", "a tap on {css} lands on it");
}

/// One tap on `css`, where `aim` found it.
pub(crate) async fn tap(c: &Client, css: &str) {
    aim(c, css).await;
    click(c, css).await;
}

/// One key chord on the keyboard: Alt + `key` (a digit or a lower-case letter).
pub(crate) async fn alt(c: &Client, key: char) {
    let alt: char = Key::Alt.into();
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: alt })
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key })
        .then(KeyAction::Up { value: alt });
    c.perform_actions(keys).await.unwrap();
    c.release_actions().await.unwrap();
}
