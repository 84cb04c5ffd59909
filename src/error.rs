//! The crate's error type: every failure names the file, line, OSM id or point it is about,
//! and says what to do.

use std::path::PathBuf;

/// Everything that can stop a stage. Bad *data* inside a good file (a broken ring, an
/// unparseable `maxspeed`) is not an error: it is counted in the stage's statistics.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A file could not be read, written, created or renamed (`action` says which).
    #[error("cannot {action} {}: {cause}{}", path.display(), action.advice())]
    Io {
        /// The file.
        path: PathBuf,
        /// What was being done to it.
        action: IoAction,
        /// The operating system's reason.
        cause: std::io::Error,
    },
    /// The file is not a readable OSM PBF file (wrong format, truncated, corrupt).
    #[error(
        "{} is not a readable OSM PBF file ({cause}); check that it is an .osm.pbf extract and that the download is complete",
        path.display()
    )]
    Pbf {
        /// The file.
        path: PathBuf,
        /// What the decoder reported.
        cause: String,
    },
    /// The file decoded, but has nothing to route on.
    #[error(
        "{} contains no routable roads ({detail}); is it the right region, and does it include highway=* ways?",
        path.display()
    )]
    NoRoads {
        /// The file.
        path: PathBuf,
        /// What was missing.
        detail: String,
    },
    /// A point is too far from any road usable by the mode.
    #[error(
        "point {lon:.6},{lat:.6} is {distance_m:.0} m from the nearest road usable by {mode} (limit {max_distance_m:.0} m); move the point onto the network or check its coordinates (lon,lat order, CRS)"
    )]
    PointFarFromRoad {
        /// Longitude (WGS-84).
        lon: f64,
        /// Latitude (WGS-84).
        lat: f64,
        /// Distance to the nearest usable road, or infinity when the mode has no road at all.
        distance_m: f64,
        /// The snapping limit.
        max_distance_m: f64,
        /// The mode's name.
        mode: &'static str,
    },
    /// The region has no zones to evaluate.
    #[error(
        "{} has no {what}; give the parks' outlines with --parks FILE.geojson (Polygon features with a name)",
        path.display()
    )]
    NoZones {
        /// The OSM file.
        path: PathBuf,
        /// What was looked for.
        what: String,
    },
    /// An argument or option has a value the tool does not understand.
    #[error("invalid {what} '{value}': {hint}")]
    InvalidValue {
        /// Which option or field.
        what: &'static str,
        /// The value given.
        value: String,
        /// What would be accepted.
        hint: String,
    },
    /// An output folder or file cannot be used or written (something lifecircle did not
    /// write is in the way, an input lies among the outputs, the folder cannot be written);
    /// the message says what to do.
    #[error("{}: {problem}", path.display())]
    Output {
        /// The folder or file.
        path: PathBuf,
        /// What is wrong and what to do.
        problem: String,
    },
    /// A number is not finite or outside its accepted range.
    #[error("{setting} = {value} is not accepted: {range}")]
    OutOfRange {
        /// The scenario key and/or command-line flag.
        setting: String,
        /// The value given.
        value: String,
        /// The accepted range.
        range: String,
    },
    /// A given bus stop (`--stops`) that cannot be used: its code, and why (a typed row
    /// problem, so that the zh message names the park in Chinese).
    #[error("invalid bus stop '{code}': {problem}")]
    GivenStop {
        /// The stop's code.
        code: String,
        /// Why it cannot be used.
        problem: crate::lang::RowProblem,
    },
    /// A stage could not produce a plan (the message says which and why).
    #[error("{0}")]
    Plan(String),
    /// `serve`: another program already listens on the address.
    #[error(
        "cannot serve on {addr}: the port is in use by another program; choose another with --port N (--port 0 picks a free one)"
    )]
    PortInUse {
        /// The address asked for.
        addr: String,
    },
    /// `serve`: the address cannot be listened on (not this machine's, a privileged port).
    #[error(
        "cannot serve on {addr}: {cause}; use --host 127.0.0.1 and a --port above 1023, or --port 0 for a free one"
    )]
    Bind {
        /// The address asked for.
        addr: String,
        /// The operating system's reason.
        cause: std::io::Error,
    },
}

/// What [`Error::Io`] was doing with its file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IoAction {
    /// Opening or reading an input.
    Read,
    /// Writing a file.
    Write,
    /// Creating a file or folder.
    Create,
    /// Renaming (moving) a file or folder into place.
    Rename,
}

impl IoAction {
    /// The verb, for the English message.
    pub fn verb(self) -> &'static str {
        match self {
            IoAction::Read => "read",
            IoAction::Write => "write",
            IoAction::Create => "create",
            IoAction::Rename => "rename",
        }
    }

    /// What to do, after the reason (nothing for a read: the reason says it).
    fn advice(self) -> &'static str {
        match self {
            IoAction::Read => "",
            _ => "; check that the folder can be written and has space",
        }
    }
}

impl std::fmt::Display for IoAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.verb())
    }
}

/// `Result` with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
