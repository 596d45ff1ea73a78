//! `claims-audit checks`: prints the check catalog from the code.
//!
//! ```text
//! claims-audit checks [--long]
//! ```
//! One line per check (id, severity, scope, rule); `--long` adds each
//! check's documentation: what it checks, why, an example, open spots.

use anyhow::Result;
use clap::Args;

use crate::checks::{CODE_SET, registry};
use crate::error::exit;

#[derive(Debug, Args)]
pub struct ChecksArgs {
    /// Print each check's full documentation.
    #[arg(long)]
    pub long: bool,
}

pub fn run(args: ChecksArgs) -> Result<i32> {
    println!("code set: {CODE_SET}");
    for check in registry() {
        println!(
            "{:<34} {:<7} {:<8} {}",
            check.id,
            check.severity.as_str(),
            format!("{:?}", check.scope).to_lowercase(),
            check.rule
        );
        if args.long {
            println!("\n{}\n", check.doc());
        }
    }
    Ok(exit::OK)
}
