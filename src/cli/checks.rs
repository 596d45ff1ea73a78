//! `claims-audit checks`: prints the check catalog from the code.
//!
//! ```text
//! claims-audit checks [--long] [--checks-dir DIR]
//! ```
//! One line per check (id, severity, scope, rule); `--long` adds each
//! check's documentation: what it checks, why, an example, open spots.
//! Custom checks (queries/checks/*.sql, or --checks-dir) follow the
//! built-in ones, validated as `run` validates them.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;

use crate::checks::{CODE_SET, CheckInfo, custom, registry};
use crate::error::exit;

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Print each check's full documentation.
    #[arg(long)]
    pub long: bool,
    /// Folder of custom checks (*.sql). Default: queries/checks when it exists.
    #[arg(long, value_name = "DIR")]
    pub checks_dir: Option<PathBuf>,
}

pub fn run(args: ChecksArgs) -> Result<i32> {
    let builtin = registry();
    let custom = custom::load(args.checks_dir.as_deref(), &builtin)?;
    println!("code set: {CODE_SET}");
    print_checks(&builtin, args.long);
    if !custom.is_empty() {
        println!("custom checks (SQL):");
        print_checks(&custom, args.long);
    }
    Ok(exit::OK)
}

fn print_checks(checks: &[CheckInfo], long: bool) {
    for check in checks {
        println!(
            "{:<34} {:<7} {:<8} {}",
            check.id,
            check.severity.as_str(),
            format!("{:?}", check.scope).to_lowercase(),
            check.rule
        );
        if long {
            println!("\n{}\n", check.doc());
        }
    }
}
