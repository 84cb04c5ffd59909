//! Stage 5: the life circle. [`compute_coverage`] takes the walk graph, the zones (parks or
//! residential areas), the amenities and their profile, and returns a [`CoverageReport`]:
//!
//! - per category, one multi-source walking search from all its facilities gives every vertex
//!   its time to the nearest facility (bounded at twice the category's threshold, so a gap can
//!   still say how far the nearest one is);
//! - per zone: *access points* (walkable vertices inside it or within
//!   [`CoverageOptions::access_radius_m`] of its boundary) and *evaluation points* (a grid of
//!   [`CoverageOptions::grid_spacing_m`] inside it, each snapped to the walk graph; at least one
//!   per zone); per category the facilities within the threshold of the access points (count,
//!   nearest in minutes and metres) and the share of evaluation points covered; the
//!   **life-circle share** = share of evaluation points where every required category is within
//!   its threshold; nested walking isochrones from the access points;
//! - for each required category below 100 % that has data (at least one amenity in the region:
//!   without any, the gap is missing data, not a site to build), up to [`CoverageOptions::sites`] new sites among
//!   walkable vertices in or within [`CoverageOptions::site_radius_m`] of the zone, chosen
//!   greedily to cover the most uncovered evaluation points (maximal covering); a site that
//!   would lift the category's share by less than [`CoverageOptions::min_site_gain_points`]
//!   is not proposed (greedy gains only fall, so neither is any later one).
//!
//! An evaluation point's time is measured from its snapped position on the network (the walk
//! from the grid point to the road is not added), exactly: through either end of its edge, or
//! straight along the edge to a facility on the same edge.

use std::collections::HashMap;

use geo::{Coord, Distance, Euclidean, InteriorPoint, MapCoords, MultiPolygon, Point};
use rayon::prelude::*;
use rstar::RTree;
use rstar::primitives::GeomWithData;

use crate::graph::{EdgeId, Mode, RoadGraph, Snap, VertexId};
use crate::places::{Amenity, AmenityProfile, Zone, ZoneId, Zones};
use crate::reach::{NoData, Reach};
use crate::routing::isochrone::{Isochrone, isochrones};
use crate::routing::{Direction, SearchScratch, TravelTimes, bounded_search, par_map};

/// Settings of the coverage stage.
#[derive(Clone, Debug, PartialEq)]
pub struct CoverageOptions {
    /// Maximum number of new sites proposed per zone and category.
    pub sites: usize,
    /// Spacing of the evaluation grid, metres.
    pub grid_spacing_m: f64,
    /// Vertices this close to a zone's boundary are access points, metres.
    pub access_radius_m: f64,
    /// Candidate sites lie within this distance of the zone, metres.
    pub site_radius_m: f64,
    /// Isochrone bands drawn around each zone, minutes.
    pub band_minutes: Vec<f64>,
    /// Maximum snapping distance for facilities and evaluation points, metres.
    pub max_snap_m: f64,
    /// A site is proposed only when it lifts its category's covered share of the zone by at
    /// least this many percentage points (0 proposes every site that covers a point).
    pub min_site_gain_points: f64,
}

impl Default for CoverageOptions {
    fn default() -> Self {
        CoverageOptions {
            sites: 3,
            grid_spacing_m: 100.0,
            access_radius_m: 50.0,
            site_radius_m: 300.0,
            band_minutes: vec![5.0, 10.0, 15.0],
            max_snap_m: crate::graph::snap::DEFAULT_MAX_SNAP_M,
            min_site_gain_points: 5.0,
        }
    }
}

/// An evaluation point: a grid point inside a zone, snapped to the walk graph.
#[derive(Clone, Debug)]
pub struct EvalPoint {
    /// The grid point.
    pub location: Coord,
    /// Where it snapped.
    pub snap: Snap,
    /// Search seeds leaving the snapped point.
    pub seeds: Vec<(VertexId, u32)>,
}

/// A proposed new facility.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Site {
    /// 1 for the first pick, 2 for the next, …
    pub rank: usize,
    /// The walk vertex where it would stand.
    pub vertex: VertexId,
    /// Its location.
    #[serde(serialize_with = "crate::geom::serialize_coord")]
    pub location: Coord,
    /// Evaluation points it newly covers.
    pub adds_points: usize,
    /// Covered share with this and the earlier sites, 0–1.
    pub share_after: f64,
    /// The evaluation points (indices into [`ZoneCoverage::eval`]) it newly covers.
    #[serde(skip)]
    pub covers: Vec<usize>,
}

/// One category in one zone.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CategoryCoverage {
    /// Index into the profile's categories.
    pub category: usize,
    /// Facilities within the threshold of the zone's access points.
    pub count_within: usize,
    /// Walking time from the nearest access point to the nearest facility, minutes (`None`
    /// when farther than twice the threshold).
    pub nearest_min: Option<f64>,
    /// The same as network distance, metres.
    pub nearest_m: Option<f64>,
    /// Share of evaluation points with a facility within the threshold, 0–1.
    pub covered_share: f64,
    /// Proposed sites (required categories below 100 % only).
    pub sites: Vec<Site>,
}

/// The life circle of one zone.
#[derive(Clone, Debug)]
pub struct ZoneCoverage {
    /// The zone.
    pub zone: ZoneId,
    /// Access points.
    pub access: Vec<VertexId>,
    /// Whether no vertex was close enough and the nearest one to the zone's interior point
    /// stands in.
    pub access_fallback: bool,
    /// Evaluation points.
    pub eval: Vec<EvalPoint>,
    /// Per evaluation point and category: walking time to the nearest facility, ms (`None`
    /// beyond twice the category's threshold).
    pub point_times_ms: Vec<Vec<Option<u32>>>,
    /// Per evaluation point and category: whether a facility is within the threshold.
    pub covered: Vec<Vec<bool>>,
    /// Share of evaluation points where every required category is within its threshold.
    pub life_circle_share: f64,
    /// Per category, in profile order.
    pub categories: Vec<CategoryCoverage>,
    /// Nested walking isochrones from the access points.
    pub isochrones: Vec<Isochrone>,
}

/// A facility's place on the walk graph.
#[derive(Clone, Debug)]
pub struct Facility {
    /// The amenity.
    pub amenity: usize,
    /// Where it snapped; `None` when farther than the snapping limit from any walkable road.
    pub snap: Option<Snap>,
    /// Seeds of a search that ends at it.
    pub arrive_seeds: Vec<(VertexId, u32)>,
}

/// The result of the coverage stage.
#[derive(Clone, Debug)]
pub struct CoverageReport {
    /// The profile used.
    pub profile: AmenityProfile,
    /// Walking speed, km/h.
    pub walk_kmh: f64,
    /// Every amenity's place on the graph, in amenity order.
    pub facilities: Vec<Facility>,
    /// Per zone, in zone order.
    pub zones: Vec<ZoneCoverage>,
    /// Zones without any evaluation point on the network (left out of `zones`).
    pub unreachable_zones: Vec<ZoneId>,
    /// Amenities of each category in the region (OSM and the planner's files), in profile
    /// order; 0 means the category has no data ([`crate::reach::NoData::NoFeature`]).
    pub amenities_per_category: Vec<usize>,
}

impl CoverageReport {
    /// Amenities that could not be snapped to the walk graph.
    pub fn unsnapped(&self) -> impl Iterator<Item = usize> + '_ {
        self.facilities
            .iter()
            .filter(|f| f.snap.is_none())
            .map(|f| f.amenity)
    }

    /// A category's share at a zone, or no data when the region has no amenity of it.
    pub fn category_reach(&self, category: &CategoryCoverage) -> Reach {
        if self.amenities_per_category.get(category.category) == Some(&0) {
            Reach::NoData(NoData::NoFeature)
        } else {
            Reach::Share(category.covered_share)
        }
    }

    /// A zone's life-circle share, or no data when a required category has no amenity.
    pub fn life_circle_reach(&self, zone: &ZoneCoverage) -> Reach {
        let missing = self
            .profile
            .categories
            .iter()
            .zip(&self.amenities_per_category)
            .any(|(c, &n)| c.required && n == 0);
        if missing {
            Reach::NoData(NoData::RequiredCategoryMissing)
        } else {
            Reach::Share(zone.life_circle_share)
        }
    }
}

/// An R-tree of one mode's vertices in local metres, to find the vertices in or near a zone.
pub struct VertexIndex {
    tree: RTree<GeomWithData<[f64; 2], u32>>,
}

impl VertexIndex {
    /// Indexes the vertices of `mode`'s component.
    pub fn new(graph: &RoadGraph, mode: Mode) -> Self {
        let p = graph.profile(mode);
        let points = (0..graph.vertices.len() as u32)
            .filter(|&i| p.contains(VertexId(i)))
            .map(|i| {
                GeomWithData::new(
                    graph.projection().project(graph.vertices[i as usize].coord),
                    i,
                )
            })
            .collect();
        VertexIndex {
            tree: RTree::bulk_load(points),
        }
    }

    /// Vertices inside a projected zone or within `radius_m` of it, sorted.
    fn near(&self, zone_m: &MultiPolygon, radius_m: f64) -> Vec<VertexId> {
        let Some(rect) = geo::BoundingRect::bounding_rect(zone_m) else {
            return Vec::new();
        };
        let env = rstar::AABB::from_corners(
            [rect.min().x - radius_m, rect.min().y - radius_m],
            [rect.max().x + radius_m, rect.max().y + radius_m],
        );
        let mut out: Vec<VertexId> = self
            .tree
            .locate_in_envelope(&env)
            .filter(|e| {
                let p = Coord {
                    x: e.geom()[0],
                    y: e.geom()[1],
                };
                crate::geom::multipolygon_contains(zone_m, p)
                    || zone_m
                        .0
                        .iter()
                        .any(|poly| Euclidean.distance(&Point(p), poly) <= radius_m)
            })
            .map(|e| VertexId(e.data))
            .collect();
        out.sort_unstable();
        out
    }

    /// The access points of a zone: vertices inside it or within `radius_m` of its boundary.
    pub fn access_points(&self, graph: &RoadGraph, zone: &Zone, radius_m: f64) -> Vec<VertexId> {
        self.near(&project_zone(graph, zone), radius_m)
    }
}

fn project_zone(graph: &RoadGraph, zone: &Zone) -> MultiPolygon {
    let proj = graph.projection();
    zone.polygon.map_coords(|c| {
        let [x, y] = proj.project(c);
        Coord { x, y }
    })
}

fn to_minutes(ms: u32) -> f64 {
    f64::from(ms) / 60_000.0
}

/// Computes the life circle of every zone.
///
/// # Complexity
/// One bounded search per category, plus per zone one search from its access points and one
/// per evaluation point left uncovered; parallel over categories and zones.
pub fn compute_coverage(
    graph: &RoadGraph,
    zones: &Zones,
    amenities: &[Amenity],
    profile: &AmenityProfile,
    options: &CoverageOptions,
) -> CoverageReport {
    let walk_kmh = graph.options.walk_kmh;
    let thresholds = category_thresholds_ms(profile, walk_kmh);
    let max_threshold = thresholds.iter().copied().max().unwrap_or(0);

    let facilities: Vec<Facility> = amenities
        .par_iter()
        .enumerate()
        .map(|(i, a)| snap_facility(graph, i, a.location, options))
        .collect();

    // Per category: every vertex's time to the nearest facility.
    let to_nearest: Vec<TravelTimes> = (0..profile.categories.len())
        .into_par_iter()
        .map(|c| category_times(graph, amenities, &facilities, c, thresholds[c]))
        .collect();

    let index = VertexIndex::new(graph, Mode::Walk);
    let on_edge = facilities_by_edge(&facilities);

    let amenities_per_category = count_per_category(amenities, profile);
    let shared = Shared {
        graph,
        amenities,
        amenities_per_category: &amenities_per_category,
        profile,
        facilities: &facilities,
        on_edge: &on_edge,
        to_nearest: &to_nearest,
        thresholds: &thresholds,
        max_threshold_ms: max_threshold,
        index: &index,
        options,
    };
    let results: Vec<Option<ZoneCoverage>> = par_map(graph, &zones.zones, |scratch, zone| {
        zone_coverage(&shared, zone, scratch)
    });
    let mut covered = Vec::new();
    let mut unreachable_zones = Vec::new();
    for (zone, r) in zones.zones.iter().zip(results) {
        match r {
            Some(r) => covered.push(r),
            None => unreachable_zones.push(zone.id),
        }
    }
    CoverageReport {
        amenities_per_category,
        profile: profile.clone(),
        walk_kmh,
        facilities,
        zones: covered,
        unreachable_zones,
    }
}

/// Each category's threshold as walking time, ms, in profile order.
fn category_thresholds_ms(profile: &AmenityProfile, walk_kmh: f64) -> Vec<u32> {
    profile
        .categories
        .iter()
        .map(|c| c.threshold_ms(walk_kmh))
        .collect()
}

/// Amenities of each category, in profile order.
fn count_per_category(amenities: &[Amenity], profile: &AmenityProfile) -> Vec<usize> {
    let mut n = vec![0; profile.categories.len()];
    for a in amenities {
        if let Some(n) = n.get_mut(a.category) {
            *n += 1;
        }
    }
    n
}

/// Amenity `amenity` (at `location`) snapped onto the walk graph.
pub fn snap_facility(
    graph: &RoadGraph,
    amenity: usize,
    location: Coord,
    options: &CoverageOptions,
) -> Facility {
    let snap = graph.snap(Mode::Walk, location, options.max_snap_m).ok();
    let arrive_seeds = snap.map(|s| s.seeds(graph, true)).unwrap_or_default();
    Facility {
        amenity,
        snap,
        arrive_seeds,
    }
}

/// Category `c`'s multi-source walking search: every vertex's time to its nearest facility,
/// up to twice the category's threshold `threshold_ms`.
pub fn category_times(
    graph: &RoadGraph,
    amenities: &[Amenity],
    facilities: &[Facility],
    c: usize,
    threshold_ms: u32,
) -> TravelTimes {
    let seeds: Vec<(VertexId, u32)> = facilities
        .iter()
        .filter(|f| amenities[f.amenity].category == c)
        .flat_map(|f| f.arrive_seeds.iter().copied())
        .collect();
    TravelTimes::compute(
        graph.profile(Mode::Walk),
        Direction::Reverse,
        &seeds,
        threshold_ms.saturating_mul(2),
    )
}

/// What every zone's evaluation shares: the graph, the facilities and each category's
/// travel times to its nearest facility.
struct Shared<'a> {
    graph: &'a RoadGraph,
    amenities: &'a [Amenity],
    /// Amenities of each category in the whole region (0: no data, so no site is proposed).
    amenities_per_category: &'a [usize],
    profile: &'a AmenityProfile,
    facilities: &'a [Facility],
    /// The snapped facilities of every edge (for points on the same edge).
    on_edge: &'a HashMap<EdgeId, Vec<usize>>,
    to_nearest: &'a [TravelTimes],
    thresholds: &'a [u32],
    max_threshold_ms: u32,
    index: &'a VertexIndex,
    options: &'a CoverageOptions,
}

/// One zone's life circle: evaluation points → access points → facilities within reach →
/// each point's time to each category → shares → new sites. `None` when no evaluation point
/// lies on the walking network.
fn zone_coverage(
    shared: &Shared<'_>,
    zone: &Zone,
    scratch: &mut SearchScratch,
) -> Option<ZoneCoverage> {
    let Shared {
        graph,
        profile,
        thresholds,
        options,
        ..
    } = *shared;
    let zone_m = project_zone(graph, zone);
    let eval = evaluation_points(graph, zone, &zone_m, options);
    if eval.is_empty() {
        return None;
    }
    let (access, access_fallback) = match gate_vertices(graph, Mode::Walk, &zone.gates) {
        gates if !gates.is_empty() => (gates, false),
        _ => zone_access(shared.index, &zone_m, &eval, options),
    };

    // From the access points: the isochrones, and facilities within each threshold.
    let seeds: Vec<(VertexId, u32)> = access.iter().map(|&v| (v, 0)).collect();
    let isochrones = isochrones(
        graph,
        Mode::Walk,
        &seeds,
        &[],
        &options.band_minutes,
        scratch,
    );
    let count_within = facilities_within(shared, &seeds, scratch);

    let point_times_ms = point_times(shared, &eval);
    let covered: Vec<Vec<bool>> = point_times_ms
        .iter()
        .map(|row| {
            row.iter()
                .zip(thresholds)
                .map(|(t, &limit)| t.is_some_and(|t| t <= limit))
                .collect()
        })
        .collect();
    let mut categories: Vec<CategoryCoverage> = (0..profile.categories.len())
        .map(|c| category_row(shared, &access, count_within[c], &covered, c))
        .collect();
    let sites_for = SitesFor {
        zone_m: &zone_m,
        eval: &eval,
        covered: &covered,
        only: None,
    };
    propose_sites(shared, &sites_for, &mut categories, scratch);

    Some(ZoneCoverage {
        zone: zone.id,
        access,
        access_fallback,
        life_circle_share: life_circle_share(profile, &covered),
        categories,
        eval,
        point_times_ms,
        covered,
        isochrones,
    })
}

/// Category `c` of a zone: facilities within reach (`count_within`), the nearest from the
/// access points, the covered share of the evaluation points (`covered`); no sites yet.
fn category_row(
    shared: &Shared<'_>,
    access: &[VertexId],
    count_within: usize,
    covered: &[Vec<bool>],
    c: usize,
) -> CategoryCoverage {
    let mps = shared.graph.options.walk_kmh / 3.6;
    let nearest = access
        .iter()
        .filter_map(|&a| shared.to_nearest[c].get(a))
        .min();
    let covered_points = covered.iter().filter(|row| row[c]).count();
    CategoryCoverage {
        category: c,
        count_within,
        nearest_min: nearest.map(to_minutes),
        nearest_m: nearest.map(|t| f64::from(t) / 1000.0 * mps),
        covered_share: covered_points as f64 / covered.len().max(1) as f64,
        sites: Vec::new(),
    }
}

/// Share of evaluation points where every required category is covered.
fn life_circle_share(profile: &AmenityProfile, covered: &[Vec<bool>]) -> f64 {
    let required: Vec<usize> = (0..profile.categories.len())
        .filter(|&c| profile.categories[c].required)
        .collect();
    let all_required = covered
        .iter()
        .filter(|row| required.iter().all(|&c| row[c]))
        .count();
    all_required as f64 / covered.len().max(1) as f64
}

/// The walk-graph vertices of a park's gates: the ends of the edge each gate snaps to (within
/// the default snapping distance of `mode`'s roads), sorted; empty without gates or when none
/// snaps.
pub fn gate_vertices(graph: &RoadGraph, mode: Mode, gates: &[Coord]) -> Vec<VertexId> {
    let mut out: Vec<VertexId> = gates
        .iter()
        .filter_map(|&g| {
            graph
                .snap(mode, g, crate::graph::snap::DEFAULT_MAX_SNAP_M)
                .ok()
        })
        .flat_map(|s| {
            let mut v: Vec<VertexId> = s.seeds(graph, false).iter().map(|x| x.0).collect();
            v.extend(s.seeds(graph, true).iter().map(|x| x.0));
            v
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// Evaluation points: grid cell centres inside the zone (else its interior point), those
/// that snap to the walking network.
fn evaluation_points(
    graph: &RoadGraph,
    zone: &Zone,
    zone_m: &MultiPolygon,
    options: &CoverageOptions,
) -> Vec<EvalPoint> {
    let proj = graph.projection();
    let mut grid: Vec<Coord> = crate::geom::grid_inside(zone_m, options.grid_spacing_m)
        .into_iter()
        .map(|p| proj.unproject([p.x, p.y]))
        .collect();
    if grid.is_empty() {
        grid.extend(zone.polygon.interior_point().map(|p| p.0));
    }
    grid.into_iter()
        .filter_map(|location| {
            let snap = graph.snap(Mode::Walk, location, options.max_snap_m).ok()?;
            Some(EvalPoint {
                location,
                snap,
                seeds: snap.seeds(graph, false),
            })
        })
        .collect()
}

/// The zone's access points, or the vertices of the first evaluation point's edge when none
/// is close enough (then `true`).
fn zone_access(
    index: &VertexIndex,
    zone_m: &MultiPolygon,
    eval: &[EvalPoint],
    options: &CoverageOptions,
) -> (Vec<VertexId>, bool) {
    let mut access = index.near(zone_m, options.access_radius_m);
    let fallback = access.is_empty();
    if fallback {
        access = eval[0].seeds.iter().map(|s| s.0).collect();
        access.sort_unstable();
        access.dedup();
    }
    (access, fallback)
}

/// Per category, the facilities reached from the access points within its threshold.
fn facilities_within(
    shared: &Shared<'_>,
    seeds: &[(VertexId, u32)],
    scratch: &mut SearchScratch,
) -> Vec<usize> {
    let walk = shared.graph.profile(Mode::Walk);
    bounded_search(
        walk,
        Direction::Forward,
        seeds,
        shared.max_threshold_ms,
        scratch,
    );
    let mut count_within = vec![0usize; shared.profile.categories.len()];
    for f in shared.facilities {
        let c = shared.amenities[f.amenity].category;
        let t = f
            .arrive_seeds
            .iter()
            .filter_map(|&(u, t1)| scratch.time_ms(u).map(|t| t + t1))
            .min();
        if t.is_some_and(|t| t <= shared.thresholds[c]) {
            count_within[c] += 1;
        }
    }
    count_within
}

/// Each evaluation point's walking time to the nearest facility of each category (`None`
/// beyond twice the category's threshold): via the ends of its edge, or along it.
fn point_times(shared: &Shared<'_>, eval: &[EvalPoint]) -> Vec<Vec<Option<u32>>> {
    let to_nearest = shared.to_nearest;
    eval.iter()
        .map(|p| {
            (0..to_nearest.len())
                .map(|c| point_time(shared, p, c))
                .collect()
        })
        .collect()
}

/// An evaluation point's walking time to the nearest facility of category `c`.
fn point_time(shared: &Shared<'_>, p: &EvalPoint, c: usize) -> Option<u32> {
    let (to_nearest, thresholds) = (shared.to_nearest, shared.thresholds);
    p.seeds
        .iter()
        .filter_map(|&(v, t0)| to_nearest[c].get(v).map(|t| t + t0))
        .chain(same_edge_ms(shared, p, c))
        .min()
        .filter(|&t| t <= 2 * thresholds[c])
}

/// The snapped facilities of every edge, by facility index.
fn facilities_by_edge(facilities: &[Facility]) -> HashMap<EdgeId, Vec<usize>> {
    let mut on_edge: HashMap<EdgeId, Vec<usize>> = HashMap::new();
    for (i, f) in facilities.iter().enumerate() {
        if let Some(s) = f.snap {
            on_edge.entry(s.edge).or_default().push(i);
        }
    }
    on_edge
}

/// Walking time from an evaluation point straight along its own edge to the nearest facility
/// of category `c` on that edge (a search from the point's seeds would go via a junction and
/// back).
fn same_edge_ms(shared: &Shared<'_>, point: &EvalPoint, c: usize) -> Option<u32> {
    shared
        .on_edge
        .get(&point.snap.edge)?
        .iter()
        .map(|&i| &shared.facilities[i])
        .filter(|f| shared.amenities[f.amenity].category == c)
        .filter_map(|f| point.snap.along_edge_ms(shared.graph, f.snap.as_ref()?))
        .min()
}

/// A zone as the site proposal reads it.
#[derive(Clone, Copy)]
struct SitesFor<'a> {
    zone_m: &'a MultiPolygon,
    eval: &'a [EvalPoint],
    covered: &'a [Vec<bool>],
    /// Only this category (its sites do not depend on the other categories': a point's
    /// candidates are filtered by the category's own threshold).
    only: Option<usize>,
}

/// New sites for the required categories below 100 %: candidates are the walkable vertices
/// in or near the zone; each category gets up to `options.sites`, chosen greedily. A category
/// with no amenity in the whole region gets none: that is missing data, not a gap to build in.
fn propose_sites(
    shared: &Shared<'_>,
    zone: &SitesFor<'_>,
    categories: &mut [CategoryCoverage],
    scratch: &mut SearchScratch,
) {
    let Shared {
        graph,
        profile,
        thresholds,
        options,
        ..
    } = *shared;
    let SitesFor {
        zone_m,
        eval,
        covered,
        only,
    } = *zone;
    let gaps: Vec<usize> = (0..profile.categories.len())
        .filter(|&c| profile.categories[c].required && categories[c].covered_share < 1.0)
        .filter(|&c| only.is_none_or(|o| o == c))
        .filter(|&c| shared.amenities_per_category.get(c).is_some_and(|&n| n > 0))
        .collect();
    if options.sites == 0 || gaps.is_empty() {
        return;
    }
    let candidates = shared.index.near(zone_m, options.site_radius_m);
    let index: HashMap<VertexId, usize> = candidates
        .iter()
        .enumerate()
        .map(|(i, &v)| (v, i))
        .collect();
    let limit = gaps.iter().map(|&c| thresholds[c]).max().unwrap_or(0);
    let walk = graph.profile(Mode::Walk);
    // For each evaluation point uncovered in some gap category: candidates reached, with times.
    let reach: Vec<Vec<(usize, u32)>> = eval
        .iter()
        .zip(covered)
        .map(|(p, row)| {
            if gaps.iter().all(|&c| row[c]) {
                return Vec::new();
            }
            bounded_search(walk, Direction::Forward, &p.seeds, limit, scratch)
                .iter()
                .filter_map(|&(v, t)| index.get(&v).map(|&i| (i, t)))
                .collect()
        })
        .collect();
    for &c in &gaps {
        let open: Vec<bool> = covered.iter().map(|row| !row[c]).collect();
        // The fewest points worth a site: `min_site_gain_points` of the zone's points.
        let min_points = options.min_site_gain_points / 100.0 * eval.len() as f64;
        let chosen = greedy_sites(&reach, open, thresholds[c], (options.sites, min_points));
        let mut covered_points = covered.iter().filter(|row| row[c]).count();
        for (rank, (best, covers)) in (1..).zip(chosen) {
            let gain = covers.len();
            covered_points += gain;
            let vertex = candidates[best];
            categories[c].sites.push(Site {
                rank,
                vertex,
                location: graph.vertices[vertex.index()].coord,
                adds_points: gain,
                share_after: covered_points as f64 / eval.len() as f64,
                covers,
            });
        }
    }
}

/// Maximal covering, greedily: up to `sites` candidates, each the one reaching the most
/// `open` points within `limit_ms` (ties to the lower index), with the points it adds; it
/// stops at the first that would add fewer than `min_points`.
fn greedy_sites(
    reach: &[Vec<(usize, u32)>],
    mut open: Vec<bool>,
    limit_ms: u32,
    (sites, min_points): (usize, f64),
) -> Vec<(usize, Vec<usize>)> {
    let n_candidates = reach
        .iter()
        .flat_map(|l| l.iter().map(|&(i, _)| i + 1))
        .max()
        .unwrap_or(0);
    let mut chosen = Vec::new();
    for _ in 0..sites {
        let mut gain = vec![0usize; n_candidates];
        for (p, list) in reach.iter().enumerate() {
            if open[p] {
                for &(i, t) in list {
                    if t <= limit_ms {
                        gain[i] += 1;
                    }
                }
            }
        }
        // Most points; ties to the lower vertex id (candidates are sorted).
        let Some((best, &g)) = gain
            .iter()
            .enumerate()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        if g == 0 || (g as f64) < min_points {
            break;
        }
        let mut covers = Vec::with_capacity(g);
        for (p, list) in reach.iter().enumerate() {
            if open[p] && list.iter().any(|&(i, t)| i == best && t <= limit_ms) {
                open[p] = false;
                covers.push(p);
            }
        }
        chosen.push((best, covers));
    }
    chosen
}

/// What [`compute_coverage`] prepares once for every zone, kept so that parts of a report can
/// be recomputed after an edit ([`category_coverage`], [`zone_coverage_again`]) with exactly
/// the steps and numbers of a fresh run.
pub struct CoverageIndex {
    /// Per category: every vertex's walking time to its nearest facility.
    pub to_nearest: Vec<TravelTimes>,
    /// The walk vertices, for access points and site candidates.
    pub index: VertexIndex,
}

impl CoverageIndex {
    /// Runs every category's search for the facilities of `report`.
    pub fn new(graph: &RoadGraph, amenities: &[Amenity], report: &CoverageReport) -> Self {
        let thresholds = category_thresholds_ms(&report.profile, graph.options.walk_kmh);
        let to_nearest = (0..report.profile.categories.len())
            .into_par_iter()
            .map(|c| category_times(graph, amenities, &report.facilities, c, thresholds[c]))
            .collect();
        CoverageIndex {
            to_nearest,
            index: VertexIndex::new(graph, Mode::Walk),
        }
    }
}

/// Runs `f` with the [`Shared`] view of a report (its facilities and the kept searches).
fn with_shared<T>(
    graph: &RoadGraph,
    amenities: &[Amenity],
    report: &CoverageReport,
    cache: &CoverageIndex,
    options: &CoverageOptions,
    f: impl FnOnce(&Shared<'_>) -> T,
) -> T {
    let thresholds = category_thresholds_ms(&report.profile, report.walk_kmh);
    let on_edge = facilities_by_edge(&report.facilities);
    let shared = Shared {
        graph,
        amenities,
        amenities_per_category: &report.amenities_per_category,
        profile: &report.profile,
        facilities: &report.facilities,
        on_edge: &on_edge,
        to_nearest: &cache.to_nearest,
        max_threshold_ms: thresholds.iter().copied().max().unwrap_or(0),
        thresholds: &thresholds,
        index: &cache.index,
        options,
    };
    f(&shared)
}

/// One zone's life circle again (after its outline or gates changed), with the report's
/// facilities and the kept searches: the same steps as [`compute_coverage`] for that zone.
pub fn zone_coverage_again(
    graph: &RoadGraph,
    zone: &Zone,
    amenities: &[Amenity],
    report: &CoverageReport,
    cache: &CoverageIndex,
    options: &CoverageOptions,
) -> Option<ZoneCoverage> {
    with_shared(graph, amenities, report, cache, options, |shared| {
        zone_coverage(shared, zone, &mut SearchScratch::new(graph))
    })
}

/// Recomputes category `c` after its facilities changed (`report.facilities` and `amenities`
/// already edited): the category's one multi-source search, then in every zone that a
/// facility at one of `near` could reach (straight-line distance, which no walk beats) the
/// category's count, nearest, point times, share and sites, and the life-circle share. The
/// other categories' figures do not depend on category `c`, so the result equals
/// [`compute_coverage`] on the edited facilities.
///
/// When the only change is the new facility `added` (an index into `report.facilities`), the
/// search is not rerun: each vertex's time becomes the lesser of its kept time and its time
/// to the new facility (one search from it, with the same bound), which is the multi-source
/// search's result by definition.
///
/// Returns the recomputed zones: (index in `report.zones`, the zone's figures before).
pub fn category_coverage(
    graph: &RoadGraph,
    zones: &Zones,
    amenities: &[Amenity],
    report: &mut CoverageReport,
    cache: &mut CoverageIndex,
    options: &CoverageOptions,
    (c, near, added): (usize, &[Coord], Option<usize>),
) -> Vec<(usize, ZoneCoverage)> {
    let thresholds = category_thresholds_ms(&report.profile, report.walk_kmh);
    cache.to_nearest[c] = match added {
        Some(i) => {
            let one = std::slice::from_ref(&report.facilities[i]);
            let new = category_times(graph, amenities, one, c, thresholds[c]);
            let kept = cache.to_nearest[c].as_slice();
            TravelTimes::from_vec(
                kept.iter()
                    .zip(new.as_slice())
                    .map(|(&a, &b)| a.min(b))
                    .collect(),
            )
        }
        None => category_times(graph, amenities, &report.facilities, c, thresholds[c]),
    };
    let counts = count_per_category(amenities, &report.profile);
    // A category that gains its first facility or loses its last one changes from "no data"
    // to "not reached" (or back) everywhere, sites included: every zone is affected.
    let data_changed = (counts[c] == 0) != (report.amenities_per_category[c] == 0);
    report.amenities_per_category = counts;
    // The farthest a facility can matter: twice the threshold on foot, plus both snaps and
    // the access radius.
    let walk_m = f64::from(thresholds[c]) * 2.0 / 1000.0 * report.walk_kmh / 3.6;
    let margin_m = walk_m + 2.0 * options.max_snap_m + options.access_radius_m + 10.0;
    let proj = graph.projection();
    let near_m: Vec<[f64; 2]> = near.iter().map(|&p| proj.project(p)).collect();
    let affected: Vec<usize> = (0..report.zones.len())
        .filter(|&i| {
            let zone = &zones.zones[report.zones[i].zone.0 as usize];
            data_changed || zone_near(graph, zone, &near_m, margin_m)
        })
        .collect();
    let mut zc: Vec<ZoneCoverage> = affected.iter().map(|&i| report.zones[i].clone()).collect();
    with_shared(graph, amenities, report, cache, options, |shared| {
        zc.par_iter_mut().for_each(|z| {
            let zone = &zones.zones[z.zone.0 as usize];
            zone_category_again(shared, zone, z, c, &mut SearchScratch::new(graph));
        });
    });
    affected
        .into_iter()
        .zip(zc)
        .map(|(i, z)| (i, std::mem::replace(&mut report.zones[i], z)))
        .collect()
}

/// Whether a zone (its outline and gates) comes within `margin_m` of a projected point.
fn zone_near(graph: &RoadGraph, zone: &Zone, near_m: &[[f64; 2]], margin_m: f64) -> bool {
    let proj = graph.projection();
    let mut points: Vec<[f64; 2]> = zone
        .polygon
        .0
        .iter()
        .flat_map(|p| p.exterior().0.iter().map(|&c| proj.project(c)))
        .collect();
    points.extend(zone.gates.iter().map(|&g| proj.project(g)));
    let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
    for p in &points {
        for k in 0..2 {
            lo[k] = lo[k].min(p[k]);
            hi[k] = hi[k].max(p[k]);
        }
    }
    near_m
        .iter()
        .any(|p| (0..2).all(|k| p[k] >= lo[k] - margin_m && p[k] <= hi[k] + margin_m))
}

/// Category `c` of one zone again, from the kept evaluation and access points.
fn zone_category_again(
    shared: &Shared<'_>,
    zone: &Zone,
    z: &mut ZoneCoverage,
    c: usize,
    scratch: &mut SearchScratch,
) {
    let seeds: Vec<(VertexId, u32)> = z.access.iter().map(|&v| (v, 0)).collect();
    let count_within = facilities_within(shared, &seeds, scratch);
    let limit = shared.thresholds[c];
    for (i, p) in z.eval.iter().enumerate() {
        let t = point_time(shared, p, c);
        z.point_times_ms[i][c] = t;
        z.covered[i][c] = t.is_some_and(|t| t <= limit);
    }
    z.life_circle_share = life_circle_share(shared.profile, &z.covered);
    z.categories[c] = category_row(shared, &z.access, count_within[c], &z.covered, c);
    let zone_m = project_zone(shared.graph, zone);
    let sites_for = SitesFor {
        zone_m: &zone_m,
        eval: &z.eval,
        covered: &z.covered,
        only: Some(c),
    };
    propose_sites(shared, &sites_for, &mut z.categories, scratch);
}
