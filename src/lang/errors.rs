//! The crate's [`Error`] in the run's language: `Display` stays English (logs, scripts, the
//! `serve` API); [`Error::text`] is what the binary prints at exit 2 under `--lang zh`. Each
//! variant's frame is written here; the free text a variant carries (a hint, a problem, the
//! operating system's reason) goes through the message [`catalog`](super::catalog).

use super::Lang;
use super::catalog::zh_message;
use crate::Error;
use crate::error::IoAction;

/// What to do when a file cannot be written, created or renamed.
const WRITE_ADVICE_ZH: &str = "；请检查该文件夹可写且有剩余空间";

/// A mode's name (`walk`) for people.
fn mode_zh(mode: &str) -> &str {
    match mode {
        "walk" => "步行",
        "bike" => "自行车",
        "ebike" => "电动自行车",
        "bus" => "公交",
        "car" => "小汽车",
        other => other,
    }
}

/// The operating system's reason in Chinese.
pub fn io_reason_zh(cause: &std::io::Error) -> String {
    use std::io::ErrorKind;
    match cause.kind() {
        ErrorKind::NotFound => "文件或文件夹不存在".into(),
        ErrorKind::PermissionDenied => "没有访问权限".into(),
        ErrorKind::AlreadyExists => "已存在".into(),
        ErrorKind::AddrInUse => "地址已被占用".into(),
        ErrorKind::AddrNotAvailable => "该地址不属于本机".into(),
        _ => zh_message(&cause.to_string()),
    }
}

impl Error {
    /// The message in Chinese: the same facts (file, value, point) and what to do.
    pub fn zh(&self) -> String {
        match self {
            Error::Io {
                path,
                action,
                cause,
            } => {
                let (verb, advice) = match action {
                    IoAction::Read => ("读取", ""),
                    IoAction::Write => ("写入", WRITE_ADVICE_ZH),
                    IoAction::Create => ("创建", WRITE_ADVICE_ZH),
                    IoAction::Rename => ("重命名", WRITE_ADVICE_ZH),
                };
                format!(
                    "无法{verb} {}：{}{advice}",
                    path.display(),
                    io_reason_zh(cause)
                )
            }
            Error::Pbf { path, cause } => format!(
                "{} 不是可读取的 OSM PBF 文件（{}）；请确认它是 .osm.pbf 数据，且已完整下载",
                path.display(),
                zh_message(cause)
            ),
            Error::NoRoads { path, detail } => format!(
                "{} 中没有可通行的道路（{}）；区域是否正确，数据中是否有 highway=* 道路？",
                path.display(),
                zh_message(detail)
            ),
            Error::PointFarFromRoad {
                lon,
                lat,
                distance_m,
                max_distance_m,
                mode,
            } => {
                let mode = mode_zh(mode);
                let distance = if distance_m.is_finite() {
                    format!("距最近的{mode}可用道路 {distance_m:.0} 米")
                } else {
                    format!("附近没有{mode}可用的道路")
                };
                format!(
                    "点 {lon:.6},{lat:.6} {distance}（上限 {max_distance_m:.0} 米）；请把点移到路网上，或检查坐标（经纬度顺序、坐标系）"
                )
            }
            Error::NoZones { path, what } => format!(
                "{} 中没有{}；请用 --parks 文件.geojson 给出园区边界（带名称的 Polygon 要素）",
                path.display(),
                zh_message(what)
            ),
            Error::InvalidValue { what, value, hint } => {
                // `what` is a label ("input file") or a scenario key, kept.
                format!("{}“{value}”无效：{}", zh_message(what), zh_message(hint))
            }
            Error::Output { path, problem } => {
                format!("{}：{}", path.display(), zh_message(problem))
            }
            Error::OutOfRange {
                setting,
                value,
                range,
            } => format!("{setting} = {value} 不可接受：{}", zh_message(range)),
            Error::GivenStop { code, problem } => {
                format!("公交站点“{code}”无效：{}", problem.text(Lang::Zh))
            }
            Error::Plan(text) => zh_message(text),
            Error::PortInUse { addr } => format!(
                "无法在 {addr} 上提供服务：该端口已被其他程序占用；请用 --port N 另选端口（--port 0 自动选择空闲端口）"
            ),
            Error::Bind { addr, cause } => format!(
                "无法在 {addr} 上提供服务：{}；请使用 --host 127.0.0.1 与大于 1023 的 --port，或用 --port 0 自动选择空闲端口",
                io_reason_zh(cause)
            ),
        }
    }

    /// The message in `lang` (English is `Display`).
    pub fn text(&self, lang: Lang) -> String {
        match lang {
            Lang::En => self.to_string(),
            Lang::Zh => self.zh(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// The ASCII words of `zh` that are neither the facts given nor kept names.
    fn english_words(zh: &str, kept: &[&str]) -> Vec<String> {
        zh.split(|c: char| !(c.is_ascii_alphabetic() || c == '_' || c == '-' || c == '.'))
            .filter(|w| w.chars().filter(char::is_ascii_lowercase).count() >= 4)
            .filter(|w| !kept.contains(w))
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn an_io_error_says_whether_it_read_wrote_created_or_renamed() {
        let denied = || std::io::Error::from(std::io::ErrorKind::PermissionDenied);
        let cases = [
            (
                IoAction::Read,
                "cannot read out/a.csv",
                "无法读取 out/a.csv：没有访问权限",
            ),
            (
                IoAction::Write,
                "cannot write out/a.csv",
                "无法写入 out/a.csv：没有访问权限；",
            ),
            (
                IoAction::Create,
                "cannot create out/a.csv",
                "无法创建 out/a.csv",
            ),
            (
                IoAction::Rename,
                "cannot rename out/a.csv",
                "无法重命名 out/a.csv",
            ),
        ];
        for (action, en, zh) in cases {
            let e = Error::Io {
                path: PathBuf::from("out/a.csv"),
                action,
                cause: denied(),
            };
            assert!(e.to_string().starts_with(en), "{e}");
            assert!(e.zh().starts_with(zh), "{}", e.zh());
            assert_eq!(
                e.zh().contains("可写"),
                action != IoAction::Read,
                "{}",
                e.zh()
            );
        }
    }

    #[test]
    fn every_variant_reads_in_chinese() {
        let io = |kind| std::io::Error::from(kind);
        let errors = vec![
            Error::Io {
                path: PathBuf::from("poi.csv"),
                action: IoAction::Read,
                cause: io(std::io::ErrorKind::NotFound),
            },
            Error::Io {
                path: PathBuf::from("a.csv"),
                action: IoAction::Write,
                cause: io(std::io::ErrorKind::PermissionDenied),
            },
            Error::Pbf {
                path: PathBuf::from("x.pbf"),
                cause: "the file is empty".into(),
            },
            Error::NoRoads {
                path: PathBuf::from("x.pbf"),
                detail: "3 highway=* ways, none usable by any mode".into(),
            },
            Error::PointFarFromRoad {
                lon: 9.5,
                lat: 47.1,
                distance_m: 900.0,
                max_distance_m: 500.0,
                mode: "walk",
            },
            Error::NoZones {
                path: PathBuf::from("x.pbf"),
                what: "industrial areas (landuse=industrial) of at least 1 ha (2 smaller ones ignored)"
                    .into(),
            },
            Error::InvalidValue {
                what: "profile",
                value: "nosuch".into(),
                hint: "no such built-in profile; the built-in profiles are park, gb50180, or give the path of a .toml profile file".into(),
            },
            Error::Output {
                path: PathBuf::from("out/a.csv"),
                problem: "is in the way: it is a file lifecircle did not write; lifecircle replaces only files it wrote (listed in .lifecircle-manifest.json); pick another output folder (--out) or move it away".into(),
            },
            Error::OutOfRange {
                setting: "life_circle.minutes (--minutes)".into(),
                value: "-3.0".into(),
                range: "give a finite number above 0 to 120 minutes".into(),
            },
            Error::PortInUse {
                addr: "127.0.0.1:8080".into(),
            },
            Error::Bind {
                addr: "10.0.0.1:80".into(),
                cause: io(std::io::ErrorKind::PermissionDenied),
            },
        ];
        let kept = [
            "poi.csv",
            "a.csv",
            "x.pbf",
            ".osm.pbf",
            "highway",
            "landuse",
            "industrial",
            "--parks",
            ".geojson",
            "Polygon",
            "nosuch",
            "park",
            ".toml",
            "out",
            ".lifecircle-manifest.json",
            "--out",
            "life_circle.minutes",
            "--minutes",
            "--port",
            "--host",
        ];
        for e in errors {
            let zh = e.zh();
            let left = english_words(&zh, &kept);
            assert!(left.is_empty(), "English {left:?} in {zh:?} (from {e})");
            assert_ne!(zh, e.to_string());
            assert_eq!(e.text(Lang::En), e.to_string());
        }
    }
}
