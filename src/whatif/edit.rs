//! The edits a what-if session accepts, and why one is refused.

use serde::Deserialize;

/// One change to the scenario, as the page sends it (`{"op": "add_facility", …}`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Edit {
    /// A new facility of a category (its key, e.g. `food`).
    AddFacility {
        /// Longitude, WGS-84.
        lon: f64,
        /// Latitude, WGS-84.
        lat: f64,
        /// Category key of the profile.
        category: String,
    },
    /// A facility (OSM, from a file, or added) moved.
    MoveFacility {
        /// Its id (`F12`).
        id: String,
        /// New longitude.
        lon: f64,
        /// New latitude.
        lat: f64,
    },
    /// A facility removed.
    DeleteFacility {
        /// Its id.
        id: String,
    },
    /// A new gate of a park: from then on the park's access points are its gates.
    AddGate {
        /// Park code (`P1`) or name.
        park: String,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
    },
    /// A gate moved.
    MoveGate {
        /// Its id (`G3`).
        id: String,
        /// New longitude.
        lon: f64,
        /// New latitude.
        lat: f64,
    },
    /// A gate removed (a park without gates is entered from every road near it again).
    DeleteGate {
        /// Its id.
        id: String,
    },
    /// A park's outline redrawn.
    SetOutline {
        /// Park code or name.
        park: String,
        /// The outer ring, `[lon, lat]` pairs (closed or not).
        ring: Vec<[f64; 2]>,
    },
    /// A new park.
    AddPark {
        /// Its name.
        name: String,
        /// The outer ring, `[lon, lat]` pairs.
        ring: Vec<[f64; 2]>,
    },
    /// A bus stop added to a line.
    AddStop {
        /// The line (none: a proposed line of its own).
        line: Option<String>,
        /// Longitude.
        lon: f64,
        /// Latitude.
        lat: f64,
    },
    /// A bus stop moved.
    MoveStop {
        /// Its id.
        id: String,
        /// New longitude.
        lon: f64,
        /// New latitude.
        lat: f64,
    },
    /// A bus stop removed.
    DeleteStop {
        /// Its id.
        id: String,
    },
}

/// Why an edit was refused; the session is unchanged.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum EditError {
    /// A coordinate that is not a number or lies outside the region.
    #[error("{field} {value} is {why}; give a point inside the region ({w:.4},{s:.4} – {e:.4},{n:.4}), WGS-84 degrees", w = bbox[0], s = bbox[1], e = bbox[2], n = bbox[3])]
    OutOfRegion {
        /// `lon` or `lat` (or `ring`).
        field: &'static str,
        /// The value given.
        value: f64,
        /// "not a number" or "outside the region".
        why: &'static str,
        /// The region's box: west, south, east, north.
        bbox: [f64; 4],
    },
    /// A gate too far from any way open to walking: no walk could start there, so the park
    /// would silently keep its other access points.
    #[error(
        "the gate at lon {lon:.6}, lat {lat:.6} is more than {max_m:.0} m from any footway or road open to walking; put it where a path or street meets the park"
    )]
    GateOffNetwork {
        /// Longitude given.
        lon: f64,
        /// Latitude given.
        lat: f64,
        /// The snapping radius, metres.
        max_m: f64,
    },
    /// A category key the profile does not have.
    #[error("no category '{given}'; categories are: {known}")]
    UnknownCategory {
        /// The key given.
        given: String,
        /// The profile's keys.
        known: String,
    },
    /// An id that names nothing of its kind.
    #[error("no {what} with id '{id}'")]
    UnknownId {
        /// `facility`, `gate` or `bus stop`.
        what: &'static str,
        /// The id given.
        id: String,
    },
    /// A park code or name that names no park.
    #[error("no park '{given}'; parks are: {known}")]
    UnknownPark {
        /// What was given.
        given: String,
        /// The parks there are.
        known: String,
    },
    /// An outline that is not a usable polygon.
    #[error("the outline {why}")]
    BadRing {
        /// What is wrong.
        why: String,
    },
    /// A name that is empty or taken.
    #[error("park name '{name}' {why}")]
    BadName {
        /// The name given.
        name: String,
        /// What is wrong.
        why: &'static str,
    },
    /// The stage the edit changes did not run.
    #[error("this edit needs the {stage}, which has no result: {why}")]
    StageMissing {
        /// The stage.
        stage: &'static str,
        /// Why it has no result.
        why: String,
    },
    /// The scenario's files could not be built.
    #[error("the scenario cannot be saved: {why}")]
    Save {
        /// Why.
        why: String,
    },
    /// A scenario name that cannot be a folder name.
    #[error("scenario name '{name}' {why}")]
    BadScenarioName {
        /// The name given.
        name: String,
        /// What is wrong.
        why: &'static str,
    },
    /// A bus line code or name that names no planned line.
    #[error("no bus line '{given}'; lines are: {known} (or none, for a stop of its own)")]
    UnknownLine {
        /// What was given.
        given: String,
        /// The planned lines' codes.
        known: String,
    },
    /// A bus stop placed where no bus road is, or where another stop already boards.
    #[error("no bus stop can stand at {lon:.6},{lat:.6}: {why}")]
    BadStop {
        /// Longitude given.
        lon: f64,
        /// Latitude given.
        lat: f64,
        /// What is wrong and what to do.
        why: String,
    },
}

impl EditError {
    /// The request field at fault (`lon`, `lat`, `category`, `id`, `park`, `ring`, `name`,
    /// `line`), when one is.
    pub fn field(&self) -> Option<&'static str> {
        match self {
            EditError::OutOfRegion { field, .. } => Some(field),
            EditError::GateOffNetwork { .. } => Some("lon"),
            EditError::UnknownCategory { .. } => Some("category"),
            EditError::UnknownId { .. } => Some("id"),
            EditError::UnknownPark { .. } => Some("park"),
            EditError::BadRing { .. } => Some("ring"),
            EditError::BadName { .. } | EditError::BadScenarioName { .. } => Some("name"),
            EditError::UnknownLine { .. } => Some("line"),
            EditError::BadStop { .. } => Some("lon"),
            EditError::StageMissing { .. } | EditError::Save { .. } => None,
        }
    }
}

/// Checks a point: both numbers finite and inside the region's box.
pub(crate) fn check_point(lon: f64, lat: f64, bbox: [f64; 4]) -> Result<geo::Coord, EditError> {
    for (field, value, lo, hi) in [
        ("lon", lon, bbox[0], bbox[2]),
        ("lat", lat, bbox[1], bbox[3]),
    ] {
        let why = if !value.is_finite() {
            "not a number"
        } else if value < lo || value > hi {
            "outside the region"
        } else {
            continue;
        };
        return Err(EditError::OutOfRegion {
            field,
            value,
            why,
            bbox,
        });
    }
    Ok(geo::Coord { x: lon, y: lat })
}

/// Checks a gate: `at` snaps to the walk network within the radius the life and commute
/// circles snap gates with ([`crate::coverage::gate_vertices`]).
pub(crate) fn check_gate(graph: &crate::graph::RoadGraph, at: geo::Coord) -> Result<(), EditError> {
    let max_m = crate::graph::snap::DEFAULT_MAX_SNAP_M;
    match graph.snap(crate::graph::Mode::Walk, at, max_m) {
        Ok(_) => Ok(()),
        Err(_) => Err(EditError::GateOffNetwork {
            lon: at.x,
            lat: at.y,
            max_m,
        }),
    }
}

/// Checks an outline ring: at least 3 corners, every point in the region; closes it.
pub(crate) fn check_ring(
    ring: &[[f64; 2]],
    bbox: [f64; 4],
) -> Result<geo::MultiPolygon, EditError> {
    let mut coords = Vec::with_capacity(ring.len() + 1);
    for &[lon, lat] in ring {
        coords.push(check_point(lon, lat, bbox).map_err(|e| match e {
            EditError::OutOfRegion {
                value, why, bbox, ..
            } => EditError::OutOfRegion {
                field: "ring",
                value,
                why,
                bbox,
            },
            other => other,
        })?);
    }
    if coords.len() > 1 && coords.first() == coords.last() {
        coords.pop();
    }
    if coords.len() < 3 {
        return Err(EditError::BadRing {
            why: "has fewer than 3 corners; draw at least a triangle".into(),
        });
    }
    coords.push(coords[0]);
    let polygon = geo::MultiPolygon(vec![geo::Polygon::new(geo::LineString(coords), Vec::new())]);
    if crate::geom::area_m2(&polygon) < 1.0 {
        return Err(EditError::BadRing {
            why: "has no area (its corners lie on a line); draw the park's outline".into(),
        });
    }
    if !geo::Validation::is_valid(&polygon) {
        return Err(EditError::BadRing {
            why: "crosses itself; draw it without crossing lines".into(),
        });
    }
    Ok(polygon)
}

/// Checks a scenario name: a folder name of 1–80 characters, not `.`-led, without `/`, `\`,
/// `:` or control characters.
pub(crate) fn check_scenario_name(name: &str) -> Result<(), EditError> {
    let why = if name.trim().is_empty() {
        "is empty; give the scenario a name such as east-canteen"
    } else if name.chars().count() > 80 {
        "is longer than 80 characters"
    } else if name.starts_with('.') {
        "starts with a dot; give a plain folder name such as east-canteen"
    } else if name.chars().any(|c| {
        c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|')
    }) {
        "contains a character a folder name cannot have (/ \\ : * ? \" < > |)"
    } else {
        return Ok(());
    };
    Err(EditError::BadScenarioName {
        name: name.to_string(),
        why,
    })
}
