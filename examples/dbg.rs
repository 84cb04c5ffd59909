fn main() {
    let x = lifecircle::osm::OsmExtract::demo();
    let g = lifecircle::graph::build_graph(&x, &Default::default()).unwrap();
    let (lines, stats) = lifecircle::commute::transit::osm_lines(&x, &g, &Default::default());
    println!("{stats:?} lines {}", lines.lines.len());
    for r in x.bus_routes.iter().take(5) {
        println!("route {} stops {} ways {} tags {:?}", r.id, r.stops.len(), r.ways.len(), r.tags.get("name"));
        for s in r.stops.iter().take(3) { println!("   {:?} snap {:?}", s, g.snap(lifecircle::graph::Mode::Bus, s.location, 100.0).map(|s| s.distance_m)); }
    }
    let areas = lifecircle::places::residential_zones(&x);
    let res = lifecircle::places::residents::estimate_residents(&x, &areas, &Default::default());
    for u in res.units.iter().filter(|u| u.basis == lifecircle::places::residents::ResidentBasis::Area) {
        println!("area unit {:.0} at {:?} car snap {:?}", u.residents, u.location, g.snap(lifecircle::graph::Mode::Car, u.location, 500.0).map(|s| s.distance_m));
    }
}
