//! Entry point: parses the command line and dispatches; no logic here.

use clap::Parser;

use claims_audit::cli::{Cli, Command};
use claims_audit::error::{InputError, exit};

fn main() {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => claims_audit::cli::run::run(args),
        Command::Validate(args) => claims_audit::cli::validate::run(args),
        Command::Checks(args) => claims_audit::cli::checks::run(args),
        Command::Query(args) => claims_audit::cli::query::run(args),
        Command::Export(args) => claims_audit::cli::export::run(args),
    };
    match result {
        Ok(code) => std::process::exit(code),
        Err(err) => {
            let code = if err.downcast_ref::<InputError>().is_some() {
                exit::BAD_INPUT
            } else {
                exit::INTERNAL
            };
            let msg: Vec<String> = err.chain().map(|e| e.to_string()).collect();
            eprintln!("claims-audit: error: {}", msg.join(": ").replace('\n', " "));
            std::process::exit(code);
        }
    }
}
