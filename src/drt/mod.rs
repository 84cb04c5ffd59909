//! Stage 7: demand-responsive buses: who rides ([`demand`]), the bus lines ([`lines`]: stops,
//! requests, routes, timetables, the evening mirror and KPIs), on a dial-a-ride (DARP)
//! optimiser and its independent checker.
//!
//! * [`demand`]: synthetic workers from the commute stage; bookings as a population.
//! * [`lines`]: the bus-line planner ([`lines::plan_lines`]).
//! * [`given_stops`]: pick-up stops a planner gives (a stops file, `serve`) instead of chosen ones.
//! * [`instance`]: the generic problem model ([`instance::Problem`]) and
//!   solution types ([`instance::Solution`]).
//! * [`cordeau`]: parser for the Cordeau (2006) benchmark format.
//! * [`check`]: independent feasibility checker and cost recomputation.
//! * [`optimise`]: adaptive large neighbourhood search.
//! * [`service`]: vehicle runs grouped into lines a passenger understands (departures).
//! * [`names`]: stop names from OSM stops and streets.
//! * [`cost`]: the `[cost]` table; annual cost, subsidy and CO₂ per rider trip.
//! * [`conventional`]: today's bus lines serving the same parks, costed alike.
//!
//! ```no_run
//! use std::path::Path;
//! let problem = lifecircle::drt::cordeau::parse_file(Path::new("a2-16.txt"))?;
//! let config = lifecircle::drt::optimise::Config { time_limit_s: Some(2.0), ..Default::default() };
//! let outcome = lifecircle::drt::optimise::optimise(&problem, &config)?;
//! let report = lifecircle::drt::check::check(&problem, &outcome.solution)?;
//! assert!(report.is_complete());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod check;
pub mod conventional;
pub mod cordeau;
pub mod cost;
pub mod demand;
pub mod given_stops;
pub mod instance;
pub mod lines;
pub mod names;
pub mod optimise;
pub mod service;
mod stop_sites;
