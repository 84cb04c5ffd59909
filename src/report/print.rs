//! The report's styles for the park maps' labels, the verdict and action list, the map beside
//! its legend, and print: A4, one park per page, maps and tables never cut, the legend beside
//! its map, layers hidden on screen hidden on paper too.

/// Appended to the report's `<style>`.
pub(super) const CSS: &str = "
.verdict{font-size:15px;margin:8px 0}.verdict span{margin-right:4px}
ol.actions{list-style:none;padding-left:0;margin:4px 0 8px}ol.actions li{margin:2px 0}
svg.map text.label{stroke:#fff;stroke-width:3px;stroke-linejoin:round;font-family:system-ui,'PingFang SC','Microsoft YaHei','Noto Sans CJK SC',sans-serif}
svg.map text.label-park{font-weight:700;fill:#0f172a}svg.map text.label-place{font-weight:600;fill:#334155}
svg.map text.label-street{fill:#475569}svg.map text.label-water{fill:#1d4ed8;font-style:italic}
svg.map g.marker text{font-family:system-ui,sans-serif}
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
}
";
