//! # lifecircle
//!
//! 15-minute life circles, 30-minute commute circles and demand-responsive bus lines for
//! industrial parks, from OpenStreetMap data alone.
//!
//! The pipeline, one module per stage, each taking the previous stage's type:
//!
//! ```text
//! .osm.pbf ─ osm ─▶ OsmExtract ─ graph ─▶ RoadGraph ─ routing ─▶ travel times
//!   places ─▶ Zones, Amenities, Residents, Bookings
//!   coverage ─▶ CoverageReport   commute ─▶ CommuteReport   drt ─▶ LinePlan
//!   report ─▶ files, report.html
//! ```
//!
//! [`plan::run_plan`] runs them all for a [`scenario::Scenario`].
//!
//! ```
//! use lifecircle::{graph, osm, routing};
//! let extract = osm::OsmExtract::demo();
//! let graph = graph::build_graph(&extract, &graph::GraphOptions::default())?;
//! // Vaduz centre, 15 minutes on foot.
//! let snap = graph.snap(graph::Mode::Walk, geo::Coord { x: 9.5215, y: 47.1410 }, 500.0)?;
//! let mut scratch = routing::SearchScratch::new(&graph);
//! let reached = routing::bounded_search(
//!     graph.profile(graph::Mode::Walk),
//!     routing::Direction::Forward,
//!     &snap.seeds(&graph, false),
//!     15 * 60 * 1000,
//!     &mut scratch,
//! );
//! assert!(reached.len() > 100);
//! # Ok::<(), lifecircle::Error>(())
//! ```
//!
//! ## Glossary
//! - **vertex**: an OSM node where ways meet or end; **edge**: the road between two vertices,
//!   with the nodes in between as geometry; **arc**: an edge in one direction for one mode.
//! - **profile**: a mode's access, direction and speed rules (`graph::profile`).
//! - **component**: the largest strongly connected part of a mode's graph; routing uses only it.
//! - **snap**: the nearest point on an edge a mode may use; searches start there.
//! - **park**: an industrial area (`landuse=industrial`), where the workers work.

pub mod commute;
pub mod coverage;
pub mod drt;
pub mod error;
pub mod geom;
pub mod graph;
pub mod inspect;
pub mod lang;
pub mod osm;
pub mod places;
pub mod plan;
/// "No data" apart from "not reached".
pub mod reach;
pub mod report;
pub mod routing;
pub mod scenario;
/// `lifecircle serve`: the what-if server, its JSON API and the embedded page.
pub mod serve;
pub mod timing;
/// The what-if engine of `lifecircle serve`: edits answered with the new figures.
pub mod whatif;

pub use error::{Error, Result};
