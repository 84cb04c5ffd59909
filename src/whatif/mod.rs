//! The what-if engine behind `lifecircle serve`: a [`Session`] holds a baseline [`PlanRun`]
//! and the edited state, applies [`Edit`]s, and answers with the new figures beside the
//! baseline ([`Summary`]) and the redrawn layers.
//!
//! What an edit recomputes, and why that is exact (the figures equal a fresh `plan` of the
//! saved scenario, [`Session::scenario_files`]):
//! - **facility** add / move / delete of category `c`: only `c`'s multi-source walking search
//!   and, in the parks a facility at the old or new place could reach (straight-line
//!   distance within twice the threshold plus the snapping and access radii: no walk is
//!   shorter than the straight line), `c`'s count, nearest, point times, share and sites, and
//!   the life-circle share ([`crate::coverage::category_coverage`]). No other category's
//!   figure reads category `c`'s facilities, and a park farther away sees the same times;
//! - **gate** add / move / delete, **outline** set, **new park**: that park's life circle
//!   ([`crate::coverage::zone_coverage_again`], the per-zone step of the life circle with the
//!   kept searches) and its commute circle ([`crate::commute::incremental::ParkCommuter`],
//!   the per-park step of the commute circle with the kept resident index). A park's figures
//!   read only its own outline and gates;
//! - **bus stops** add / move / delete: the workers of the bus sample who can walk to a stop,
//!   per park, from each booking's walk to the bus roads kept since the session started
//!   ([`stops`]); the lines the edit may change are marked stale until they are re-planned on
//!   request ([`Session::replan_lines`], the bus stage of `plan` with the edited stops, parks
//!   and gates).
//!
//! Undo and redo swap the parts of the state an edit replaced (facility lists, one search,
//! the per-park results) with the values kept in the history, so they cost no
//! recomputation and restore the exact numbers.
//!
//! [`Session`]: crate::whatif::Session
//! [`PlanRun`]: crate::plan::PlanRun
//! [`Edit`]: crate::whatif::Edit
//! [`Summary`]: crate::whatif::Summary
//! [`Session::scenario_files`]: crate::whatif::Session::scenario_files
//! [`stops`]: crate::whatif::stops
//! [`Session::replan_lines`]: crate::whatif::Session::replan_lines

pub mod bus;
pub mod edit;
mod layers;
mod nearest;
mod stop_edits;
pub mod stops;
pub mod summary;

use std::time::Instant;

use geo::Coord;

use crate::commute::incremental::ParkCommuter;
use crate::commute::lines::TransitLines;
use crate::commute::transit::TransitGraph;
use crate::commute::{CommuteInputs, CommuteReport, ParkCommute};
use crate::coverage::{
    CoverageIndex, CoverageOptions, ZoneCoverage, category_coverage, snap_facility,
    zone_coverage_again,
};
use crate::error::Result;
use crate::lang::Lang;
use crate::places::{Amenity, AmenityId, Source, ZoneId, Zones};
use crate::plan::PlanRun;
use crate::report::OutputFile;
use crate::routing::TravelTimes;

pub use edit::{Edit, EditError};
pub use stop_edits::PlannedLines;
use summary::ParkFigures;
pub use summary::Summary;

/// Where an added facility comes from (written into the saved facilities file).
const ADDED: &str = "added in lifecircle serve";

/// A what-if session over a baseline run. `Send`: a server holds it in `Arc<Mutex<_>>`.
pub struct Session {
    run: PlanRun,
    lang: Lang,
    coverage_options: CoverageOptions,
    cov: Option<CoverageIndex>,
    transit: Option<(TransitLines, TransitGraph)>,
    bikeshare: Vec<Coord>,
    commuter: Option<ParkCommuter>,
    /// Parks' per-unit commute times, for the nearest-park minutes ([`nearest`]).
    park_times: nearest::ParkTimes,
    /// Per amenity of the life circle: its id (`F1`, …).
    facility_ids: Vec<String>,
    /// Per park: its gates' ids (`G1`, …).
    gate_ids: Vec<Vec<String>>,
    next_facility: u32,
    next_gate: u32,
    baseline: Vec<ParkFigures>,
    now: Vec<ParkFigures>,
    undo: Vec<Delta>,
    redo: Vec<Delta>,
    version: u64,
    /// Edits, undos, redos and re-plans so far (a language switch is not one).
    changes: u64,
    elapsed_ms: f64,
    changed: Vec<ZoneId>,
    /// The bus stops as edited, when the bus stage planned lines.
    bus: Option<stop_edits::BusEditor>,
}

/// The parts of the state an edit replaced, with their other values: applying it swaps them
/// (undo swaps the old values in, and what it swaps out is the redo).
#[derive(Default)]
struct Delta {
    amenities: Option<(Vec<Amenity>, Vec<crate::coverage::Facility>, Vec<String>)>,
    amenities_per_category: Option<Vec<usize>>,
    search: Option<(usize, TravelTimes)>,
    coverage: Option<(Vec<ZoneCoverage>, Vec<ZoneId>)>,
    /// Single zones of the coverage report: (index, figures).
    zone_slots: Vec<(usize, ZoneCoverage)>,
    parks: Option<(Zones, Vec<Vec<String>>)>,
    commute: Option<Vec<ParkCommute>>,
    nearest: Option<nearest::Saved>,
    changed: Vec<ZoneId>,
    /// The bus stops and stale lines.
    stops: Option<stops::StopState>,
    /// The bus stage (a re-plan replaced it).
    bus: Option<crate::plan::StageResult<crate::plan::BusLines>>,
}

impl Session {
    /// A session on a baseline run (from [`crate::plan::run_plan`]): keeps each category's
    /// search, the commute stage's resident index and the bus layer, so that edits recompute
    /// only what they change.
    pub fn new(run: PlanRun, lang: Lang) -> Result<Session> {
        let coverage_options = crate::plan::coverage_options(&run.scenario);
        let cov = run
            .life_circle
            .as_ref()
            .ok()
            .map(|lc| CoverageIndex::new(&run.graph, &lc.amenities, &lc.report));
        let mut transit = None;
        if run.commute.is_ok() {
            let (lines, graph, _) = crate::plan::load_transit(
                &run.extract,
                &run.graph,
                &run.scenario.commute.gtfs,
                &run.scenario.commute.depart,
            )?;
            transit = Some((lines, graph));
        }
        let bikeshare = crate::plan::bikeshare_points(&run.extract);
        let n_amenities = run.life_circle.as_ref().map_or(0, |lc| lc.amenities.len());
        let n_parks = run.parks.as_ref().map_or(0, |z| z.zones.len());
        let mut next_gate = 0;
        let gate_ids = (0..n_parks)
            .map(|p| {
                let n = run.parks.as_ref().map_or(0, |z| z.zones[p].gates.len());
                (0..n)
                    .map(|_| {
                        next_gate += 1;
                        format!("G{next_gate}")
                    })
                    .collect()
            })
            .collect();
        let baseline = summary::figures(&run);
        let mut session = Session {
            coverage_options,
            cov,
            transit,
            bikeshare,
            commuter: None,
            park_times: nearest::ParkTimes::default(),
            facility_ids: (1..=n_amenities).map(|i| format!("F{i}")).collect(),
            gate_ids,
            next_facility: n_amenities as u32,
            next_gate,
            now: baseline.clone(),
            baseline,
            undo: Vec::new(),
            redo: Vec::new(),
            version: 1,
            changes: 0,
            elapsed_ms: 0.0,
            changed: Vec::new(),
            bus: stop_edits::BusEditor::new(&run),
            lang,
            run,
        };
        session.commuter = session.make_commuter();
        if let Ok(c) = &session.run.commute {
            let units = c.report.nearest_park_ms.first().map_or(0, Vec::len);
            session.park_times =
                nearest::ParkTimes::new(n_parks, c.report.options.modes.len(), units);
        }
        Ok(session)
    }

    /// The commute stage's per-run preparation, when the commute circle ran.
    fn make_commuter(&self) -> Option<ParkCommuter> {
        let commute = self.run.commute.as_ref().ok()?;
        let (lines, transit) = self.transit.as_ref()?;
        let parks = self.run.parks.as_ref().ok()?;
        let inputs = CommuteInputs {
            parks,
            areas: &self.run.areas,
            residents: &commute.residents,
            bikeshare: &self.bikeshare,
            transit,
            transit_source: &lines.source,
        };
        // Per-unit times kept: the nearest-park minutes are brought up to date from them.
        let options = crate::commute::CommuteOptions {
            keep_unit_times: true,
            ..commute.report.options.clone()
        };
        Some(ParkCommuter::new(&self.run.graph, &inputs, &options))
    }

    /// The figures now, beside the baseline.
    pub fn summary(&self) -> Summary {
        let (categories, modes) = summary::legend(&self.run, self.lang);
        let parks = self.run.parks.as_ref().ok();
        Summary {
            version: self.version,
            lang: if self.lang == Lang::Zh { "zh" } else { "en" }.to_string(),
            title: crate::lang::report_title(&self.run.scenario.title, self.lang).into_owned(),
            categories,
            modes,
            parks: summary::parks(&self.run, self.lang, &self.now, &self.baseline),
            can_undo: !self.undo.is_empty(),
            can_redo: !self.redo.is_empty(),
            edits: self.undo.len(),
            elapsed_ms: self.elapsed_ms,
            changed_parks: self
                .changed
                .iter()
                .filter_map(|id| parks.and_then(|p| p.zones.get(id.0 as usize)))
                .map(|z| z.code.clone())
                .collect(),
            replan: summary::Replan::default(),
            bus: self.bus_summary(),
        }
    }

    /// The map layers (GeoJSON); bands, gaps, sites and reach of `park` only when given.
    pub fn layers(&self, park: Option<&str>) -> serde_json::Value {
        layers::layers(self, park)
    }

    /// The edited run (for "export report").
    pub fn run(&self) -> &PlanRun {
        &self.run
    }

    /// The session's language.
    pub fn lang(&self) -> Lang {
        self.lang
    }

    /// Switches the language of summaries and layers.
    pub fn set_lang(&mut self, lang: Lang) {
        self.lang = lang;
        self.version += 1;
    }

    /// Ids of the life circle's facilities, in amenity order.
    pub fn facility_ids(&self) -> &[String] {
        &self.facility_ids
    }

    /// Ids of park `park`'s gates (by park index).
    pub fn gate_ids(&self, park: usize) -> &[String] {
        self.gate_ids.get(park).map_or(&[], Vec::as_slice)
    }

    /// Applies an edit: on success the new summary, on error nothing changed.
    pub fn apply(&mut self, edit: Edit) -> std::result::Result<Summary, EditError> {
        let start = Instant::now();
        let delta = match edit {
            Edit::AddFacility { lon, lat, category } => self.add_facility(lon, lat, &category)?,
            Edit::MoveFacility { id, lon, lat } => self.move_facility(&id, lon, lat)?,
            Edit::DeleteFacility { id } => self.delete_facility(&id)?,
            Edit::AddGate { park, lon, lat } => self.add_gate(&park, lon, lat)?,
            Edit::MoveGate { id, lon, lat } => self.move_gate(&id, lon, lat)?,
            Edit::DeleteGate { id } => self.delete_gate(&id)?,
            Edit::SetOutline { park, ring } => self.set_outline(&park, &ring)?,
            Edit::AddPark { name, ring } => self.add_park(&name, &ring)?,
            Edit::AddStop { line, lon, lat } => self.add_stop(line.as_deref(), lon, lat)?,
            Edit::MoveStop { id, lon, lat } => self.move_stop(&id, lon, lat)?,
            Edit::DeleteStop { id } => self.delete_stop(&id)?,
        };
        let mut delta = delta;
        self.mark_parks_stale(&mut delta);
        self.changed = delta.changed.clone();
        self.undo.push(delta);
        self.redo.clear();
        self.finish(start);
        Ok(self.summary())
    }

    /// Undoes the last edit (nothing to undo: the summary unchanged).
    pub fn undo(&mut self) -> Summary {
        let start = Instant::now();
        if let Some(d) = self.undo.pop() {
            let back = self.swap(d);
            self.redo.push(back);
            self.finish(start);
        }
        self.summary()
    }

    /// Redoes the last undone edit.
    pub fn redo(&mut self) -> Summary {
        let start = Instant::now();
        if let Some(d) = self.redo.pop() {
            let back = self.swap(d);
            self.undo.push(back);
            self.finish(start);
        }
        self.summary()
    }

    fn finish(&mut self, start: Instant) {
        self.now = summary::figures(&self.run);
        self.refresh_bus();
        self.version += 1;
        self.changes += 1;
        self.elapsed_ms = Self::ms_since(start);
    }

    /// Swaps every part `d` holds with the state; returns the values swapped out.
    fn swap(&mut self, mut d: Delta) -> Delta {
        self.changed = d.changed.clone();
        if let Ok(lc) = &mut self.run.life_circle {
            if let Some((a, f, ids)) = &mut d.amenities {
                std::mem::swap(a, &mut lc.amenities);
                std::mem::swap(f, &mut lc.report.facilities);
                std::mem::swap(ids, &mut self.facility_ids);
            }
            if let Some(n) = &mut d.amenities_per_category {
                std::mem::swap(n, &mut lc.report.amenities_per_category);
            }
            if let Some((zones, unreachable)) = &mut d.coverage {
                std::mem::swap(zones, &mut lc.report.zones);
                std::mem::swap(unreachable, &mut lc.report.unreachable_zones);
            }
            for (i, z) in &mut d.zone_slots {
                std::mem::swap(z, &mut lc.report.zones[*i]);
            }
        }
        if let (Some((c, t)), Some(cov)) = (&mut d.search, &mut self.cov) {
            std::mem::swap(t, &mut cov.to_nearest[*c]);
        }
        if let Some((zones, ids)) = &mut d.parks {
            if let Ok(parks) = &mut self.run.parks {
                std::mem::swap(zones, parks);
            }
            if let Ok(lc) = &mut self.run.life_circle
                && lc.zones.kind == crate::places::ZoneKind::Parks
                && let Ok(parks) = &self.run.parks
            {
                lc.zones = parks.clone();
            }
            std::mem::swap(ids, &mut self.gate_ids);
        }
        if let (Some(parks), Ok(c)) = (&mut d.commute, &mut self.run.commute) {
            std::mem::swap(parks, &mut c.report.parks);
        }
        if let Some(bus) = &mut d.bus {
            std::mem::swap(bus, &mut self.run.bus);
        }
        if let (Some(state), Some(editor)) = (&mut d.stops, &mut self.bus) {
            std::mem::swap(state, &mut editor.state);
        }
        if let (Some(saved), Ok(c)) = (&mut d.nearest, &mut self.run.commute) {
            saved.swap(&mut c.report.nearest_park_ms, &mut self.park_times);
        }
        d
    }

    /// The life circle, or why an edit of it is refused.
    fn life_circle_mut(&mut self) -> std::result::Result<&mut crate::plan::LifeCircle, EditError> {
        let lang = self.lang;
        self.run
            .life_circle
            .as_mut()
            .map_err(|why| EditError::StageMissing {
                stage: "life circle",
                why: why.text(lang),
            })
    }

    fn category_index(&mut self, key: &str) -> std::result::Result<usize, EditError> {
        let lc = self.life_circle_mut()?;
        let cats = &lc.profile.categories;
        cats.iter()
            .position(|c| c.id.eq_ignore_ascii_case(key.trim()) || c.en == key || c.zh == key)
            .ok_or_else(|| EditError::UnknownCategory {
                given: key.to_string(),
                known: cats
                    .iter()
                    .map(|c| c.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    fn facility_index(&self, id: &str) -> std::result::Result<usize, EditError> {
        self.facility_ids
            .iter()
            .position(|f| f.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| EditError::UnknownId {
                what: "facility",
                id: id.to_string(),
            })
    }

    /// The state a facility edit replaces, kept before it changes.
    fn facility_delta(&self, c: usize) -> Delta {
        let lc = self.run.life_circle.as_ref().ok();
        Delta {
            amenities: lc.map(|lc| {
                (
                    lc.amenities.clone(),
                    lc.report.facilities.clone(),
                    self.facility_ids.clone(),
                )
            }),
            amenities_per_category: lc.map(|lc| lc.report.amenities_per_category.clone()),
            search: self.cov.as_ref().map(|cov| (c, cov.to_nearest[c].clone())),
            ..Delta::default()
        }
    }

    /// Category `c` again after its facilities changed near `near` (only the facility
    /// `added` is new, when given).
    fn recompute_category(
        &mut self,
        (c, near, added): (usize, &[Coord], Option<usize>),
        delta: &mut Delta,
    ) {
        let (Ok(lc), Some(cov)) = (&mut self.run.life_circle, &mut self.cov) else {
            return;
        };
        delta.zone_slots = category_coverage(
            &self.run.graph,
            &lc.zones,
            &lc.amenities,
            &mut lc.report,
            cov,
            &self.coverage_options,
            (c, near, added),
        );
        delta.changed = delta.zone_slots.iter().map(|(_, z)| z.zone).collect();
    }

    fn add_facility(
        &mut self,
        lon: f64,
        lat: f64,
        category: &str,
    ) -> std::result::Result<Delta, EditError> {
        let c = self.category_index(category)?;
        let at = edit::check_point(lon, lat, self.run.extract.bbox)?;
        let mut delta = self.facility_delta(c);
        self.next_facility += 1;
        let id = format!("F{}", self.next_facility);
        let lc = self.life_circle_mut()?;
        let i = lc.amenities.len();
        lc.amenities.push(Amenity {
            id: AmenityId(i as u32),
            category: c,
            name: None,
            location: at,
            source: Source::File {
                path: ADDED.into(),
                line: 0,
            },
        });
        let facility = snap_facility(&self.run.graph, i, at, &self.coverage_options);
        if let Ok(lc) = &mut self.run.life_circle {
            lc.report.facilities.push(facility);
        }
        self.facility_ids.push(id);
        self.recompute_category((c, &[at], Some(i)), &mut delta);
        Ok(delta)
    }

    fn move_facility(
        &mut self,
        id: &str,
        lon: f64,
        lat: f64,
    ) -> std::result::Result<Delta, EditError> {
        self.life_circle_mut()?;
        let i = self.facility_index(id)?;
        let at = edit::check_point(lon, lat, self.run.extract.bbox)?;
        let facility = snap_facility(&self.run.graph, i, at, &self.coverage_options);
        let lc = self.life_circle_mut()?;
        let (c, old) = (lc.amenities[i].category, lc.amenities[i].location);
        let mut delta = self.facility_delta(c);
        let lc = self.life_circle_mut()?;
        lc.amenities[i].location = at;
        lc.report.facilities[i] = facility;
        self.recompute_category((c, &[old, at], None), &mut delta);
        Ok(delta)
    }

    fn delete_facility(&mut self, id: &str) -> std::result::Result<Delta, EditError> {
        self.life_circle_mut()?;
        let i = self.facility_index(id)?;
        let c = self.life_circle_mut()?.amenities[i].category;
        let mut delta = self.facility_delta(c);
        let lc = self.life_circle_mut()?;
        let old = lc.amenities.remove(i).location;
        lc.report.facilities.remove(i);
        for (k, (a, f)) in lc
            .amenities
            .iter_mut()
            .zip(&mut lc.report.facilities)
            .enumerate()
        {
            a.id = AmenityId(k as u32);
            f.amenity = k;
        }
        self.facility_ids.remove(i);
        self.recompute_category((c, &[old], None), &mut delta);
        Ok(delta)
    }

    /// Park `key` (code or name) by index.
    fn park_index(&self, key: &str) -> std::result::Result<usize, EditError> {
        let parks = self.parks()?;
        parks
            .find(key)
            .map(|z| z.id.0 as usize)
            .ok_or_else(|| EditError::UnknownPark {
                given: key.to_string(),
                known: parks.listing(),
            })
    }

    fn parks(&self) -> std::result::Result<&Zones, EditError> {
        self.run
            .parks
            .as_ref()
            .map_err(|why| EditError::StageMissing {
                stage: "parks",
                why: why.text(self.lang),
            })
    }

    /// The gate with this id: (park index, gate index).
    fn gate_index(&self, id: &str) -> std::result::Result<(usize, usize), EditError> {
        self.gate_ids
            .iter()
            .enumerate()
            .find_map(|(p, ids)| {
                ids.iter()
                    .position(|g| g.eq_ignore_ascii_case(id.trim()))
                    .map(|g| (p, g))
            })
            .ok_or_else(|| EditError::UnknownId {
                what: "gate",
                id: id.to_string(),
            })
    }

    fn add_gate(
        &mut self,
        park: &str,
        lon: f64,
        lat: f64,
    ) -> std::result::Result<Delta, EditError> {
        let p = self.park_index(park)?;
        let at = edit::check_point(lon, lat, self.run.extract.bbox)?;
        edit::check_gate(&self.run.graph, at)?;
        let mut zones = self.parks()?.clone();
        let mut ids = self.gate_ids.clone();
        zones.zones[p].gates.push(at);
        self.next_gate += 1;
        ids[p].push(format!("G{}", self.next_gate));
        Ok(self.replace_parks(zones, ids, &[p]))
    }

    fn move_gate(&mut self, id: &str, lon: f64, lat: f64) -> std::result::Result<Delta, EditError> {
        let (p, g) = self.gate_index(id)?;
        let at = edit::check_point(lon, lat, self.run.extract.bbox)?;
        edit::check_gate(&self.run.graph, at)?;
        let mut zones = self.parks()?.clone();
        zones.zones[p].gates[g] = at;
        let ids = self.gate_ids.clone();
        Ok(self.replace_parks(zones, ids, &[p]))
    }

    fn delete_gate(&mut self, id: &str) -> std::result::Result<Delta, EditError> {
        let (p, g) = self.gate_index(id)?;
        let mut zones = self.parks()?.clone();
        zones.zones[p].gates.remove(g);
        let mut ids = self.gate_ids.clone();
        ids[p].remove(g);
        Ok(self.replace_parks(zones, ids, &[p]))
    }

    fn set_outline(
        &mut self,
        park: &str,
        ring: &[[f64; 2]],
    ) -> std::result::Result<Delta, EditError> {
        let p = self.park_index(park)?;
        let polygon = edit::check_ring(ring, self.run.extract.bbox)?;
        let mut zones = self.parks()?.clone();
        zones.zones[p].area_ha = crate::geom::area_m2(&polygon) / 10_000.0;
        zones.zones[p].polygon = polygon;
        let ids = self.gate_ids.clone();
        Ok(self.replace_parks(zones, ids, &[p]))
    }

    fn add_park(&mut self, name: &str, ring: &[[f64; 2]]) -> std::result::Result<Delta, EditError> {
        let zones = self.parks()?;
        let name = name.trim();
        if name.is_empty() || zones.find(name).is_some() {
            return Err(EditError::BadName {
                name: name.to_string(),
                why: if name.is_empty() {
                    "is empty; give the park a name"
                } else {
                    "is taken; give the park its own name"
                },
            });
        }
        let polygon = edit::check_ring(ring, self.run.extract.bbox)?;
        let mut zones = zones.clone();
        let n = zones.zones.len();
        let prefix = if zones.kind == crate::places::ZoneKind::Parks {
            "P"
        } else {
            "R"
        };
        zones.zones.push(crate::places::Zone {
            id: ZoneId(n as u32),
            code: format!("{prefix}{}", n + 1),
            name: name.to_string(),
            area_ha: crate::geom::area_m2(&polygon) / 10_000.0,
            polygon,
            source: Source::File {
                path: ADDED.into(),
                line: 0,
            },
            gates: Vec::new(),
        });
        let mut ids = self.gate_ids.clone();
        ids.push(Vec::new());
        Ok(self.replace_parks(zones, ids, &[n]))
    }

    /// Puts the edited parks in place and recomputes the life and commute circles of `changed`.
    fn replace_parks(&mut self, zones: Zones, ids: Vec<Vec<String>>, changed: &[usize]) -> Delta {
        let mut delta = Delta {
            changed: changed.iter().map(|&p| ZoneId(p as u32)).collect(),
            ..Delta::default()
        };
        let old = self.run.parks.as_mut().map(|p| std::mem::replace(p, zones));
        let old_ids = std::mem::replace(&mut self.gate_ids, ids);
        if let Ok(old) = old {
            delta.parks = Some((old, old_ids));
        }
        let Ok(parks) = &self.run.parks else {
            return delta;
        };
        if let (Ok(lc), Some(cov)) = (&mut self.run.life_circle, &self.cov)
            && lc.zones.kind == crate::places::ZoneKind::Parks
        {
            delta.coverage = Some((lc.report.zones.clone(), lc.report.unreachable_zones.clone()));
            lc.zones = parks.clone();
            for &p in changed {
                let zone = &parks.zones[p];
                let again = zone_coverage_again(
                    &self.run.graph,
                    zone,
                    &lc.amenities,
                    &lc.report,
                    cov,
                    &self.coverage_options,
                );
                let report = &mut lc.report;
                report.zones.retain(|z| z.zone != zone.id);
                report.unreachable_zones.retain(|z| *z != zone.id);
                match again {
                    Some(z) => {
                        let at = report.zones.partition_point(|x| x.zone < zone.id);
                        report.zones.insert(at, z);
                    }
                    None => {
                        report.unreachable_zones.push(zone.id);
                        report.unreachable_zones.sort_unstable();
                    }
                }
            }
        }
        self.recompute_commute(changed, &mut delta);
        delta
    }

    /// The commute circle of the `changed` parks again.
    fn recompute_commute(&mut self, changed: &[usize], delta: &mut Delta) {
        let old = delta.parks.as_ref().map(|(zones, _)| zones);
        let done = self.with_commuting(|run, kept, report, parks| {
            let before = report.parks.clone();
            let (circles, saved) = nearest::refresh(
                run,
                kept,
                &mut report.nearest_park_ms,
                (parks, old, changed),
            );
            for pc in circles {
                match report.parks.iter_mut().find(|x| x.zone == pc.zone) {
                    Some(slot) => *slot = pc,
                    None => report.parks.push(pc),
                }
            }
            (before, saved)
        });
        if let Some((before, saved)) = done {
            delta.commute = Some(before);
            delta.nearest = Some(saved);
        }
    }

    /// Finds the nearest-park minutes that park edits left pending (`nearest`): every park's
    /// per-unit times are needed, so this is done only before a full report is written.
    pub fn settle_nearest(&mut self) {
        if nearest::is_pending(&self.park_times) {
            self.with_commuting(|run, kept, report, parks| {
                nearest::settle(run, kept, &mut report.nearest_park_ms, parks);
            });
        }
    }

    /// Runs `f` with the commute stage's per-park step, the kept per-park times, the commute
    /// report and the parks; `None` when the run has no commute circle.
    fn with_commuting<R>(
        &mut self,
        f: impl FnOnce(
            &mut nearest::Commuting<'_, '_>,
            &mut nearest::ParkTimes,
            &mut CommuteReport,
            &Zones,
        ) -> R,
    ) -> Option<R> {
        let (Ok(commute), Some((lines, transit)), Some(commuter), Ok(parks)) = (
            &mut self.run.commute,
            &self.transit,
            &mut self.commuter,
            &self.run.parks,
        ) else {
            return None;
        };
        let inputs = CommuteInputs {
            parks,
            areas: &self.run.areas,
            residents: &commute.residents,
            bikeshare: &self.bikeshare,
            transit,
            transit_source: &lines.source,
        };
        let mut run = nearest::Commuting {
            graph: &self.run.graph,
            inputs: &inputs,
            commuter,
            keep_in_report: commute.report.options.keep_unit_times,
        };
        Some(f(
            &mut run,
            &mut self.park_times,
            &mut commute.report,
            parks,
        ))
    }

    /// The planner files of the edited scenario, named `name`: a scenario TOML and the files
    /// it references (see [`crate::report::scenario_files`]).
    ///
    /// Names are relative to the scenario's folder (`<out>/scenarios/<name>/`). A name that
    /// cannot be a folder name (empty, `.`-led, with `/`, `\\` or control characters, over
    /// 80 characters) is refused.
    pub fn scenario_files(&self, name: &str) -> std::result::Result<Vec<OutputFile>, EditError> {
        edit::check_scenario_name(name)?;
        let stops = self.stops_given().then(|| self.stop_rows());
        crate::report::scenario_files::scenario_files_with_stops(&self.run, name, stops.as_deref())
            .map_err(|e| EditError::Save { why: e.to_string() })
    }
}
