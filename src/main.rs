//! The `lifecircle` command line: parse arguments, call the library, print, map errors to
//! exit code 2 with a one-line message.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Context;
use clap::{Parser, Subcommand};
use lifecircle::graph::{GraphOptions, build_graph};
use lifecircle::inspect::Inspection;
use lifecircle::osm::OsmExtract;

/// Life circles, commute circles and demand-responsive buses for industrial parks, from
/// OpenStreetMap data.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Summarise a region: OSM elements, areas, stops, and each mode's routing graph.
    Inspect {
        /// The .osm.pbf file (default: the embedded Liechtenstein demo region).
        pbf: Option<PathBuf>,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

fn load(pbf: Option<&PathBuf>) -> anyhow::Result<OsmExtract> {
    Ok(match pbf {
        Some(path) => OsmExtract::from_pbf(path)?,
        None => OsmExtract::demo(),
    })
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Inspect { pbf, json } => {
            let start = Instant::now();
            let extract = load(pbf.as_ref())?;
            let graph = build_graph(&extract, &GraphOptions::default())?;
            let inspection = Inspection::new(&extract, &graph, start.elapsed());
            if json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&inspection).context("serialising the summary")?
                );
            } else {
                print!("{inspection}");
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
