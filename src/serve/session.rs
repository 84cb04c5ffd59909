//! The what-if [`Session`] as the server's [`Engine`], and H7's [`Basemap`] as its
//! [`BasemapSource`]: edits arrive as JSON and become [`Edit`]s, [`EditError`]s become 4xx
//! answers naming the field.

use std::path::PathBuf;
use std::sync::Arc;

use serde_json::Value;

use super::basemap::Basemap;
use super::engine::{ApiError, BasemapSource, Engine, PlannedLines};
use crate::drt::lines::LineProgress;
use crate::lang::Lang;
use crate::plan::PlanRun;
use crate::report::OutputFile;
use crate::whatif::{self, Edit, EditError, Session, Summary};

/// The basemap of the run's extract.
pub fn basemap(run: &PlanRun) -> Arc<dyn BasemapSource> {
    Arc::new(Basemap::new(&run.extract))
}

impl BasemapSource for Basemap {
    fn features(&self, bbox: [f64; 4], zoom: u8) -> Value {
        Basemap::features(self, bbox, zoom)
    }
}

/// An edit the engine refused: an unknown id is a 404, anything else a 400.
fn refused(error: EditError) -> ApiError {
    let field = error.field();
    let status = if matches!(error, EditError::UnknownId { .. }) {
        404
    } else if matches!(error, EditError::StageMissing { .. }) {
        409
    } else {
        400
    };
    ApiError::with_status(status, field, error.to_string())
}

fn json(summary: Summary) -> Value {
    serde_json::to_value(summary).unwrap_or(Value::Null)
}

/// `summary` with the run's minutes the page labels its figures by: `life_circle_minutes`
/// and `band_minutes` (the life circle's walking limit and its bands, as the coverage stage
/// drew them), `commute_minutes` (the commute circle's target, `[commute] minutes`) and
/// `bus_target_minutes` (the bus's door-to-door target, `[bus] target_min`).
fn with_minutes(session: &Session, summary: Summary) -> Value {
    let mut value = json(summary);
    if let Some(object) = value.as_object_mut() {
        let scenario = &session.run().scenario;
        let bands = crate::plan::coverage_options(scenario).band_minutes;
        let life = bands.last().copied().unwrap_or(15.0);
        object.insert("life_circle_minutes".into(), life.into());
        object.insert("band_minutes".into(), bands.into());
        object.insert("commute_minutes".into(), scenario.commute.minutes.into());
        object.insert("bus_target_minutes".into(), scenario.bus.target_min.into());
    }
    value
}

impl Engine for Session {
    fn summary(&self) -> Value {
        with_minutes(self, Session::summary(self))
    }

    fn layers(&self, park: Option<&str>) -> Value {
        Session::layers(self, park)
    }

    fn apply(&mut self, edit: Value) -> Result<Value, ApiError> {
        let edit: Edit = serde_json::from_value(edit).map_err(|e| {
            let text = e.to_string();
            let field = text
                .split('`')
                .nth(1)
                .filter(|_| text.contains("field"))
                .map(str::to_string);
            ApiError::bad(
                field.as_deref(),
                format!("the edit is not accepted: {text}"),
            )
        })?;
        let summary = Session::apply(self, edit).map_err(refused)?;
        Ok(with_minutes(self, summary))
    }

    fn undo(&mut self) -> Value {
        let summary = Session::undo(self);
        with_minutes(self, summary)
    }

    fn redo(&mut self) -> Value {
        let summary = Session::redo(self);
        with_minutes(self, summary)
    }

    fn set_lang(&mut self, lang: Lang) -> Value {
        Session::set_lang(self, lang);
        with_minutes(self, Session::summary(self))
    }

    fn plan_lines(&self, progress: &dyn LineProgress) -> Result<PlannedLines, ApiError> {
        let planned = Session::plan_lines(self, progress).map_err(refused)?;
        Ok(PlannedLines(Box::new(planned)))
    }

    fn take_lines(&mut self, planned: PlannedLines) -> Result<Value, ApiError> {
        let planned = planned.0.downcast::<whatif::PlannedLines>().map_err(|_| {
            ApiError::with_status(500, None, "re-planned lines of another engine were given")
        })?;
        let summary = Session::take_lines(self, *planned).map_err(refused)?;
        Ok(with_minutes(self, summary))
    }

    fn scenario_files(&self, name: &str) -> Result<Vec<OutputFile>, ApiError> {
        Session::scenario_files(self, name).map_err(refused)
    }

    fn report_files(&mut self) -> Result<Vec<OutputFile>, ApiError> {
        self.settle_nearest();
        crate::report::html::plan_files(self.run(), self.lang())
            .map_err(|e| ApiError::with_status(500, None, e.to_string()))
    }

    fn input_paths(&self) -> Vec<(&'static str, PathBuf)> {
        self.run().scenario.input_paths()
    }
}
