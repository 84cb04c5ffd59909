//! The report's styles for the park maps' labels, the verdict and action list, the map beside
//! its legend, and print: A4, one park per page (its bus-line table moved to an appendix
//! printed after the parks), nothing wider than the page (Chromium would shrink every page to
//! fit it), maps and tables never cut, the legend beside its map, layers hidden on screen
//! hidden on paper too.

/// Appended to the report's `<style>`.
pub(super) const CSS: &str = "
.verdict{font-size:15px;margin:8px 0}.verdict span{margin-right:4px}
ol.actions{list-style:none;padding-left:0;margin:4px 0 8px}ol.actions li{margin:2px 0}
svg.map text.label{stroke:#fff;stroke-width:3px;stroke-linejoin:round;font-family:system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif}
svg.map text.label-park{font-weight:700;fill:#0f172a}svg.map text.label-place{font-weight:600;fill:#334155}
svg.map text.label-street{fill:#475569}svg.map text.label-water{fill:#1d4ed8;font-style:italic}
svg.map g.marker text{font-family:system-ui,sans-serif}
table.summary th{white-space:normal}table.summary td:first-child{min-width:7em}
table.commute td:first-child{white-space:nowrap}
table.lines th{white-space:normal}table.lines:not(.today-bus) td:nth-child(2),table.lines:not(.today-bus) th:nth-child(2){white-space:normal;text-align:left;min-width:10em}
@media print{
@page{size:A4 portrait;margin:9mm}
body{background:#fff;font-size:7.5pt;line-height:1.25}
header,main,footer{max-width:none;padding:0;margin:0}
h1{font-size:15pt}h2{font-size:12pt;margin:0 0 1mm}h3{font-size:9pt;margin:1.5mm 0 .5mm}
section{border:none;border-radius:0;padding:0;margin:0 0 3mm}
section.park{break-before:page;page-break-before:always}
section.park>.meta{margin:0}
.verdict{font-size:9.5pt;margin:1mm 0}
.map-block{display:flex;gap:3mm;align-items:flex-start;break-inside:avoid;page-break-inside:avoid}
.map-block svg.map{flex:0 0 72%;width:72%;height:auto;max-height:118mm}
.map-block .legend{flex:1 1 0;flex-direction:column;flex-wrap:nowrap;gap:.5mm;font-size:6.5pt;margin:0}
.legend-item.off{display:none}.legend-item.sub{margin-left:2mm}
svg.map,svg.chart,table,tr,.row,ol.actions li{break-inside:avoid;page-break-inside:avoid}
.overview-row{display:none}
th,td{padding:.3mm 1.5mm}table{margin:.5mm 0}.note{font-size:6.5pt;margin:.5mm 0}
.row{flex-wrap:nowrap;gap:3mm}svg.chart{width:55mm;height:auto}
ol.actions{margin:.5mm 0}
nav,.legend-item{cursor:auto}
.map-block svg.map{max-height:84mm}
table{font-size:6.5pt;line-height:1.15}th,td{padding:.15mm 1.2mm}th{white-space:normal}h3{margin:1mm 0 .3mm}
ol.actions{columns:2;column-gap:4mm;font-size:6.8pt}
table.lines td,table.lines th,table.inputs td{white-space:normal;overflow-wrap:anywhere}
section.park table.lines,section.park table.lines+p.note{display:none}
.print-only{display:block}
section.appendix,section.inputs{break-before:page;page-break-before:always}
}
@media screen{.print-only{display:none}}
";

/// In print, each park's page leaves out its bus-line table (a line may serve several parks,
/// and a long table would push the park onto a second page); this appendix, printed after the
/// parks and hidden on screen (where each park shows its own), lists them park by park.
pub(super) fn bus_lines_appendix(
    h: &mut String,
    run: &crate::plan::PlanRun,
    shown: &[&crate::places::Zone],
    lang: super::html::Lang,
) {
    use std::fmt::Write;
    let Ok(bus) = &run.bus else { return };
    let parks = run.parks.as_ref().ok();
    let mut body = String::new();
    for zone in shown {
        if !bus.parks.contains(&zone.id) || bus.no_line(zone.id).is_some() {
            continue;
        }
        let lines: Vec<&crate::drt::lines::Line> = bus
            .plan
            .lines
            .iter()
            .filter(|l| l.parks.contains(&zone.id))
            .collect();
        if lines.is_empty() {
            continue;
        }
        let _ = write!(
            body,
            "<h3>{} {}</h3>",
            super::svg::escape(&zone.code),
            super::svg::escape(&crate::lang::zone_name(zone, lang))
        );
        super::drt_html::lines_table(&mut body, bus, (parks, &lines), zone, lang);
    }
    if body.is_empty() {
        return;
    }
    let _ = writeln!(
        h,
        "<section class=\"appendix print-only\" id=\"appendix-lines\"><h2>{}</h2>{body}</section>",
        lang.t(
            "Appendix: reservation bus lines by park",
            "附录：各园区预约公交线路明细"
        )
    );
}
