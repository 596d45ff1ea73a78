//! Entry point: parses the command line and dispatches; no logic here.

use clap::Parser;

use claims_audit::cli::{Cli, Command};
use claims_audit::error::{InputError, exit, install_panic_hook, safe_message};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let cli = Cli::parse();
    install_panic_hook();
    // A panic (a bug) ends the run with exit 3 and one line; the hook prints it.
    let result = std::panic::catch_unwind(|| match cli.command {
        Command::Run(args) => claims_audit::cli::run::run(args),
        Command::Validate(args) => claims_audit::cli::validate::run(args),
        Command::Checks(args) => claims_audit::cli::checks::run(args),
        Command::Query(args) => claims_audit::cli::query::run(args),
        Command::Export(args) => claims_audit::cli::export::run(args),
        Command::Generate(args) => claims_audit::cli::generate::run(args),
        Command::Sample(args) => claims_audit::cli::sample::run(args),
        Command::Extrapolate(args) => claims_audit::cli::extrapolate::run(args),
        Command::Diff(args) => claims_audit::cli::diff::run(args),
        Command::Part(args) => claims_audit::cli::part::run(args),
        Command::Merge(args) => claims_audit::cli::merge::run(args),
    });
    match result {
        Err(_) => std::process::exit(exit::INTERNAL),
        Ok(Ok(code)) => std::process::exit(code),
        Ok(Err(err)) => {
            let msg: Vec<String> = err.chain().map(|e| e.to_string()).collect();
            let msg = msg.join(": ");
            // Input errors are worded by us (reader messages already cleaned);
            // any other error may quote data, so its quoted values are cut.
            let (code, msg) = if err.downcast_ref::<InputError>().is_some() {
                (exit::BAD_INPUT, msg.replace(['\n', '\r'], " "))
            } else {
                (exit::INTERNAL, safe_message(&msg))
            };
            eprintln!("claims-audit: error: {msg}");
            std::process::exit(code);
        }
    }
}
