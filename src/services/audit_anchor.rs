//! The audit head kept outside the database.
//!
//! Someone who can write to the database can remove the newest audit rows and move
//! `audit_head` back, or re-hash the chain from a changed row onwards and update the
//! head; the chain alone then still verifies. An anchor is the head (sequence number
//! and hash of the newest row) written to a file the database owner cannot rewrite;
//! [`super::audit::verify_chain`] with the anchor then requires that row, with that
//! hash, to still be in the chain.
//!
//! The file is one small JSON object, replaced atomically (written beside it, then
//! renamed), so a reader never sees half an anchor.

use std::io::Write;
use std::path::Path;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::audit::ChainEnd;
use crate::db::models::audit::GENESIS_HASH;

const TIME_FORMAT: &str = "%Y-%m-%dT%H:%M:%S%.6fZ";

/// What an anchor file holds. Only `seq` and `hash` are checked; the times say when
/// the anchored row was written and when it was anchored, for the person reading a
/// failed check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Anchor {
    /// The newest row's sequence number (0: the trail was empty).
    pub seq: i64,
    /// Its hash.
    pub hash: String,
    /// When that row was written (UTC).
    pub event_at: Option<String>,
    /// When the anchor was taken (UTC).
    pub anchored_at: String,
}

impl Anchor {
    /// The anchor for a verified chain whose newest row is `newest` (`None`: no rows).
    pub fn of(newest: Option<&ChainEnd>, now: NaiveDateTime) -> Self {
        let anchored_at = now.format(TIME_FORMAT).to_string();
        match newest {
            Some(end) => Anchor {
                seq: end.seq,
                hash: end.hash.clone(),
                event_at: Some(end.at.format(TIME_FORMAT).to_string()),
                anchored_at,
            },
            None => Anchor {
                seq: 0,
                hash: GENESIS_HASH.to_owned(),
                event_at: None,
                anchored_at,
            },
        }
    }

    /// Reads an anchor file; refuses anything that is not one, so that a garbled file
    /// is never taken for "nothing to check".
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("could not read the anchor {}: {e}", path.display()))?;
        let anchor: Anchor = serde_json::from_str(&text).map_err(|e| {
            anyhow::anyhow!(
                "{} is not an anchor written by `clinic audit anchor`: {e}",
                path.display()
            )
        })?;
        let hex_hash =
            anchor.hash.len() == 64 && anchor.hash.bytes().all(|b| b.is_ascii_hexdigit());
        if anchor.seq < 0 || !hex_hash {
            anyhow::bail!(
                "{} is not an anchor written by `clinic audit anchor`: bad seq or hash",
                path.display()
            );
        }
        Ok(anchor)
    }

    /// Replaces the file at `path` with this anchor: written to a temporary file in the
    /// same directory, flushed to disk, then renamed over the old one.
    pub fn write(&self, path: &Path) -> anyhow::Result<()> {
        let name = path
            .file_name()
            .ok_or_else(|| anyhow::anyhow!("{} is not a file name", path.display()))?;
        let mut tmp_name = name.to_owned();
        tmp_name.push(format!(".{}.tmp", std::process::id()));
        let tmp = path.with_file_name(tmp_name);
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        let written = std::fs::File::create(&tmp).and_then(|mut f| {
            f.write_all(text.as_bytes())?;
            f.sync_all()
        });
        if let Err(e) = written.and_then(|()| std::fs::rename(&tmp, path)) {
            let _ = std::fs::remove_file(&tmp);
            anyhow::bail!("could not write the anchor {}: {e}", path.display());
        }
        Ok(())
    }
}
