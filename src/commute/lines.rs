//! Transit lines in one neutral form, whatever their source (OSM `route=bus` relations or a GTFS
//! feed): stops in order, in-vehicle time between consecutive stops, and a headway.

use geo::Coord;

/// A stop of a line.
#[derive(Clone, Debug, PartialEq)]
pub struct LineStop {
    /// Source id (`node/123` for OSM, the GTFS `stop_id`).
    pub id: String,
    /// Name, when known.
    pub name: Option<String>,
    /// Location, WGS-84.
    pub location: Coord,
    /// Passengers may board here (GTFS `pickup_type` other than 1).
    pub pickup: bool,
    /// Passengers may alight here (GTFS `drop_off_type` other than 1).
    pub drop_off: bool,
}

/// One line pattern, in one direction.
#[derive(Clone, Debug, PartialEq)]
pub struct TransitLine {
    /// Source id (`relation/123`, or `gtfs:ROUTE_ID:N` for the N-th stop pattern of a route).
    pub id: String,
    /// Name for people (`ref` and `name`, or GTFS short and long name).
    pub name: String,
    /// Stops in travel order (at least two).
    pub stops: Vec<LineStop>,
    /// In-vehicle seconds from each stop to the next, dwell included (`stops.len() - 1` values).
    pub ride_s: Vec<f64>,
    /// Seconds between departures; passengers wait half of it.
    pub headway_s: f64,
}

/// The lines of a region.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TransitLines {
    /// Where they come from (`OSM route=bus relations`, or the GTFS file).
    pub source: String,
    /// Lines.
    pub lines: Vec<TransitLine>,
    /// Things skipped or repaired while reading, for people.
    pub warnings: Vec<String>,
}
