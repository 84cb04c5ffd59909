//! Bus-stop edits of a [`Session`] (add / move / delete), the stale marks a park edit leaves
//! on the lines, and the re-plan of the bus lines with the edited stops and parks.

use std::time::Instant;

use super::bus::{self, BusFigures, BusSummary};
use super::stops::{self, StopAccess, StopState};
use super::{Delta, EditError, Session, Summary, edit};
use crate::drt::lines::{LinePlan, LineProgress};
use crate::places::ZoneId;

/// Bus lines planned by [`Session::plan_lines`], to put in place with [`Session::take_lines`].
pub struct PlannedLines {
    bus: crate::plan::BusLines,
    /// The session's change count when they were planned.
    changes: u64,
    planning_ms: f64,
}

/// The bus part of a session: the stops as edited, each booking's walk to the bus roads, and
/// the figures now beside the baseline.
pub(super) struct BusEditor {
    pub(super) access: StopAccess,
    pub(super) state: StopState,
    pub(super) baseline: BusFigures,
    pub(super) now: BusFigures,
    /// The highest stop number handed out.
    pub(super) next_stop: u32,
}

impl BusEditor {
    /// The editor of a run's bus stage, when it planned lines.
    pub(super) fn new(run: &crate::plan::PlanRun) -> Option<BusEditor> {
        let bus = run.bus.as_ref().ok()?;
        let access = StopAccess::new(&run.graph, &bus.bookings, &bus.plan.options);
        let state = StopState::of_plan(&run.graph, &bus.plan, bus.given_stops.as_deref());
        let baseline = bus::figures(run, bus, &access, &state);
        Some(BusEditor {
            next_stop: state.max_number(),
            access,
            now: baseline.clone(),
            baseline,
            state,
        })
    }
}

impl Session {
    /// The bus editor and the plan, or why stop edits are refused.
    fn bus_parts(&self) -> Result<(&BusEditor, &LinePlan), EditError> {
        let missing = |why: String| EditError::StageMissing {
            stage: "bus lines",
            why,
        };
        let plan = match &self.run.bus {
            Ok(bus) => &bus.plan,
            Err(why) => return Err(missing(why.text(self.lang))),
        };
        let editor = self.bus.as_ref().ok_or_else(|| missing(String::new()))?;
        Ok((editor, plan))
    }

    /// The bus vertex of a stop at `lon`, `lat`: on a bus road, no other stop (but `except`)
    /// boarding there.
    fn stop_place(
        &self,
        lon: f64,
        lat: f64,
        except: Option<usize>,
    ) -> Result<(geo::Coord, crate::graph::VertexId), EditError> {
        let (editor, plan) = self.bus_parts()?;
        let at = edit::check_point(lon, lat, self.run.extract.bbox)?;
        let Some(v) = stops::snap_stop(&self.run.graph, at, &plan.options) else {
            return Err(EditError::BadStop {
                lon,
                lat,
                why: format!(
                    "no road buses may use lies within {:.0} m; place the stop on a bus road",
                    plan.options.osm_stop_m
                ),
            });
        };
        let taken = editor
            .state
            .stops
            .iter()
            .enumerate()
            .find(|(i, s)| s.vertex == v && Some(*i) != except);
        if let Some((_, s)) = taken {
            return Err(EditError::BadStop {
                lon,
                lat,
                why: format!(
                    "stop {} already boards at that point of the road; move it or place this one farther along",
                    s.code
                ),
            });
        }
        Ok((at, v))
    }

    /// A stop's index by id.
    fn stop_index(&self, id: &str) -> Result<usize, EditError> {
        let (editor, _) = self.bus_parts()?;
        editor.state.index(id).ok_or_else(|| EditError::UnknownId {
            what: "bus stop",
            id: id.to_string(),
        })
    }

    /// The planned line `key` names (code or name), by code.
    fn line_code(&self, key: Option<&str>) -> Result<Option<String>, EditError> {
        let (_, plan) = self.bus_parts()?;
        let Some(key) = key.map(str::trim).filter(|k| !k.is_empty()) else {
            return Ok(None);
        };
        plan.lines
            .iter()
            .find(|l| l.code.eq_ignore_ascii_case(key) || l.name == key)
            .map(|l| Some(l.code.clone()))
            .ok_or_else(|| EditError::UnknownLine {
                given: key.to_string(),
                known: plan
                    .lines
                    .iter()
                    .map(|l| l.code.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// Replaces the stop state with `state` (the lines `vertices`, `code`, `line` touch are
    /// marked stale); the delta holds the old state.
    fn replace_stops(
        &mut self,
        mut state: StopState,
        (vertices, code, line): (&[crate::graph::VertexId], &str, Option<&str>),
    ) -> Delta {
        let mut changed = Vec::new();
        if let (Some(editor), Ok(bus)) = (&mut self.bus, &self.run.bus) {
            let plan = &bus.plan;
            state.stale.extend(stops::lines_touched(
                plan,
                &editor.access,
                vertices,
                code,
                line,
            ));
            state.given = true;
            let mut parks: Vec<ZoneId> = vertices
                .iter()
                .flat_map(|&v| editor.access.parks_near(v))
                .collect();
            parks.sort_unstable();
            parks.dedup();
            changed = parks;
            let old = std::mem::replace(&mut editor.state, state);
            return Delta {
                stops: Some(old),
                changed,
                ..Delta::default()
            };
        }
        Delta {
            changed,
            ..Delta::default()
        }
    }

    pub(super) fn add_stop(
        &mut self,
        line: Option<&str>,
        lon: f64,
        lat: f64,
    ) -> Result<Delta, EditError> {
        let line = self.line_code(line)?;
        let (at, v) = self.stop_place(lon, lat, None)?;
        let Some(editor) = &mut self.bus else {
            return Ok(Delta::default());
        };
        editor.next_stop = editor.next_stop.max(editor.state.max_number()) + 1;
        let code = format!("S{}", editor.next_stop);
        let mut state = editor.state.clone();
        state.stops.push(stops::EditStop {
            code: code.clone(),
            name: code.clone(),
            location: at,
            vertex: v,
            line: line.clone(),
        });
        Ok(self.replace_stops(state, (&[v], &code, line.as_deref())))
    }

    pub(super) fn move_stop(&mut self, id: &str, lon: f64, lat: f64) -> Result<Delta, EditError> {
        let i = self.stop_index(id)?;
        let (at, v) = self.stop_place(lon, lat, Some(i))?;
        let Some(editor) = &self.bus else {
            return Ok(Delta::default());
        };
        let mut state = editor.state.clone();
        let stop = &mut state.stops[i];
        let (old, code, line) = (stop.vertex, stop.code.clone(), stop.line.clone());
        stop.location = at;
        stop.vertex = v;
        Ok(self.replace_stops(state, (&[old, v], &code, line.as_deref())))
    }

    pub(super) fn delete_stop(&mut self, id: &str) -> Result<Delta, EditError> {
        let i = self.stop_index(id)?;
        let Some(editor) = &self.bus else {
            return Ok(Delta::default());
        };
        let mut state = editor.state.clone();
        let stop = state.stops.remove(i);
        Ok(self.replace_stops(state, (&[stop.vertex], &stop.code, stop.line.as_deref())))
    }

    /// After a park edit: the lines serving the changed parks are stale (their gates and
    /// riders may differ); the delta keeps the stop state it replaces.
    pub(super) fn mark_parks_stale(&mut self, delta: &mut Delta) {
        if delta.parks.is_none() {
            return;
        }
        let (Some(editor), Ok(bus)) = (&mut self.bus, &self.run.bus) else {
            return;
        };
        let lines = stops::lines_of_parks(&bus.plan, &delta.changed);
        if lines.is_subset(&editor.state.stale) {
            return;
        }
        let old = editor.state.clone();
        editor.state.stale.extend(lines);
        delta.stops.get_or_insert(old);
    }

    /// The bus figures again (after any change).
    pub(super) fn refresh_bus(&mut self) {
        if let (Some(editor), Ok(bus)) = (&mut self.bus, &self.run.bus) {
            editor.now = bus::figures(&self.run, bus, &editor.access, &editor.state);
        }
    }

    /// `summary.bus`.
    pub(super) fn bus_summary(&self) -> Option<BusSummary> {
        let editor = self.bus.as_ref()?;
        Some(bus::summary(&editor.now, &editor.baseline, &editor.state))
    }

    /// The session's pick-up stops (the bus layer and the saved stops file show them).
    pub fn bus_stops(&self) -> &[stops::EditStop] {
        self.bus.as_ref().map_or(&[], |e| e.state.stops.as_slice())
    }

    /// Whether the stops were edited since the lines were last planned from the planner's
    /// own choice (a saved scenario then carries a stops file).
    pub fn stops_given(&self) -> bool {
        self.bus.as_ref().is_some_and(|e| e.state.given)
    }

    /// The stops as the saved stops file lists them: code, name, location, line.
    pub(super) fn stop_rows(&self) -> Vec<crate::report::scenario_files::StopRow> {
        self.bus_stops()
            .iter()
            .map(|s| (s.code.clone(), s.name.clone(), s.location, s.line.clone()))
            .collect()
    }

    /// Whether line `code` is stale (an edit since it was planned may change it).
    pub fn line_stale(&self, code: &str) -> bool {
        self.bus
            .as_ref()
            .is_some_and(|e| e.state.stale.contains(code))
    }

    /// Re-plans the bus lines (the bus stage of `plan`, [`crate::plan::replan_bus`]) for the
    /// scenario as edited: its parks and gates, and its stops when they were edited (else the
    /// planner chooses them); the stale marks are cleared. Undo puts the old lines back.
    ///
    /// [`Session::plan_lines`] then [`Session::take_lines`]; a server runs the first, the long
    /// one, while it still answers reads (`&self`).
    pub fn replan_lines(&mut self, progress: &dyn LineProgress) -> Result<Summary, EditError> {
        let planned = self.plan_lines(progress)?;
        self.take_lines(planned)
    }

    /// The long part of [`Session::replan_lines`]: plans the lines of the scenario as it is
    /// now, changing nothing (the session may answer summaries and layers meanwhile).
    pub fn plan_lines(&self, progress: &dyn LineProgress) -> Result<PlannedLines, EditError> {
        let start = Instant::now();
        let (editor, _) = self.bus_parts()?;
        let given = editor.state.given.then(|| editor.state.given_stops());
        let lang = self.lang;
        let bus =
            crate::plan::replan_bus(&self.run, given.as_deref(), progress).map_err(|why| {
                EditError::StageMissing {
                    stage: "bus-line planner",
                    why: why.text(lang),
                }
            })?;
        Ok(PlannedLines {
            bus,
            changes: self.changes,
            planning_ms: Self::ms_since(start),
        })
    }

    /// Puts lines from [`Session::plan_lines`] in place (undoable) and clears the stale marks.
    /// Refused, with nothing changed, when the scenario was edited (or an edit undone) since
    /// they were planned: they would be the lines of another scenario.
    pub fn take_lines(&mut self, planned: PlannedLines) -> Result<Summary, EditError> {
        let start = Instant::now();
        if planned.changes != self.changes {
            return Err(EditError::StageMissing {
                stage: "bus-line planner",
                why: "the scenario changed while the lines were re-planned; re-plan them again"
                    .into(),
            });
        }
        let bus = planned.bus;
        let state = StopState::of_plan(&self.run.graph, &bus.plan, bus.given_stops.as_deref());
        let old_bus = std::mem::replace(&mut self.run.bus, Ok(bus));
        let mut delta = Delta {
            bus: Some(old_bus),
            ..Delta::default()
        };
        if let Some(editor) = &mut self.bus {
            let mut state = state;
            // Keep the stops as edited (their added-to-line marks too) when they were given.
            if state.given {
                state.stops.clone_from(&editor.state.stops);
            }
            delta.stops = Some(std::mem::replace(&mut editor.state, state));
        }
        self.changed = delta.changed.clone();
        self.undo.push(delta);
        self.redo.clear();
        self.finish(start);
        self.elapsed_ms += planned.planning_ms;
        Ok(self.summary())
    }

    /// Time spent since `start`, ms.
    pub(super) fn ms_since(start: Instant) -> f64 {
        start.elapsed().as_secs_f64() * 1000.0
    }
}
