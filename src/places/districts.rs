//! Districts: the 街道 (sub-districts), 社区 (communities) and 乡镇 (towns) of a census table,
//! given as polygons with a count and a name in a population GeoJSON.
//!
//! [`super::residents::read_population`] reads each polygon feature with a count as a
//! [`District`] (named by its `街道`, `社区`, `乡镇`, `district`, `name` or `名称` property,
//! else "feature N"), with one unit at its interior point. [`spread_districts`] then spreads each
//! district's count, in this order of preference, over
//!
//! 1. the residential buildings of the OSM estimate whose points lie inside it, by floor area
//!    (the rule a raster cell's people follow: `residents::spread_by_weight`);
//! 2. else the residential areas inside it without mapped homes, by area (the estimate's area
//!    points, each standing for an equal part of its area);
//! 3. else the walkable network inside it: every walk-graph vertex inside gets an equal share
//!    (the unit sits on the vertex);
//! 4. else its interior point, with a warning.
//!
//! The count of every district is kept exactly (up to rounding: the shares of a district add
//! up to its count). Where districts overlap, a building or point counts for the first district
//! in file order, and one warning says how many did.
//!
//! A point CSV with a `district` (`街道`, `社区`, `乡镇`) column names its rows' districts too;
//! those districts have no polygon and their rows stay where they are.

use std::collections::HashMap;

use geo::{Coord, MultiPolygon};

use super::residents::{AreaIndex, ResidentBasis, ResidentUnit, Residents, spread_by_weight};
use super::{Source, ZoneId, Zones};

/// A dense district index: a position in [`Residents::districts`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct DistrictId(pub u32);

/// A district of a planner's population file.
#[derive(Clone, Debug, PartialEq)]
pub struct District {
    /// Its name (`新街口街道`), or "feature N" for an unnamed polygon.
    pub name: String,
    /// Its residents, as the file gives them (summed over the rows naming it for a CSV).
    pub count: f64,
    /// The polygon's geodesic area, m² (`None` for a district named by a CSV column).
    pub area_m2: Option<f64>,
    /// The polygon, WGS-84 (`None` for a district named by a CSV column).
    pub polygon: Option<MultiPolygon>,
    /// The file and feature (or first line) it comes from.
    pub source: Source,
}

/// Collects the districts of a population file while it is read.
#[derive(Default)]
pub(super) struct DistrictTable {
    districts: Vec<District>,
    /// Districts named by a column (no polygon), by name.
    by_name: HashMap<String, DistrictId>,
}

impl DistrictTable {
    /// Records a row: a polygon is a district of its own; a name without polygon joins the
    /// district of that name. Returns the row's district.
    pub(super) fn add(
        &mut self,
        name: Option<String>,
        polygon: Option<MultiPolygon>,
        count: f64,
        source: &Source,
    ) -> Option<DistrictId> {
        let name = name?;
        let next = DistrictId(self.districts.len() as u32);
        if polygon.is_some() {
            self.districts.push(District {
                name,
                count,
                area_m2: polygon.as_ref().map(crate::geom::area_m2),
                polygon,
                source: source.clone(),
            });
            return Some(next);
        }
        let id = *self.by_name.entry(name.clone()).or_insert(next);
        if id == next {
            self.districts.push(District {
                name,
                count: 0.0,
                area_m2: None,
                polygon: None,
                source: source.clone(),
            });
        }
        self.districts[id.0 as usize].count += count;
        Some(id)
    }

    /// The districts, by id.
    pub(super) fn finish(self) -> Vec<District> {
        self.districts
    }
}

/// How a district's count was placed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Placed {
    /// Not yet (or it has no polygon).
    No,
    Buildings,
    Areas,
    Walk,
}

/// Spreads every district polygon's count of `residents` (as read by
/// [`super::residents::read_population`]) over what lies inside it (see the module docs):
/// the residential buildings, else the empty residential areas, of `estimate` (the OSM
/// estimate of the same region), else the walk-graph vertices `walk_vertices()` gives (called
/// only when some district needs them), else its interior point. Units of districts are
/// replaced by their spread units, in file order; other units are kept. Returns the residents
/// and one note per district left at its interior point, plus one for overlapping districts.
pub fn spread_districts(
    residents: Residents,
    estimate: &Residents,
    areas: &Zones,
    walk_vertices: &dyn Fn() -> Vec<Coord>,
) -> (Residents, Vec<String>) {
    let districts = &residents.districts;
    let index = AreaIndex::of_polygons(
        districts
            .iter()
            .enumerate()
            .filter_map(|(i, d)| d.polygon.as_ref().map(|p| (ZoneId(i as u32), p))),
    );
    let mut overlapping = 0usize;
    let mut district_of = |c: Coord| {
        let inside = index.containing(c);
        overlapping += usize::from(inside.len() > 1);
        inside.first().map(|z| z.0 as usize)
    };
    let people: Vec<f64> = districts
        .iter()
        .map(|d| if d.polygon.is_some() { d.count } else { 0.0 })
        .collect();
    let mut placed = vec![Placed::No; districts.len()];
    let mut spread: Vec<Vec<ResidentUnit>> = vec![Vec::new(); districts.len()];
    // Buildings, then empty residential areas, then the walk network.
    for (basis, how) in [
        (ResidentBasis::Building, Placed::Buildings),
        (ResidentBasis::Area, Placed::Areas),
    ] {
        let group_of: Vec<Option<usize>> = estimate
            .units
            .iter()
            .map(|u| {
                (u.basis == basis)
                    .then(|| district_of(u.location))
                    .flatten()
                    .filter(|&d| placed[d] == Placed::No)
            })
            .collect();
        give(
            &people,
            &estimate.units,
            &group_of,
            how,
            &mut placed,
            &mut spread,
        );
    }
    let needs_walk = (0..districts.len()).any(|d| placed[d] == Placed::No && people[d] > 0.0);
    if needs_walk {
        let area_index = AreaIndex::of_polygons(areas.zones.iter().map(|z| (z.id, &z.polygon)));
        let vertices: Vec<ResidentUnit> = walk_vertices()
            .into_iter()
            .map(|location| ResidentUnit {
                location,
                residents: 1.0,
                area: area_index.locate(location),
                basis: ResidentBasis::Supplied,
                source: Source::File {
                    path: String::new(),
                    line: 0,
                },
                district: None,
            })
            .collect();
        let group_of: Vec<Option<usize>> = vertices
            .iter()
            .map(|u| district_of(u.location).filter(|&d| placed[d] == Placed::No))
            .collect();
        give(
            &people,
            &vertices,
            &group_of,
            Placed::Walk,
            &mut placed,
            &mut spread,
        );
    }
    let notes = notes(&residents, &placed, overlapping);
    (assemble(residents, spread, &placed), notes)
}

/// [`spread_districts`] over the OSM estimate of `extract` (made with `options`), when
/// `residents` has district polygons; else `residents` unchanged.
pub fn place_districts(
    residents: Residents,
    extract: &crate::osm::OsmExtract,
    areas: &Zones,
    options: &super::residents::ResidentOptions,
    walk_vertices: &dyn Fn() -> Vec<Coord>,
) -> (Residents, Vec<String>) {
    if !residents.districts.iter().any(|d| d.polygon.is_some()) {
        return (residents, Vec::new());
    }
    let estimate = super::residents::estimate_residents(extract, areas, options);
    spread_districts(residents, &estimate, areas, walk_vertices)
}

/// Gives each district's people to the units of its group ([`spread_by_weight`]) and marks the
/// districts that had something to spread over.
fn give(
    people: &[f64],
    units: &[ResidentUnit],
    group_of: &[Option<usize>],
    how: Placed,
    placed: &mut [Placed],
    spread: &mut [Vec<ResidentUnit>],
) {
    let (shares, weight) = spread_by_weight(people, units, group_of);
    for (g, mut u) in shares {
        u.district = Some(DistrictId(g as u32));
        spread[g].push(u);
    }
    for (p, w) in placed.iter_mut().zip(weight) {
        if *p == Placed::No && w > 0.0 {
            *p = how;
        }
    }
}

/// The units in file order, each district's unit replaced by its spread units.
fn assemble(
    mut residents: Residents,
    mut spread: Vec<Vec<ResidentUnit>>,
    placed: &[Placed],
) -> Residents {
    let units = std::mem::take(&mut residents.units);
    for u in units {
        match u.district.map(|d| d.0 as usize) {
            Some(d) if placed[d] != Placed::No => {
                let mut shares = std::mem::take(&mut spread[d]);
                if let Source::File { path, line } = &u.source {
                    // Walk vertices stand for the district's feature.
                    for s in shares
                        .iter_mut()
                        .filter(|s| s.basis == ResidentBasis::Supplied)
                    {
                        s.source = Source::File {
                            path: path.clone(),
                            line: *line,
                        };
                    }
                }
                residents.units.extend(shares);
            }
            _ => residents.units.push(u),
        }
    }
    residents
}

/// What the planner should know: how the districts were placed, those left at their interior
/// points, and overlaps.
fn notes(residents: &Residents, placed: &[Placed], overlapping: usize) -> Vec<String> {
    let polygons: Vec<(usize, &District)> = residents
        .districts
        .iter()
        .enumerate()
        .filter(|(_, d)| d.polygon.is_some())
        .collect();
    if polygons.is_empty() {
        return Vec::new();
    }
    let n = |how: Placed| polygons.iter().filter(|(i, _)| placed[*i] == how).count();
    let mut out = vec![format!(
        "{} districts: {} spread over residential buildings by floor area, {} over residential areas, {} over walkable roads, {} at their interior points",
        polygons.len(),
        n(Placed::Buildings),
        n(Placed::Areas),
        n(Placed::Walk),
        n(Placed::No),
    )];
    for (i, d) in &polygons {
        if placed[*i] == Placed::No && d.count > 0.0 {
            out.push(format!(
                "{}: district '{}' ({} residents) has no residential building, residential area or walkable road inside it; its residents are placed at its interior point (check its coordinates and --population-crs)",
                feature(&d.source), d.name, d.count
            ));
        }
    }
    if overlapping > 0 {
        out.push(format!(
            "{overlapping} buildings or points lie in more than one district ({} and others): each counts for the first of them in file order (check the file for overlapping polygons)",
            feature(&polygons[0].1.source)
        ));
    }
    out
}

/// "file, feature N" for a district's source.
fn feature(source: &Source) -> String {
    match source {
        Source::File { path, line } => format!("{path}, feature {line}"),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use geo::{Coord, LineString, MultiPolygon, Polygon};

    use super::*;
    use crate::places::ZoneKind;
    use crate::places::residents::ResidentOptions;

    fn square(x: f64, y: f64, side: f64) -> MultiPolygon {
        MultiPolygon(vec![Polygon::new(
            LineString::from(vec![
                (x, y),
                (x + side, y),
                (x + side, y + side),
                (x, y + side),
                (x, y),
            ]),
            vec![],
        )])
    }

    fn unit(x: f64, y: f64, residents: f64, basis: ResidentBasis, id: i64) -> ResidentUnit {
        ResidentUnit {
            location: Coord { x, y },
            residents,
            area: None,
            basis,
            source: Source::Osm(vec![crate::osm::OsmRef::Way(id)]),
            district: None,
        }
    }

    fn file(line: usize) -> Source {
        Source::File {
            path: "d.geojson".into(),
            line,
        }
    }

    /// Districts A, B (overlapping A's east half), C (nothing but roads) and D (nothing).
    fn supplied() -> Residents {
        let mut table = DistrictTable::default();
        let mut units = Vec::new();
        for (i, (name, polygon, count)) in [
            ("A", square(118.0, 32.0, 0.01), 1000.0),
            ("B", square(118.005, 32.0, 0.01), 600.0),
            ("C", square(118.1, 32.0, 0.01), 90.0),
            ("D", square(118.2, 32.0, 0.01), 7.0),
        ]
        .into_iter()
        .enumerate()
        {
            let location = Coord {
                x: polygon.0[0].exterior().0[0].x + 0.001,
                y: 32.001,
            };
            let district = table.add(Some(name.into()), Some(polygon), count, &file(i + 1));
            units.push(ResidentUnit {
                location,
                residents: count,
                area: None,
                basis: ResidentBasis::Supplied,
                source: file(i + 1),
                district,
            });
        }
        Residents {
            units,
            supplied: true,
            options: ResidentOptions::default(),
            scaled_to_total: None,
            districts: table.finish(),
        }
    }

    /// Floor areas 400 m² and 1,200 m² (10 and 30 residents at 40 m² each) inside A only, one
    /// building in A ∩ B (counts for A, the first), one inside B only, one outside all.
    fn estimate() -> Residents {
        let b = ResidentBasis::Building;
        Residents {
            units: vec![
                unit(118.001, 32.005, 10.0, b, 1),
                unit(118.003, 32.005, 30.0, b, 2),
                unit(118.008, 32.005, 20.0, b, 3),
                unit(118.012, 32.005, 5.0, b, 4),
                unit(118.5, 32.5, 99.0, b, 5),
                unit(118.3, 32.005, 1.0, ResidentBasis::Area, 6),
            ],
            supplied: false,
            options: ResidentOptions::default(),
            scaled_to_total: None,
            districts: Vec::new(),
        }
    }

    fn no_areas() -> Zones {
        Zones {
            kind: ZoneKind::Residential,
            zones: Vec::new(),
            too_small: 0,
            notes: Vec::new(),
        }
    }

    #[test]
    fn a_districts_count_goes_to_its_buildings_by_floor_area() {
        let roads = || {
            vec![
                Coord {
                    x: 118.102,
                    y: 32.002,
                },
                Coord {
                    x: 118.105,
                    y: 32.005,
                },
                Coord {
                    x: 118.108,
                    y: 32.008,
                },
                Coord { x: 119.0, y: 33.0 },
            ]
        };
        let (r, notes) = spread_districts(supplied(), &estimate(), &no_areas(), &roads);
        let of = |name: &str| -> Vec<f64> {
            let d = r.districts.iter().position(|d| d.name == name).unwrap();
            r.units
                .iter()
                .filter(|u| u.district == Some(DistrictId(d as u32)))
                .map(|u| u.residents)
                .collect()
        };
        // A: 1000 over floor areas 10 : 30 : 20 (the building in A ∩ B counts for A).
        let a = of("A");
        assert_eq!(a.len(), 3);
        for (got, want) in a.iter().zip([1000.0 / 6.0, 500.0, 1000.0 / 3.0]) {
            assert!((got - want).abs() < 1e-9, "{a:?}");
        }
        // B: all 600 on its only own building.
        assert_eq!(of("B"), [600.0]);
        // C: no building or area: 90 over the three road vertices inside it, 30 each.
        assert_eq!(of("C"), [30.0, 30.0, 30.0]);
        // D: nothing inside: its interior point, with a note naming the file and feature.
        assert_eq!(of("D"), [7.0]);
        assert!(
            notes.iter().any(|n| n.contains("d.geojson, feature 4")
                && n.contains("'D'")
                && n.contains("interior point")),
            "{notes:?}"
        );
        assert!(notes[0].starts_with("4 districts: 2 spread over residential buildings"));
        assert!(
            notes
                .iter()
                .any(|n| n.starts_with("1 buildings or points lie in more than one"))
        );
        assert!((r.total() - 1697.0).abs() < 1e-9);
        // Units keep file order: A's, then B's, C's, D's; buildings keep their OSM source.
        let order: Vec<u32> = r.units.iter().map(|u| u.district.unwrap().0).collect();
        assert_eq!(order, [0, 0, 0, 1, 2, 2, 2, 3]);
        assert_eq!(
            r.units[0].source,
            Source::Osm(vec![crate::osm::OsmRef::Way(1)])
        );
        assert_eq!(r.units[4].source, file(3));
    }

    #[test]
    fn residential_areas_come_before_roads() {
        let mut s = supplied();
        s.units.truncate(1);
        s.districts.truncate(1);
        let mut e = estimate();
        // Only area points inside A: 4 points of equal area share its count equally.
        e.units = (0..4)
            .map(|i| {
                unit(
                    118.001 + 0.002 * f64::from(i),
                    32.005,
                    2.5,
                    ResidentBasis::Area,
                    7,
                )
            })
            .collect();
        let roads = || {
            vec![Coord {
                x: 118.005,
                y: 32.005,
            }]
        };
        let (r, _) = spread_districts(s, &e, &no_areas(), &roads);
        let shares: Vec<f64> = r.units.iter().map(|u| u.residents).collect();
        assert_eq!(shares, [250.0; 4]);
        assert!(r.units.iter().all(|u| u.basis == ResidentBasis::Area));
    }

    #[test]
    fn named_rows_without_polygon_share_one_district() {
        let mut table = DistrictTable::default();
        let a = table.add(Some("新街口街道".into()), None, 10.0, &file(2));
        let b = table.add(Some("华侨路街道".into()), None, 5.0, &file(3));
        let c = table.add(Some("新街口街道".into()), None, 7.0, &file(4));
        assert_eq!(table.add(None, None, 1.0, &file(5)), None);
        assert_eq!((a, b, c), (Some(DistrictId(0)), Some(DistrictId(1)), a));
        let d = table.finish();
        assert_eq!(d[0].count, 17.0);
        assert_eq!(d[1].area_m2, None);
    }
}
