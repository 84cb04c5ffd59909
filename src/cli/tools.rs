//! What `inspect` and `isochrone` print, in the run's language, and the human labels of the
//! isochrone GeoJSON. English `inspect` is the library's [`Inspection`] `Display`; Chinese is
//! laid out here, its labels and the mode table aligned by display width.

use geo::Coord;
use lifecircle::graph::Mode;
use lifecircle::inspect::Inspection;
use lifecircle::lang::Lang;
use unicode_width::UnicodeWidthStr;

use super::table::{Align, Table};

/// A mode for people: `walk` / `步行`.
pub fn mode_text(mode: Mode, lang: Lang) -> &'static str {
    match lang {
        Lang::En => mode.name(),
        Lang::Zh => match mode {
            Mode::Walk => "步行",
            Mode::Bike => "自行车",
            Mode::Ebike => "电动自行车",
            Mode::Bus => "公交",
            Mode::Car => "小汽车",
        },
    }
}

/// `label` padded with spaces to `cols` display columns.
fn pad(label: &str, cols: usize) -> String {
    format!("{label}{}", " ".repeat(cols.saturating_sub(label.width())))
}

/// The summary of `inspect`.
pub fn inspection_text(i: &Inspection, lang: Lang) -> String {
    if lang == Lang::En {
        return i.to_string();
    }
    let b = i.bbox;
    let line = |label: &str, text: String| format!("  {}{text}\n", pad(label, 20));
    let source = lifecircle::lang::source_label(std::path::Path::new(&i.source), lang);
    let mut out = format!("{source}\n");
    out += &line(
        "范围",
        format!(
            "{:.5},{:.5} – {:.5},{:.5}（经度,纬度）",
            b[0], b[1], b[2], b[3]
        ),
    );
    out += &line(
        "OSM 要素",
        format!(
            "{} 个节点，{} 条路径，{} 个关系",
            i.read.nodes, i.read.ways, i.read.relations
        ),
    );
    out += &line(
        "已跳过",
        format!(
            "{} 个缺失的节点引用，{} 个缺失的关系成员，{} 个破损的面环",
            i.read.missing_node_refs, i.read.missing_members, i.read.broken_rings
        ),
    );
    out += &line(
        "道路（highway）",
        format!(
            "{} 条可用，{} 条不可通行；{} 个无法解析的 maxspeed（按道路等级取速度）",
            i.build.ways_used, i.build.ways_skipped, i.build.unparseable_maxspeed
        ),
    );
    out += &line(
        "路网",
        format!("{} 个顶点，{} 条边（各方式共用）", i.vertices, i.edges),
    );
    out += &modes_table(i);
    out += &line(
        "工业用地",
        format!(
            "{} 处（{:.1} 公顷）",
            i.industrial.count, i.industrial.total_ha
        ),
    );
    if !i.industrial_names.is_empty() {
        out += &format!(
            "    {}{}\n",
            pad("有名称", 18),
            i.industrial_names.join("；")
        );
    }
    out += &line(
        "居住用地",
        format!(
            "{} 处（{:.1} 公顷）",
            i.residential.count, i.residential.total_ha
        ),
    );
    out += &line("建筑", i.buildings.to_string());
    out += &line("兴趣点", i.pois.to_string());
    out += &line("公交站点", i.bus_stops.to_string());
    out += &line("公交线路", i.bus_routes.to_string());
    out += &line(
        "读取 + 5 个路网",
        format!("{:.3} 秒，峰值内存 {:.0} MB", i.load_s, i.peak_memory_mb),
    );
    out
}

/// The per-mode network table of `inspect` in Chinese, indented like the rest.
fn modes_table(i: &Inspection) -> String {
    let mut t = Table::new(&[
        ("方式", Align::Left),
        ("顶点", Align::Right),
        ("有向边", Align::Right),
        ("道路公里", Align::Right),
        ("最大连通分量占比", Align::Right),
    ]);
    for m in &i.modes {
        t.row(vec![
            mode_text(m.mode, Lang::Zh).to_string(),
            m.stats.vertices.to_string(),
            m.stats.directed_edges.to_string(),
            format!("{:.1}", m.stats.road_km),
            format!("{:.1}%", 100.0 * m.component_share),
        ]);
    }
    t.render().lines().map(|l| format!("  {l}\n")).collect()
}

/// One `--snap` line of `inspect`.
pub fn snap_text(mode: Mode, point: Coord, distance_m: f64, way: i64, lang: Lang) -> String {
    match lang {
        Lang::En => format!(
            "  snap {:<6} {:.6},{:.6}  {distance_m:.1} m away, on way/{way}",
            mode.name(),
            point.x,
            point.y,
        ),
        Lang::Zh => format!(
            "  吸附 {} {:.6},{:.6}  距离 {distance_m:.1} 米，位于 way/{way}",
            pad(mode_text(mode, Lang::Zh), 10),
            point.x,
            point.y,
        ),
    }
}

/// One band of `isochrone`: `walk    15 min from P1 …: 1.23 km²`.
pub fn band_text(mode: Mode, minutes: f64, origin: &str, km2: f64, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{mode} {minutes:>5} min from {origin}: {km2:.2} km²"),
        Lang::Zh => format!(
            "自 {origin} {}{minutes}分钟可达：{km2:.2} 平方公里",
            mode_text(mode, Lang::Zh)
        ),
    }
}

/// The human label of one isochrone feature (its `label` property): "walk 15 min from P1
/// Hilti" / "P1 Hilti 步行15分钟可达范围".
pub fn band_label(mode: Mode, minutes: f64, origin: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("{} {minutes} min from {origin}", mode.name()),
        Lang::Zh => format!(
            "{origin} {}{minutes}分钟可达范围",
            mode_text(mode, Lang::Zh)
        ),
    }
}

/// `wrote PATH` / `已写入 PATH`.
pub fn wrote_text(path: &std::path::Path, lang: Lang) -> String {
    match lang {
        Lang::En => format!("wrote {}", path.display()),
        Lang::Zh => format!("已写入 {}", path.display()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_bands_and_labels_name_the_mode_in_chinese() {
        assert_eq!(
            band_text(Mode::Walk, 15.0, "P1 工业区 1", 1.234, Lang::Zh),
            "自 P1 工业区 1 步行15分钟可达：1.23 平方公里"
        );
        assert_eq!(
            band_text(Mode::Walk, 15.0, "P1 x", 1.234, Lang::En),
            "walk    15 min from P1 x: 1.23 km²"
        );
        assert_eq!(
            band_label(Mode::Ebike, 10.0, "P2", Lang::Zh),
            "P2 电动自行车10分钟可达范围"
        );
        assert_eq!(pad("方式", 6).width(), 6);
    }
}
