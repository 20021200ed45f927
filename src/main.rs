//! The `clinic` binary: parses the command line and hands over to [`clinic::cli`].

fn main() -> std::process::ExitCode {
    clinic::cli::main()
}
