//! Parser for the Cordeau (2006) dial-a-ride benchmark format.
//!
//! ```text
//! m 2n T Q L                       vehicles, pickup+delivery nodes, max route
//!                                  duration, capacity, max ride time
//! id x y service load tw_start tw_end   one line per node: depot 0,
//!                                  pickups 1..n, deliveries n+1..2n,
//!                                  optionally the end depot 2n+1
//! ```
//!
//! Travel time and cost are the Euclidean distance. All `m` vehicles are
//! available; a route departs from node 0 no earlier than its window start
//! and returns to the end depot (line `2n+1` if present, else a copy of
//! node 0) no later than that node's window end. Every request gets the
//! unserved penalty [`UNSERVED_PENALTY`]. Errors name the file and the line.

use std::path::Path;

use super::instance::{
    LocationId, Matrix, ModelError, Node, NodeId, Problem, Request, TimeWindow, Vehicle,
};

/// Optimal or best-known total distances of the 21 "a" instances (Ropke, Cordeau & Laporte 2007;
/// Braekers, Caris & Janssens 2014), as listed in the data README.
pub const REFERENCE_COSTS: [(&str, f64); 21] = [
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

/// Penalty charged per unserved request in parsed Cordeau problems (the
/// benchmark requires every request served, so it dwarfs any route cost).
pub const UNSERVED_PENALTY: f64 = 100_000.0;

/// The most requests (`n`, half the header's `2n`) a file may declare: the dense travel-time and
/// cost matrices grow with (2n+2)², about 130 MB at this cap (the largest benchmark has 96).
pub const MAX_REQUESTS: i64 = 1_000;

/// The most vehicles (`m`) a file may declare; every vehicle is one route in the search
/// (the largest benchmark has 8).
pub const MAX_VEHICLES: i64 = 1_000;

/// The largest vehicle capacity (`Q`) a file may declare (the benchmark uses 3 to 6).
pub const MAX_CAPACITY: i64 = 10_000;

/// The largest time (window bound, duration, ride time), minutes: ten years. Larger values
/// lose the precision the schedule checks need.
pub const MAX_TIME_MIN: f64 = 5_256_000.0;

/// Errors while reading a Cordeau instance.
#[derive(Debug, thiserror::Error)]
pub enum CordeauError {
    /// The file could not be read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// File name.
        file: String,
        /// Underlying error.
        source: std::io::Error,
    },
    /// The file has no header line.
    #[error("{file}: empty file, expected header `m 2n T Q L`")]
    Empty {
        /// File name.
        file: String,
    },
    /// A line has the wrong number of fields.
    #[error("{file}:{line}: expected {expected} fields, found {found}")]
    FieldCount {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Expected number of fields.
        expected: usize,
        /// Fields found.
        found: usize,
    },
    /// A field is not a valid number.
    #[error("{file}:{line}: field `{field}` is not a valid {kind}: {text:?}")]
    Field {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Name of the field.
        field: &'static str,
        /// Expected kind ("integer" or "finite number").
        kind: &'static str,
        /// Offending text.
        text: String,
    },
    /// A header count is above its cap (checked before anything is allocated for it).
    #[error(
        "{file}:1: {field} is {value}, above the cap of {cap}; split the instance or check the header `m 2n T Q L`"
    )]
    OverCap {
        /// File name.
        file: String,
        /// The header field.
        field: &'static str,
        /// The value read.
        value: String,
        /// The cap.
        cap: String,
    },
    /// The header is inconsistent (odd node count, zero vehicles, ...).
    #[error("{file}:1: invalid header: {reason}")]
    Header {
        /// File name.
        file: String,
        /// Explanation.
        reason: String,
    },
    /// A node line carries an unexpected id.
    #[error("{file}:{line}: expected node id {expected}, found {found}")]
    NodeId {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
        /// Expected id.
        expected: usize,
        /// Id found.
        found: i64,
    },
    /// The file ends before all nodes were listed.
    #[error("{file}:{line}: file ends after {found} of {expected} node lines")]
    Truncated {
        /// File name.
        file: String,
        /// Line number just past the end of the file.
        line: usize,
        /// Node lines expected (2n+1).
        expected: usize,
        /// Node lines found.
        found: usize,
    },
    /// Extra non-empty lines after the last node.
    #[error("{file}:{line}: unexpected line after the last node")]
    Trailing {
        /// File name.
        file: String,
        /// 1-based line number.
        line: usize,
    },
    /// The parsed data does not form a consistent problem.
    #[error("{file}: inconsistent instance: {source}")]
    Model {
        /// File name.
        file: String,
        /// Underlying model error.
        source: ModelError,
    },
}

/// Reads and parses a Cordeau instance file; the problem is named after the
/// file stem.
pub fn parse_file(path: &Path) -> Result<Problem, CordeauError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| CordeauError::Io {
        file: file.clone(),
        source,
    })?;
    let mut problem = parse_str(&file, &text)?;
    if let Some(stem) = path.file_stem() {
        problem.name = stem.to_string_lossy().into_owned();
    }
    Ok(problem)
}

struct RawNode {
    x: f64,
    y: f64,
    service_min: f64,
    load: i32,
    earliest_min: f64,
    latest_min: f64,
}

fn number(file: &str, line: usize, field: &'static str, text: &str) -> Result<f64, CordeauError> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(CordeauError::Field {
            file: file.to_string(),
            line,
            field,
            kind: "finite number",
            text: text.to_string(),
        }),
    }
}

/// A finite time in minutes no larger in magnitude than [`MAX_TIME_MIN`].
fn time(file: &str, line: usize, field: &'static str, text: &str) -> Result<f64, CordeauError> {
    let v = number(file, line, field, text)?;
    if v.abs() > MAX_TIME_MIN {
        return Err(CordeauError::Field {
            file: file.to_string(),
            line,
            field,
            kind: "time of at most 5256000 minutes (ten years)",
            text: text.to_string(),
        });
    }
    Ok(v)
}

fn integer(file: &str, line: usize, field: &'static str, text: &str) -> Result<i64, CordeauError> {
    text.parse::<i64>().map_err(|_| CordeauError::Field {
        file: file.to_string(),
        line,
        field,
        kind: "integer",
        text: text.to_string(),
    })
}

/// Refuses header counts above the caps before anything is allocated for them.
fn check_caps(
    file: &str,
    vehicles: i64,
    node_count: i64,
    capacity: i64,
    durations_min: [f64; 2],
) -> Result<(), CordeauError> {
    let over = |field: &'static str, value: String, cap: String| CordeauError::OverCap {
        file: file.to_string(),
        field,
        value,
        cap,
    };
    if vehicles > MAX_VEHICLES {
        return Err(over(
            "m (vehicles)",
            vehicles.to_string(),
            MAX_VEHICLES.to_string(),
        ));
    }
    if node_count > 2 * MAX_REQUESTS {
        let cap = format!("{} (= {MAX_REQUESTS} requests)", 2 * MAX_REQUESTS);
        return Err(over("2n (nodes)", node_count.to_string(), cap));
    }
    if capacity > MAX_CAPACITY {
        return Err(over(
            "Q (capacity)",
            capacity.to_string(),
            MAX_CAPACITY.to_string(),
        ));
    }
    for (field, v) in ["T (max route duration)", "L (max ride time)"]
        .into_iter()
        .zip(durations_min)
    {
        if v.abs() > MAX_TIME_MIN {
            return Err(over(
                field,
                v.to_string(),
                format!("{MAX_TIME_MIN} minutes"),
            ));
        }
    }
    Ok(())
}

fn fields<'a>(
    file: &str,
    line: usize,
    text: &'a str,
    expected: usize,
) -> Result<Vec<&'a str>, CordeauError> {
    let f: Vec<&str> = text.split_whitespace().collect();
    if f.len() != expected {
        return Err(CordeauError::FieldCount {
            file: file.to_string(),
            line,
            expected,
            found: f.len(),
        });
    }
    Ok(f)
}

/// Parses the text of a Cordeau instance; `file` is used in error messages
/// and as the problem name.
pub fn parse_str(file: &str, text: &str) -> Result<Problem, CordeauError> {
    // Non-empty lines with their 1-based numbers.
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l))
        .filter(|(_, l)| !l.trim().is_empty());
    let total_lines = text.lines().count();

    let (hline, header) = lines.next().ok_or_else(|| CordeauError::Empty {
        file: file.to_string(),
    })?;
    let h = fields(file, hline, header, 5)?;
    let vehicles = integer(file, hline, "m (vehicles)", h[0])?;
    let node_count = integer(file, hline, "2n (nodes)", h[1])?;
    let max_duration_min = number(file, hline, "T (max route duration)", h[2])?;
    let capacity = integer(file, hline, "Q (capacity)", h[3])?;
    let max_ride_min = number(file, hline, "L (max ride time)", h[4])?;
    check_caps(
        file,
        vehicles,
        node_count,
        capacity,
        [max_duration_min, max_ride_min],
    )?;
    let header_err = |reason: &str| CordeauError::Header {
        file: file.to_string(),
        reason: reason.to_string(),
    };
    if vehicles <= 0 {
        return Err(header_err("vehicle count must be positive"));
    }
    if node_count <= 0 || node_count % 2 != 0 {
        return Err(header_err("node count 2n must be positive and even"));
    }
    let capacity = u32::try_from(capacity).map_err(|_| header_err("capacity out of range"))?;
    if max_duration_min < 0.0 || max_ride_min < 0.0 {
        return Err(header_err("durations must be non-negative"));
    }
    let node_count = node_count as usize;
    let n = node_count / 2;

    let mut raw: Vec<RawNode> = Vec::with_capacity(node_count + 2);
    for expected in 0..=node_count + 1 {
        let Some((line, text)) = lines.next() else {
            if expected == node_count + 1 {
                break; // the end depot line is optional
            }
            return Err(CordeauError::Truncated {
                file: file.to_string(),
                line: total_lines + 1,
                expected: node_count + 1,
                found: expected,
            });
        };
        let f = fields(file, line, text, 7)?;
        let id = integer(file, line, "id", f[0])?;
        if id != expected as i64 {
            return Err(CordeauError::NodeId {
                file: file.to_string(),
                line,
                expected,
                found: id,
            });
        }
        let load = integer(file, line, "load", f[4])?;
        let load = i32::try_from(load).map_err(|_| CordeauError::Field {
            file: file.to_string(),
            line,
            field: "load",
            kind: "integer",
            text: f[4].to_string(),
        })?;
        raw.push(RawNode {
            x: number(file, line, "x", f[1])?,
            y: number(file, line, "y", f[2])?,
            service_min: time(file, line, "service time", f[3])?,
            load,
            earliest_min: time(file, line, "time window start", f[5])?,
            latest_min: time(file, line, "time window end", f[6])?,
        });
    }
    if let Some((line, _)) = lines.next() {
        return Err(CordeauError::Trailing {
            file: file.to_string(),
            line,
        });
    }
    if raw.len() == node_count + 1 {
        let d = &raw[0];
        let end = RawNode {
            x: d.x,
            y: d.y,
            service_min: d.service_min,
            load: d.load,
            earliest_min: d.earliest_min,
            latest_min: d.latest_min,
        };
        raw.push(end);
    }

    let nodes: Vec<Node> = raw
        .iter()
        .enumerate()
        .map(|(i, r)| Node {
            location: LocationId(i),
            time_window: TimeWindow::new(r.earliest_min, r.latest_min),
            service_min: r.service_min,
            load_delta: r.load,
        })
        .collect();
    let dist = Matrix::from_fn(raw.len(), |a, b| {
        let (p, q) = (&raw[a.0], &raw[b.0]);
        ((p.x - q.x).powi(2) + (p.y - q.y).powi(2)).sqrt()
    });
    let end_depot = NodeId(node_count + 1);
    let vehicle = Vehicle {
        capacity,
        start_depot: NodeId(0),
        end_depot,
        time_window: TimeWindow::new(
            nodes[0].time_window.earliest_min,
            nodes[end_depot.0].time_window.latest_min,
        ),
        max_duration_min,
        fixed_cost: 0.0,
        cost_per_duration_min: 0.0,
    };
    let problem = Problem {
        name: file.to_string(),
        nodes,
        vehicles: vec![vehicle; vehicles as usize],
        requests: (1..=n)
            .map(|i| Request {
                pickup: NodeId(i),
                delivery: NodeId(n + i),
                max_ride_min,
                unserved_penalty: UNSERVED_PENALTY,
            })
            .collect(),
        travel_min: dist.clone(),
        cost: dist,
        one_call_per_location: false,
    };
    problem.validate().map_err(|source| CordeauError::Model {
        file: file.to_string(),
        source,
    })?;
    Ok(problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SMALL: &str = "1 4 100 2 30
  0 0.0 0.0 0 0 0 480
  1 3.0 4.0 3 1 0 1440
  2 6.0 8.0 3 1 0 1440
  3 0.0 4.0 3 -1 10 60
  4 6.0 0.0 3 -1 20 70
";

    #[test]
    fn parses_small_instance() {
        let p = parse_str("small", SMALL).expect("valid instance");
        assert_eq!(p.nodes.len(), 6);
        assert_eq!(p.requests.len(), 2);
        assert_eq!(p.vehicles.len(), 1);
        assert_eq!(p.vehicles[0].capacity, 2);
        assert_eq!(p.requests[1].pickup, NodeId(2));
        assert_eq!(p.requests[1].delivery, NodeId(4));
        assert_eq!(p.requests[0].max_ride_min, 30.0);
        assert!((p.travel_min(NodeId(0), NodeId(1)) - 5.0).abs() < 1e-12);
        // End depot copied from node 0.
        assert_eq!(p.vehicles[0].end_depot, NodeId(5));
        assert_eq!(p.vehicles[0].time_window, TimeWindow::new(0.0, 480.0));
    }

    #[test]
    fn explicit_end_depot_bounds_routes() {
        let text = format!("{SMALL}  5 0.0 0.0 0 0 0 300\n");
        let p = parse_str("small", &text).expect("valid instance");
        assert_eq!(p.nodes.len(), 6);
        assert_eq!(p.vehicles[0].time_window.latest_min, 300.0);
    }

    #[test]
    fn truncated_file_names_file_and_line() {
        let text: String = SMALL.lines().take(4).map(|l| format!("{l}\n")).collect();
        let err = parse_str("trunc.txt", &text).expect_err("truncated");
        assert!(matches!(
            err,
            CordeauError::Truncated {
                line: 5,
                expected: 5,
                found: 3,
                ..
            }
        ));
        assert!(err.to_string().starts_with("trunc.txt:5:"), "{err}");
    }

    #[test]
    fn non_numeric_field_names_file_and_line() {
        let text = SMALL.replace("6.0 8.0", "6.0 abc");
        let err = parse_str("bad.txt", &text).expect_err("non-numeric");
        assert!(
            matches!(
                err,
                CordeauError::Field {
                    line: 4,
                    field: "y",
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("bad.txt:4"), "{err}");
    }

    #[test]
    fn wrong_field_count_and_id_are_reported() {
        let err = parse_str("f", &SMALL.replace("0 480", "480")).expect_err("short line");
        assert!(matches!(err, CordeauError::FieldCount { line: 2, .. }));
        let err = parse_str("f", &SMALL.replace("  2 6.0", "  7 6.0")).expect_err("bad id");
        assert!(matches!(
            err,
            CordeauError::NodeId {
                line: 4,
                expected: 2,
                found: 7,
                ..
            }
        ));
    }

    #[test]
    fn bad_header_and_empty_file() {
        assert!(matches!(
            parse_str("e", "  \n"),
            Err(CordeauError::Empty { .. })
        ));
        let err = parse_str("h", &SMALL.replacen("1 4", "1 5", 1)).expect_err("odd");
        assert!(matches!(err, CordeauError::Header { .. }));
        let err = parse_str("h", &SMALL.replacen("1 4 100", "1 4 x", 1)).expect_err("nan");
        assert!(matches!(err, CordeauError::Field { line: 1, .. }));
    }

    #[test]
    fn header_counts_above_the_caps_are_refused_before_allocating() {
        // Regression (issue 10): 2^62 nodes or 10^18 vehicles panicked with `capacity
        // overflow`, 10^11 vehicles ate all memory.
        for (header, field) in [
            ("1 4611686018427387904 100 2 30", "2n (nodes)"),
            ("1000000000000000000 4 100 2 30", "m (vehicles)"),
            ("100000000000 4 100 2 30", "m (vehicles)"),
            ("1 4 100 4000000000 30", "Q (capacity)"),
            ("1 4 1e300 2 30", "T (max route duration)"),
        ] {
            let text = SMALL.replacen("1 4 100 2 30", header, 1);
            let err = parse_str("big.txt", &text).expect_err(header);
            assert!(
                matches!(err, CordeauError::OverCap { field: f, .. } if f == field),
                "{header}: {err:?}"
            );
            assert!(err.to_string().contains("above the cap of"), "{err}");
        }
        let err = parse_str("t", &SMALL.replace("0 480", "0 1e12")).expect_err("huge window");
        assert!(
            matches!(err, CordeauError::Field { line: 2, .. }),
            "{err:?}"
        );
    }

    #[test]
    fn inconsistent_loads_are_a_model_error() {
        let err = parse_str("l", &SMALL.replace("3 -1 10 60", "3 -2 10 60")).expect_err("load");
        assert!(matches!(err, CordeauError::Model { .. }));
    }

    #[test]
    fn trailing_garbage_is_rejected() {
        let text = format!("{SMALL}  5 0.0 0.0 0 0 0 300\n6 1 1 1 1 1 1\n");
        assert!(matches!(
            parse_str("t", &text),
            Err(CordeauError::Trailing { line: 8, .. })
        ));
    }

    #[test]
    fn missing_file_is_io_error() {
        let err = parse_file(Path::new("/nonexistent/x.txt")).expect_err("missing");
        assert!(matches!(err, CordeauError::Io { .. }));
    }

    #[test]
    fn parses_all_benchmark_files_if_present() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/darp");
        let Ok(entries) = std::fs::read_dir(&dir) else {
            println!("skipped: {} is absent", dir.display());
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            if path.extension().is_some_and(|x| x == "txt") {
                let p = parse_file(&path).expect("benchmark parses");
                assert_eq!(p.nodes.len(), 2 * p.requests.len() + 2);
            }
        }
    }
}
