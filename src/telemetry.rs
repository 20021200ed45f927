//! Logging to standard error (standard output carries only what a person must read,
//! such as the first-run setup link). `RUST_LOG` filters (default `info`; `actix_web` is
//! held at `info`). Request logs name the route pattern, never the concrete path, so
//! tokens in links never reach a log.

use tracing_subscriber::EnvFilter;

pub fn init() {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    // actix-web's extractors log the concrete request path at debug level when they
    // cannot read a query or body, and a form link's path is its token: held at info
    // whatever RUST_LOG says.
    let filter = match "actix_web=info".parse() {
        Ok(pinned) => filter.add_directive(pinned),
        Err(_) => filter,
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .with_writer(std::io::stderr)
        .try_init();
}
