//! The figures the page shows: per park the life-circle share, each category's share and each
//! mode's commute share, the baseline beside the edited value.

use serde::Serialize;

use crate::graph::Mode;
use crate::lang::Lang;
use crate::places::ZoneId;
use crate::plan::PlanRun;

/// One park's figures at one moment (baseline or edited).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ParkFigures {
    /// Life-circle share (`None`: no data).
    pub life_circle: Option<f64>,
    /// Per category of the profile: share and whether there is no data.
    pub categories: Vec<(Option<f64>, bool)>,
    /// Per mode of the commute options: share and residents within the target.
    pub commute: Vec<(Mode, Option<f64>, Option<f64>)>,
}

/// The figures of every park of a run, in park order.
pub fn figures(run: &PlanRun) -> Vec<ParkFigures> {
    let Ok(parks) = &run.parks else {
        return Vec::new();
    };
    parks
        .zones
        .iter()
        .map(|z| park_figures(run, z.id))
        .collect()
}

fn park_figures(run: &PlanRun, park: ZoneId) -> ParkFigures {
    let mut f = ParkFigures::default();
    if let Ok(lc) = &run.life_circle {
        let report = &lc.report;
        let zc = report.zones.iter().find(|z| z.zone == park);
        f.life_circle = zc.and_then(|z| report.life_circle_reach(z).share());
        f.categories = (0..report.profile.categories.len())
            .map(|c| match zc {
                Some(z) => {
                    let reach = report.category_reach(&z.categories[c]);
                    (reach.share(), reach.no_data().is_some())
                }
                None => (None, true),
            })
            .collect();
    }
    if let Ok(commute) = &run.commute {
        let report = &commute.report;
        if let Some(pc) = report.parks.iter().find(|p| p.zone == park) {
            f.commute = pc
                .modes
                .iter()
                .map(|m| {
                    let share = report.mode_reach(m).share();
                    (m.mode, share, share.map(|_| m.residents_within_target))
                })
                .collect();
        }
    }
    f
}

/// `GET /api/summary`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Summary {
    /// Increases with every change.
    pub version: u64,
    /// `en` or `zh`.
    pub lang: String,
    /// The scenario's title.
    pub title: String,
    /// The profile's categories.
    pub categories: Vec<CategoryInfo>,
    /// The commute modes.
    pub modes: Vec<ModeInfo>,
    /// Every park.
    pub parks: Vec<ParkSummary>,
    /// Whether there is an edit to undo.
    pub can_undo: bool,
    /// Whether there is an edit to redo.
    pub can_redo: bool,
    /// Edits in effect.
    pub edits: usize,
    /// Time the last change took, ms.
    pub elapsed_ms: f64,
    /// Parks whose figures the last change recomputed (codes).
    pub changed_parks: Vec<String>,
    /// Bus-line re-planning.
    pub replan: Replan,
    /// The bus stops and lines, baseline beside edited (`null`: the bus stage planned none).
    pub bus: Option<super::bus::BusSummary>,
}

/// A category of the profile.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryInfo {
    /// Key (`food`).
    pub key: String,
    /// Label in the session's language.
    pub label: String,
    /// Counts towards the life-circle share.
    pub required: bool,
}

/// A commute mode.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ModeInfo {
    /// Key (`walk`).
    pub key: String,
    /// Label in the session's language.
    pub label: String,
}

/// One park, baseline beside edited.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ParkSummary {
    /// Code (`P1`).
    pub id: String,
    /// Name.
    pub name: String,
    /// Its interior point.
    pub lon: f64,
    /// Its interior point.
    pub lat: f64,
    /// Edited life-circle share, 0–1 (`null`: no data).
    pub life_circle_share: Option<f64>,
    /// Baseline life-circle share (`null`: no data or a new park).
    pub baseline_life_circle_share: Option<f64>,
    /// Per category.
    pub categories: Vec<CategoryShare>,
    /// Per mode.
    pub commute: Vec<CommuteShare>,
}

/// One category at one park.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CategoryShare {
    /// Category key.
    pub key: String,
    /// Edited share.
    pub share: Option<f64>,
    /// Baseline share.
    pub baseline_share: Option<f64>,
    /// The region has no facility of the category (or the park no evaluation point).
    pub no_data: bool,
}

/// One mode at one park.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CommuteShare {
    /// Mode key.
    pub mode: String,
    /// Edited share of all residents within the target.
    pub share: Option<f64>,
    /// Baseline share.
    pub baseline_share: Option<f64>,
    /// Edited residents within the target.
    pub residents: Option<f64>,
    /// Baseline residents within the target.
    pub baseline_residents: Option<f64>,
}

/// Bus-line re-planning progress.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Replan {
    /// Whether it is running.
    pub running: bool,
    /// 0–1.
    pub progress: f64,
}

/// Mode labels of the web app, English and Chinese.
const MODE_LABELS: [(Mode, &str, &str); 5] = [
    (Mode::Walk, "Walk", "步行"),
    (Mode::Bike, "Bike", "自行车"),
    (Mode::Ebike, "E-bike", "电动自行车"),
    (Mode::Car, "Car", "小汽车"),
    (Mode::Bus, "Bus", "公交"),
];

/// A mode's label in `lang`.
pub fn mode_label(mode: Mode, lang: Lang) -> &'static str {
    MODE_LABELS
        .iter()
        .find(|m| m.0 == mode)
        .map_or("?", |m| lang.t(m.1, m.2))
}

/// The categories and modes of a run, labelled in `lang`.
pub fn legend(run: &PlanRun, lang: Lang) -> (Vec<CategoryInfo>, Vec<ModeInfo>) {
    let categories = match &run.life_circle {
        Ok(lc) => lc
            .profile
            .categories
            .iter()
            .map(|c| CategoryInfo {
                key: c.id.clone(),
                label: lang.t(&c.en, &c.zh).to_string(),
                required: c.required,
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    let modes = match &run.commute {
        Ok(c) => c
            .report
            .options
            .modes
            .iter()
            .map(|&m| ModeInfo {
                key: m.name().to_string(),
                label: mode_label(m, lang).to_string(),
            })
            .collect(),
        Err(_) => Vec::new(),
    };
    (categories, modes)
}

/// Every park's summary: `now` beside `baseline` (by park index; a new park has none).
pub fn parks(
    run: &PlanRun,
    lang: Lang,
    now: &[ParkFigures],
    baseline: &[ParkFigures],
) -> Vec<ParkSummary> {
    let Ok(zones) = &run.parks else {
        return Vec::new();
    };
    let keys: Vec<String> = match &run.life_circle {
        Ok(lc) => lc.profile.categories.iter().map(|c| c.id.clone()).collect(),
        Err(_) => Vec::new(),
    };
    let empty = ParkFigures::default();
    zones
        .zones
        .iter()
        .zip(now)
        .enumerate()
        .map(|(i, (z, f))| {
            let b = baseline.get(i).unwrap_or(&empty);
            let centre = geo::InteriorPoint::interior_point(&z.polygon)
                .map_or(geo::Coord { x: 0.0, y: 0.0 }, |p| p.0);
            ParkSummary {
                id: z.code.clone(),
                name: crate::lang::zone_name(z, lang).into_owned(),
                lon: round6(centre.x),
                lat: round6(centre.y),
                life_circle_share: f.life_circle,
                baseline_life_circle_share: b.life_circle,
                categories: keys
                    .iter()
                    .enumerate()
                    .map(|(c, key)| CategoryShare {
                        key: key.clone(),
                        share: f.categories.get(c).and_then(|x| x.0),
                        baseline_share: b.categories.get(c).and_then(|x| x.0),
                        no_data: f.categories.get(c).is_none_or(|x| x.1),
                    })
                    .collect(),
                commute: f
                    .commute
                    .iter()
                    .map(|&(mode, share, residents)| {
                        let base = b.commute.iter().find(|x| x.0 == mode);
                        CommuteShare {
                            mode: mode.name().to_string(),
                            share,
                            baseline_share: base.and_then(|x| x.1),
                            residents,
                            baseline_residents: base.and_then(|x| x.2),
                        }
                    })
                    .collect(),
            }
        })
        .collect()
}

/// Rounds to 6 decimals (about 0.1 m), as the layers are written.
pub fn round6(x: f64) -> f64 {
    (x * 1e6).round() / 1e6
}
