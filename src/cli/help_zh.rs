//! `--help` in Chinese under `--lang zh`: every command's about and every argument's help as
//! data ([`ABOUT`], [`ARGS`], keyed by command and clap argument id), applied to the clap
//! [`Command`] before parsing when the raw arguments ask for zh
//! ([`super::usage_errors::lang_in_args`]), with the headings 用法 / 参数 / 选项 / 命令.
//! clap's own "[default: …]" and "[possible values: …]" are replaced by 默认 / 可选值.
//!
//! `lifecircle help plan --lang zh` is read as `lifecircle --lang zh plan --help`: clap's `help`
//! command takes no options, so `--lang` after it would be an error ([`help_as_flag`]).
//!
//! `LANG=zh_CN.UTF-8` is not read: the language comes from `--lang`, else the scenario's
//! `[report] lang`, so one command writes the same files on every machine.

use clap::{Arg, Command, CommandFactory, FromArgMatches};
use lifecircle::lang::Lang;

use super::args::Cli;
use super::usage_errors::lang_in_args;

/// Every command's description in Chinese; `""` is the program itself.
pub const ABOUT: &[(&str, &str)] = &[
    (
        "",
        "面向工业园区的15分钟生活圈、30分钟通勤圈与预约响应公交线路规划，数据来自 OpenStreetMap",
    ),
    (
        "plan",
        "一条命令完成全部分析：生活圈、通勤圈与公交线路，输出各阶段文件与 report.html，参数来自情景文件（examples/scenario.toml）",
    ),
    (
        "inspect",
        "概览一个区域：OSM 要素、各类区域、公交站点，以及各交通方式的路网",
    ),
    (
        "coverage",
        "各园区的15分钟生活圈：设施覆盖率、缺口与新增设施选址",
    ),
    (
        "commute",
        "30分钟通勤圈：各交通方式下15/30/45/60分钟内可到达各园区的居民",
    ),
    (
        "darp",
        "用公交线路优化器求解 Cordeau 预约出行（dial-a-ride）基准算例并校验；方案有未服务的请求时退出码为 3",
    ),
    (
        "drt",
        "从居住区到园区的预约响应公交线路：站点、线路、时刻表、GTFS 与指标，并与现状最佳出行方式对比",
    ),
    (
        "isochrone",
        "从一个点或一个园区出发的嵌套等时圈多边形，输出 GeoJSON",
    ),
    (
        "serve",
        "在浏览器中做方案推演：先运行 plan，再在 127.0.0.1 上提供地图页面，可编辑设施、园区门、边界与站点，指标随之更新",
    ),
    ("help", "显示本帮助或所给命令的帮助"),
];

/// Every argument's help in Chinese, by command and clap argument id; command `*`: the same
/// argument in every command (the global `--lang`, clap's `--help` and `--version`).
pub const ARGS: &[(&str, &str, &str)] = &[
    (
        "*",
        "lang",
        "终端、报告与工作簿的语言：en 或 zh（默认：情景文件的 [report] lang，否则 en）",
    ),
    ("*", "help", "显示帮助"),
    ("*", "version", "显示版本"),
    // Shared groups (Common, PopulationArgs, TransitArgs).
    (
        "*",
        "walk_speed",
        "步行速度，千米/小时，或 elderly（老年人，3.6 千米/小时）",
    ),
    (
        "*",
        "population",
        "居民数据：CSV（lon,lat,count）或带人数的 GeoJSON 点/面，代替由建筑估算的居民",
    ),
    (
        "*",
        "persons_per_m2",
        "由建筑估算居民时，每平方米居住建筑面积的人数",
    ),
    ("*", "levels", "未标注 building:levels 的居住建筑的层数"),
    ("*", "area_density", "未绘制住宅的居住区每公顷居民数"),
    (
        "*",
        "residents_total",
        "将估算结果缩放到这一已知人口（保持其分布）",
    ),
    (
        "*",
        "population_crs",
        "--population 的坐标系（默认：WGS-84，并与地图核对）",
    ),
    (
        "*",
        "gtfs",
        "公交图层使用的 GTFS 数据（.zip 或文件夹），代替 OSM 公交线路关系",
    ),
    ("*", "depart", "GTFS 班次的发车时段"),
    // plan
    (
        "plan",
        "pbf",
        ".osm.pbf 文件（默认：情景文件中的，否则为内置演示区域）",
    ),
    (
        "plan",
        "config",
        "包含全部假设的情景文件（默认：内置默认值）",
    ),
    (
        "plan",
        "out",
        "输出文件夹（默认：情景文件中的，否则为 out）",
    ),
    (
        "plan",
        "parks",
        "园区边界（GeoJSON），代替 landuse=industrial 区域",
    ),
    (
        "plan",
        "parks_crs",
        "--parks 的坐标系：wgs84、gcj02（高德或腾讯地图上绘制的边界）或 bd09（百度）。默认：情景文件中的，否则 wgs84",
    ),
    (
        "plan",
        "stops",
        "公交线路的上车站点（CSV：code、name、lon、lat；可读回 drt_stops.csv），代替由规划器选址。默认：情景文件中的",
    ),
    (
        "plan",
        "verbose",
        "打印各阶段的耗时、CPU 时间与内存峰值（输出到 stderr）",
    ),
    // inspect
    (
        "inspect",
        "pbf",
        ".osm.pbf 文件（默认：内置的列支敦士登演示区域）",
    ),
    ("inspect", "json", "输出 JSON，而不是表格"),
    (
        "inspect",
        "snap",
        "另将此点（WGS-84 的 经度,纬度）按各交通方式吸附到路网，并打印落点",
    ),
    ("inspect", "max_snap_m", "最大吸附距离，米"),
    // coverage
    (
        "coverage",
        "pbf",
        ".osm.pbf 文件（默认：内置的列支敦士登演示区域）",
    ),
    (
        "coverage",
        "parks",
        "园区边界（带 name 的 GeoJSON Polygon/MultiPolygon 要素），代替 landuse=industrial 区域",
    ),
    (
        "coverage",
        "parks_crs",
        "--parks 的坐标系：wgs84、gcj02（高德或腾讯地图上绘制的边界）或 bd09（百度）。默认：情景文件中的，否则 wgs84",
    ),
    (
        "coverage",
        "profile",
        "设施配置：park（产业园区）、gb50180（居住区）或一个 .toml 文件",
    ),
    (
        "coverage",
        "poi",
        "补充设施：CSV（lon,lat,category,name）或 GeoJSON 点；可多次给出",
    ),
    (
        "coverage",
        "poi_crs",
        "--poi 文件的坐标系（默认：按文件自身判断——高德导出为 GCJ-02，百度导出为 BD-09，否则 WGS-84）",
    ),
    (
        "coverage",
        "minutes",
        "生活圈的步行时间阈值，分钟（代替设施配置中的值）",
    ),
    ("coverage", "sites", "每个园区每个缺项类别建议的新增设施数"),
    (
        "coverage",
        "min_site_gain",
        "仅当新增设施使该类别的园区覆盖率至少提高这么多个百分点时才建议",
    ),
    ("coverage", "out", "输出文件夹"),
    // commute
    (
        "commute",
        "pbf",
        ".osm.pbf 文件（默认：内置的列支敦士登演示区域）",
    ),
    (
        "commute",
        "parks",
        "园区边界（GeoJSON），代替 landuse=industrial 区域",
    ),
    (
        "commute",
        "parks_crs",
        "--parks 的坐标系：wgs84、gcj02（高德或腾讯地图上绘制的边界）或 bd09（百度）。默认：情景文件中的，否则 wgs84",
    ),
    ("commute", "minutes", "通勤目标时间，分钟"),
    (
        "commute",
        "modes",
        "交通方式，用逗号分隔：walk（步行）、bike（自行车）、ebike（电动自行车）、bus（公交）、car（小汽车）",
    ),
    ("commute", "out", "输出文件夹"),
    // darp
    (
        "darp",
        "file",
        "算例文件（格式见 ../shared/data/darp/README.md）",
    ),
    ("darp", "seconds", "求解时间上限，秒"),
    ("darp", "seed", "随机种子（相同种子与迭代次数得到相同的解）"),
    // drt
    (
        "drt",
        "pbf",
        ".osm.pbf 文件（默认：内置的列支敦士登演示区域）",
    ),
    (
        "drt",
        "parks",
        "园区边界（GeoJSON），代替 landuse=industrial 区域",
    ),
    (
        "drt",
        "parks_crs",
        "--parks 的坐标系：wgs84、gcj02（高德或腾讯地图上绘制的边界）或 bd09（百度）。默认：情景文件中的，否则 wgs84",
    ),
    (
        "drt",
        "only_parks",
        "只为这些园区规划（编号如 P1，或名称）；可多次给出。默认：全部园区",
    ),
    (
        "drt",
        "demand",
        "预约或职工住址：CSV，含 lon、lat、park、arrive_by（HH:MM），可选 count",
    ),
    (
        "drt",
        "demand_crs",
        "--demand 的坐标系（默认：WGS-84，并与地图核对）",
    ),
    (
        "drt",
        "stops",
        "使用的上车站点（CSV：code、name、lon、lat；可读回 drt_stops.csv），代替由规划器选址",
    ),
    (
        "drt",
        "stops_crs",
        "--stops 的坐标系（默认：WGS-84，并与地图核对）",
    ),
    (
        "drt",
        "workers",
        "不给 --demand 时，每个园区的合成职工数，取自现有各方式（小汽车除外）均未在目标时间内到达的居民",
    ),
    ("drt", "seed", "合成样本与搜索的随机种子"),
    (
        "drt",
        "capacity",
        "每车座位数；给出多个即为混合车型，如 19,33,50",
    ),
    (
        "drt",
        "roads",
        "车辆可走的道路：bus（允许公交通行的道路，公交车速）或 car（小巴走所有允许小汽车通行的道路，小汽车车速）",
    ),
    (
        "drt",
        "max_walk_m",
        "从住处步行到站点的最远距离，米（沿人行道与街道）",
    ),
    (
        "drt",
        "arrive",
        "上班时间：公交车在此之前到达园区门（合成需求；--demand 文件自带时间）",
    ),
    ("drt", "early", "公交车可提前到达的分钟数"),
    ("drt", "minutes", "门到门目标时间，分钟"),
    (
        "drt",
        "shift_hours",
        "班次时长，小时：晚班车在 --arrive 之后这么久离开园区",
    ),
    ("drt", "seconds", "搜索时间上限，秒"),
    (
        "drt",
        "iterations",
        "每名职工的搜索迭代次数（0：直到 --seconds）。在 --seconds 之前达到上限时，同一种子在任何机器上的输出逐字节相同",
    ),
    ("drt", "timezone", "写入 GTFS 的时区"),
    ("drt", "out", "输出文件夹"),
    // isochrone
    (
        "isochrone",
        "pbf",
        ".osm.pbf 文件（默认：内置的列支敦士登演示区域）",
    ),
    ("isochrone", "from", "起点，经度,纬度（WGS-84）"),
    (
        "isochrone",
        "park",
        "从园区的出入口出发：园区编号（P1 等）或名称",
    ),
    (
        "isochrone",
        "mode",
        "交通方式：walk（步行）、bike（自行车）、ebike（电动自行车）、bus（公交）或 car（小汽车）",
    ),
    ("isochrone", "minutes", "各圈层的时间界限，分钟，用逗号分隔"),
    ("isochrone", "out", "输出文件"),
    // serve
    (
        "serve",
        "pbf",
        ".osm.pbf 文件（默认：情景文件中的，否则为内置演示区域）",
    ),
    (
        "serve",
        "config",
        "包含全部假设的情景文件（默认：内置默认值）",
    ),
    (
        "serve",
        "out",
        "保存情景（scenarios/名称/）与导出报告（report/）的文件夹（默认：情景文件中的，否则为 out）",
    ),
    (
        "serve",
        "host",
        "监听地址；127.0.0.1 或 ::1 以外的地址允许其他机器编辑",
    ),
    (
        "serve",
        "port",
        "监听端口；0 表示自动选择空闲端口（随地址一起打印）",
    ),
];

/// The help template: clap's default with the usage heading in Chinese.
const TEMPLATE: &str = "{before-help}{about-with-newline}\n用法：{usage}\n\n{all-args}{after-help}";

/// The Chinese of `(command, id)`: the command's own entry, else the `*` one.
pub fn arg_help(command: &str, id: &str) -> Option<&'static str> {
    let find = |c: &str| {
        ARGS.iter()
            .find(|(cmd, arg, _)| *cmd == c && *arg == id)
            .map(|e| e.2)
    };
    find(command).or_else(|| find("*"))
}

/// The Chinese description of `command` (`""`: the program).
pub fn about(command: &str) -> Option<&'static str> {
    ABOUT.iter().find(|(c, _)| *c == command).map(|e| e.1)
}

/// The arguments parsed in the language they ask for: under zh, with the Chinese help and
/// `help CMD` read as `CMD --help`.
pub fn parse(args: &[String]) -> Result<Cli, clap::Error> {
    let mut cmd = Cli::command();
    let args = if lang_in_args(args) == Lang::Zh {
        cmd = localise(cmd);
        help_as_flag(args).unwrap_or_else(|| args.to_vec())
    } else {
        args.to_vec()
    };
    let matches = cmd.try_get_matches_from(args)?;
    Cli::from_arg_matches(&matches)
}

/// `lifecircle [--lang zh] help CMD… [--lang zh]` as `lifecircle --lang zh CMD… --help`;
/// `None` when the first command is not `help`.
pub fn help_as_flag(args: &[String]) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        if arg == "--lang" {
            rest.next();
        } else if !arg.starts_with("--lang=") {
            words.push(arg.clone());
        }
    }
    if words.first().map(String::as_str) != Some("help") {
        return None;
    }
    let mut out = vec![
        args.first().cloned().unwrap_or_default(),
        "--lang".into(),
        "zh".into(),
    ];
    out.extend(words.into_iter().skip(1));
    out.push("--help".into());
    Some(out)
}

/// The whole command tree in Chinese (see the module docs).
pub fn localise(mut cmd: Command) -> Command {
    // Builds clap's own `--help`, `--version` and `help`, and copies `--lang` into every
    // command, so that they can be changed below.
    cmd.build();
    localise_command(cmd, "")
}

fn localise_command(mut cmd: Command, path: &str) -> Command {
    if let Some(about) = about(path) {
        cmd = cmd.about(about).long_about(None);
    }
    let usage = cmd
        .clone()
        .render_usage()
        .to_string()
        .trim()
        .trim_start_matches("Usage:")
        .trim()
        .replace("[OPTIONS]", "[选项]")
        .replace("<COMMAND>", "<命令>");
    cmd = cmd
        .override_usage(usage)
        .help_template(TEMPLATE)
        .subcommand_help_heading("命令")
        .subcommand_value_name("命令");
    let ids: Vec<String> = cmd
        .get_arguments()
        .map(|a| a.get_id().to_string())
        .collect();
    for id in ids {
        cmd = cmd.mut_arg(&id, |a| localise_arg(a, path));
    }
    let subs: Vec<String> = cmd
        .get_subcommands()
        .map(|s| s.get_name().to_string())
        .collect();
    for sub in subs {
        cmd = cmd.mut_subcommand(&sub, |s| localise_command(s, &sub));
    }
    cmd
}

/// One argument in Chinese: its help, its default and accepted values, its heading.
fn localise_arg(arg: Arg, command: &str) -> Arg {
    let id = arg.get_id().to_string();
    let mut help = arg_help(command, &id)
        .map(str::to_string)
        .or_else(|| arg.get_help().map(ToString::to_string))
        .unwrap_or_default();
    let defaults: Vec<String> = arg
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    // A flag's "false" default says nothing.
    let takes_values = arg.get_action().takes_values();
    if takes_values && !defaults.is_empty() && !arg.is_hide_default_value_set() {
        help.push_str(&format!("［默认：{}］", defaults.join(",")));
    }
    let values: Vec<String> = arg
        .get_possible_values()
        .iter()
        .filter(|v| !v.is_hide_set())
        .map(|v| v.get_name().to_string())
        .collect();
    if !values.is_empty() && !arg.is_hide_possible_values_set() {
        help.push_str(&format!("［可选值：{}］", values.join("、")));
    }
    let heading = if arg.is_positional() {
        "参数"
    } else {
        "选项"
    };
    arg.help(help)
        .long_help(None)
        .hide_default_value(true)
        .hide_possible_values(true)
        .help_heading(heading)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every argument of every command (and every command) has its Chinese: a new option
    /// without an entry in [`ARGS`] fails here.
    #[test]
    fn every_command_and_argument_has_chinese_help() {
        let mut cmd = Cli::command();
        cmd.build();
        let mut missing = Vec::new();
        let mut check = |c: &Command, path: &str| {
            if about(path).is_none() {
                missing.push(format!("about of '{path}'"));
            }
            for a in c.get_arguments() {
                if arg_help(path, a.get_id().as_str()).is_none() {
                    missing.push(format!("{path} --{}", a.get_id()));
                }
            }
        };
        check(&cmd, "");
        for sub in cmd.get_subcommands() {
            check(sub, sub.get_name());
        }
        assert!(missing.is_empty(), "no Chinese help for: {missing:#?}");
        // No entry is left over from an argument that is gone.
        for (command, id, _) in ARGS {
            let known = cmd
                .get_subcommands()
                .chain(std::iter::once(&cmd))
                .filter(|c| *command == "*" || c.get_name() == *command)
                .any(|c| c.get_arguments().any(|a| a.get_id() == *id));
            assert!(known, "{command} {id}: no such argument");
        }
    }

    #[test]
    fn help_after_the_command_word_becomes_a_flag() {
        let v = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            help_as_flag(&v(&["lc", "help", "plan", "--lang", "zh"])),
            Some(v(&["lc", "--lang", "zh", "plan", "--help"]))
        );
        assert_eq!(
            help_as_flag(&v(&["lc", "--lang=zh", "help"])),
            Some(v(&["lc", "--lang", "zh", "--help"]))
        );
        assert_eq!(help_as_flag(&v(&["lc", "plan", "--lang", "zh"])), None);
    }

    /// The rendered help of `plan` under zh: headings, the option's Chinese, defaults and
    /// accepted values in Chinese, no clap English left.
    #[test]
    fn plan_help_renders_in_chinese() {
        let mut cmd = localise(Cli::command());
        let plan = cmd
            .find_subcommand_mut("plan")
            .expect("plan")
            .render_help()
            .to_string();
        assert!(
            plan.contains("用法：lifecircle plan [选项] [PBF]"),
            "{plan}"
        );
        assert!(plan.contains("包含全部假设的情景文件"), "{plan}");
        assert!(plan.contains("［可选值：en、zh］"), "{plan}");
        for english in [
            "Usage",
            "Options",
            "Arguments",
            "possible values",
            "Print help",
        ] {
            assert!(!plan.contains(english), "{english}: {plan}");
        }
        let root = cmd.render_help().to_string();
        assert!(root.contains("命令:") || root.contains("命令："), "{root}");
        assert!(!root.contains("Commands"), "{root}");
    }
}
