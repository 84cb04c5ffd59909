//! The optimiser on every Cordeau dial-a-ride instance in `../shared/data/darp/` (skipped when
//! absent): with a short, fixed iteration budget each solution is feasible and complete by the
//! independent checker, the optimiser's objective equals the checker's recomputed cost (the
//! figure `lifecircle darp` prints), and no cost is below the published optimum.

use std::path::Path;

use lifecircle::drt::check::check;
use lifecircle::drt::cordeau::{REFERENCE_COSTS, parse_file};
use lifecircle::drt::optimise::{Config, optimise};

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
    for (name, reference) in REFERENCE_COSTS {
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
