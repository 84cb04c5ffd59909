//! The optimiser on every Cordeau dial-a-ride instance in `../shared/data/darp/` (skipped when
//! absent): with a short, fixed iteration budget each solution is feasible and complete by the
//! independent checker, the optimiser's objective equals the checker's recomputed cost (the
//! figure `lifecircle darp` prints), and no cost is below the published optimum.

use std::path::Path;

use lifecircle::drt::check::check;
use lifecircle::drt::cordeau::parse_file;
use lifecircle::drt::optimise::{Config, optimise};

/// Optimal or best-known costs, from the data README.
const REFERENCE: [(&str, f64); 21] = [
    ("a2-16", 294.25),
    ("a2-20", 344.83),
    ("a2-24", 431.12),
    ("a3-24", 344.83),
    ("a3-30", 494.85),
    ("a3-36", 583.19),
    ("a4-32", 485.50),
    ("a4-40", 557.69),
    ("a4-48", 668.82),
    ("a5-40", 498.41),
    ("a5-50", 686.62),
    ("a5-60", 808.42),
    ("a6-48", 604.12),
    ("a6-60", 819.25),
    ("a6-72", 916.05),
    ("a7-56", 724.04),
    ("a7-70", 889.12),
    ("a7-84", 1033.37),
    ("a8-64", 747.46),
    ("a8-80", 945.73),
    ("a8-96", 1229.66),
];

#[test]
fn every_instance_is_solved_feasibly_and_costed_like_the_checker() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/darp");
    if !dir.exists() {
        println!("skipped: {} is absent", dir.display());
        return;
    }
    let config = Config {
        time_limit_s: None,
        max_iterations: Some(150),
        ..Config::default()
    };
    for (name, reference) in REFERENCE {
        let problem = parse_file(&dir.join(format!("{name}.txt"))).unwrap();
        let outcome = optimise(&problem, &config).unwrap();
        let report = check(&problem, &outcome.solution.without_schedules()).unwrap();
        assert!(report.is_complete(), "{name}: {:?}", report.violations);
        assert!(
            (report.objective - outcome.objective.total).abs() < 1e-6,
            "{name}: optimiser {} vs checker {}",
            outcome.objective.total,
            report.objective
        );
        assert!(
            report.objective >= reference - 0.01,
            "{name}: below the optimum"
        );
        assert!(
            report.objective <= reference * 1.10,
            "{name}: {} is more than 10 % above {reference}",
            report.objective
        );
    }
}
