//! The command line behind `main.rs`: `args` (the clap types), `commands` (one `cmd_*`
//! function per command), `term` (what is printed, in the run's language) and `table` (the
//! terminal table aligned by display width).

pub mod args;
pub mod commands;
pub mod help_zh;
pub mod serve;
pub mod table;
pub mod term;
pub mod tools;
pub mod usage_errors;

use args::{Cli, Command};

/// Runs the command the user gave.
pub fn run(cli: Cli) -> anyhow::Result<()> {
    let lang = cli.lang;
    match cli.command {
        Command::Plan(args) => commands::cmd_plan(args, lang),
        Command::Inspect(args) => commands::cmd_inspect(args, lang),
        Command::Coverage(args) => commands::cmd_coverage(args, lang),
        Command::Commute(args) => commands::cmd_commute(args, lang),
        Command::Darp(args) => commands::cmd_darp(args, lang),
        Command::Drt(args) => commands::cmd_drt(args, lang),
        Command::Isochrone(args) => commands::cmd_isochrone(args, lang),
        Command::Serve(args) => serve::cmd_serve(args, lang),
    }
}
