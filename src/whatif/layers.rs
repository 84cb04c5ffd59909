//! The map layers of a session as GeoJSON FeatureCollections (lon/lat, 6 decimals).

use geo::{Coord, MultiPolygon};
use serde_json::{Value, json};

use super::Session;
use super::summary::round6;
use crate::places::Zone;

fn point(c: Coord) -> Value {
    json!({"type": "Point", "coordinates": [round6(c.x), round6(c.y)]})
}

fn ring(ls: &geo::LineString) -> Value {
    Value::Array(
        ls.0.iter()
            .map(|c| json!([round6(c.x), round6(c.y)]))
            .collect(),
    )
}

fn multipolygon(mp: &MultiPolygon) -> Value {
    let polys: Vec<Value> =
        mp.0.iter()
            .map(|p| {
                let mut rings = vec![ring(p.exterior())];
                rings.extend(p.interiors().iter().map(ring));
                Value::Array(rings)
            })
            .collect();
    json!({"type": "MultiPolygon", "coordinates": polys})
}

fn feature(geometry: Value, properties: Value) -> Value {
    json!({"type": "Feature", "geometry": geometry, "properties": properties})
}

fn collection(features: Vec<Value>) -> Value {
    json!({"type": "FeatureCollection", "features": features})
}

/// Every layer of the session; only `park`'s bands, gaps, sites and reach when given.
pub fn layers(s: &Session, park: Option<&str>) -> Value {
    let run = s.run();
    let zones: &[Zone] = run.parks.as_ref().map_or(&[], |z| &z.zones);
    let wanted = |z: &Zone| park.is_none_or(|p| z.code.eq_ignore_ascii_case(p.trim()));
    let lang = s.lang();
    let mut parks = Vec::new();
    let mut gates = Vec::new();
    for (i, z) in zones.iter().enumerate() {
        let name = crate::lang::zone_name(z, lang);
        parks.push(feature(
            multipolygon(&z.polygon),
            json!({"id": z.code, "name": name}),
        ));
        for (g, id) in z.gates.iter().zip(s.gate_ids(i)) {
            gates.push(feature(point(*g), json!({"id": id, "park": z.code})));
        }
    }
    let (mut facilities, mut bands, mut gaps, mut sites) = (vec![], vec![], vec![], vec![]);
    if let Ok(lc) = &run.life_circle {
        let cats = &lc.profile.categories;
        for (a, id) in lc.amenities.iter().zip(s.facility_ids()) {
            facilities.push(feature(
                point(a.location),
                json!({"id": id, "category": cats.get(a.category).map(|c| c.id.as_str()),
                       "name": a.name, "source": a.source.to_string()}),
            ));
        }
        for zc in &lc.report.zones {
            let z = &zones[zc.zone.0 as usize];
            if !wanted(z) {
                continue;
            }
            for iso in &zc.isochrones {
                bands.push(feature(
                    multipolygon(&iso.polygon),
                    json!({"park": z.code, "minutes": iso.minutes}),
                ));
            }
            for (p, row) in zc.eval.iter().zip(&zc.covered) {
                for (c, &ok) in row.iter().enumerate() {
                    if !ok && cats[c].required {
                        gaps.push(feature(
                            point(p.location),
                            json!({"park": z.code, "category": cats[c].id}),
                        ));
                    }
                }
            }
            for cc in &zc.categories {
                for site in &cc.sites {
                    let label = format!("{}-{}{}", z.code, cats[cc.category].id, site.rank);
                    sites.push(feature(
                        point(site.location),
                        json!({"park": z.code, "category": cats[cc.category].id,
                               "rank": site.rank, "label": label}),
                    ));
                }
            }
        }
    }
    let mut reach = Vec::new();
    if let Ok(c) = &run.commute {
        for pc in &c.report.parks {
            let z = &zones[pc.zone.0 as usize];
            if !wanted(z) {
                continue;
            }
            for m in &pc.modes {
                reach.push(feature(
                    multipolygon(&m.reach),
                    json!({"park": z.code, "mode": m.mode.name()}),
                ));
            }
        }
    }
    let (bus_lines, bus_stops) = bus_layers(s, zones);
    json!({
        "parks": collection(parks), "gates": collection(gates),
        "facilities": collection(facilities), "bands": collection(bands),
        "gaps": collection(gaps), "sites": collection(sites), "reach": collection(reach),
        "bus_lines": collection(bus_lines), "bus_stops": collection(bus_stops),
    })
}

/// The planned bus lines (their stops in order, `stale` when an edit since they were planned
/// may change them) and the session's pick-up stops (gate stops are the lines' ends).
fn bus_layers(s: &Session, zones: &[Zone]) -> (Vec<Value>, Vec<Value>) {
    let (mut lines, mut stops) = (Vec::new(), Vec::new());
    let Ok(bus) = &s.run().bus else {
        return (lines, stops);
    };
    let plan = &bus.plan;
    for line in &plan.lines {
        let coords: Vec<Value> = line
            .stops
            .iter()
            .filter_map(|id| plan.stops.get(id.0 as usize))
            .map(|st| json!([round6(st.location.x), round6(st.location.y)]))
            .collect();
        let park: Vec<&str> = line
            .parks
            .iter()
            .filter_map(|p| zones.get(p.0 as usize).map(|z| z.code.as_str()))
            .collect();
        lines.push(feature(
            json!({"type": "LineString", "coordinates": coords}),
            json!({"id": line.code, "name": line.name, "park": park.join(","),
                   "stale": s.line_stale(&line.code)}),
        ));
    }
    for stop in s.bus_stops() {
        stops.push(feature(
            point(stop.location),
            json!({"id": stop.code, "name": stop.name,
                   "line": super::stops::line_of(plan, stop)}),
        ));
    }
    (lines, stops)
}
