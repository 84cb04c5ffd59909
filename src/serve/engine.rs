//! What the server needs from the what-if engine and the basemap, as two traits, so that the
//! HTTP layer (`api`) knows nothing of how edits are computed: the engine answers in JSON
//! values shaped as the API returns them, and its errors name the offending field.

use std::path::PathBuf;

use serde_json::Value;

use crate::drt::lines::LineProgress;
use crate::lang::Lang;
use crate::report::OutputFile;

/// A request the server refuses: the HTTP status, a message for people and the field it is
/// about (`"lon"`, `"category"`, `"id"`…), sent as `{"error": …, "field": …}`.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status code (4xx for the client's mistakes).
    pub status: u16,
    /// What is wrong and what to do.
    pub message: String,
    /// The request field at fault, if one is.
    pub field: Option<String>,
}

impl ApiError {
    /// A 400 about `field`.
    pub fn bad(field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError {
            status: 400,
            message: message.into(),
            field: field.map(str::to_string),
        }
    }

    /// An error with its own status.
    pub fn with_status(status: u16, field: Option<&str>, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            ..ApiError::bad(field, message)
        }
    }

    /// The JSON body sent to the client.
    pub fn body(&self) -> Value {
        serde_json::json!({ "error": self.message, "field": self.field })
    }
}

/// Bus lines re-planned by [`Engine::plan_lines`] (the engine's own type inside), to put in
/// place with [`Engine::take_lines`].
pub struct PlannedLines(pub Box<dyn std::any::Any + Send>);

/// The scenario being edited, as the server drives it. Every method that changes it is atomic:
/// on `Err` nothing changed. Summaries and layers are the JSON of the API (README, "What-if in the browser").
/// `Sync`: reads (`&self`) run side by side, and beside the planning of a re-plan.
pub trait Engine: Send + Sync {
    /// The summary: baseline beside edited figures, undo/redo state, `version`.
    fn summary(&self) -> Value;
    /// The map layers, of one park or of all.
    fn layers(&self, park: Option<&str>) -> Value;
    /// Applies one edit, given as the contract's `Edit` in JSON (`{"op": "add_facility", …}`).
    fn apply(&mut self, edit: Value) -> Result<Value, ApiError>;
    /// Undoes the last edit (nothing when there is none); the new summary.
    fn undo(&mut self) -> Value;
    /// Redoes the last undone edit; the new summary.
    fn redo(&mut self) -> Value;
    /// Switches the language of names and labels; the new summary.
    fn set_lang(&mut self, lang: Lang) -> Value;
    /// The long part of re-planning the bus lines of the edited scenario, reporting progress:
    /// changes nothing, so that summaries and layers are answered meanwhile.
    fn plan_lines(&self, progress: &dyn LineProgress) -> Result<PlannedLines, ApiError>;
    /// Puts re-planned lines in place (undoable); the new summary. Refused when the scenario
    /// changed since they were planned.
    fn take_lines(&mut self, planned: PlannedLines) -> Result<Value, ApiError>;
    /// The planner files and scenario TOML of the edited scenario, saved as `name`.
    fn scenario_files(&self, name: &str) -> Result<Vec<OutputFile>, ApiError>;
    /// The files of `plan` (report.html last) for the edited scenario.
    fn report_files(&mut self) -> Result<Vec<OutputFile>, ApiError>;
    /// The scenario's input files (option or key, path): no output may replace one.
    fn input_paths(&self) -> Vec<(&'static str, PathBuf)>;
}

/// The basemap drawn under the layers, from the same extract.
pub trait BasemapSource: Send + Sync {
    /// Features inside `bbox` (west, south, east, north) worth drawing at `zoom`, as a GeoJSON
    /// FeatureCollection.
    fn features(&self, bbox: [f64; 4], zoom: u8) -> Value;
}
