//! Logging to standard error (standard output carries only what a person must read,
//! such as the first-run setup link). `RUST_LOG` filters (default `info`). Request logs
//! name the route pattern, never the concrete path, so tokens in links never reach a log.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
