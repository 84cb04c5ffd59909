//! The table of [`super::catalog`]: the library's English messages (their `format!` strings,
//! placeholders written `{}`) and their Chinese (`{0}`, `{1}`, … in the English order).
//! Grouped by the module that writes the English.

/// `(English template, Chinese)`.
pub(super) const CATALOG: &[(&str, &str)] = &[
    // Words that come back inside other messages.
    ("WGS-84", "WGS-84"),
    ("GCJ-02 (Amap/Tencent)", "GCJ-02（高德/腾讯）"),
    ("BD-09 (Baidu)", "BD-09（百度）"),
    ("minutes", "分钟"),
    ("hours", "小时"),
    ("levels", "层"),
    ("residents", "人"),
    ("parks", "个园区"),
    ("percentage points", "个百分点"),
    ("persons per m²", "人/平方米"),
    ("residents per ha", "人/公顷"),
    ("× car speed", "× 小汽车速度"),
    // cli/args.rs: the value parsers behind clap's "invalid value" errors.
    (
        "'{}' is not a walking speed: {}, or 'elderly'",
        "“{0}”不是步行速度：{1}，或填 elderly（老年人步速）",
    ),
    (
        "expected LON,LAT, e.g. 9.5215,47.1410",
        "应为“经度,纬度”，如 9.5215,47.1410",
    ),
    ("'{}' is not a longitude", "“{0}”不是经度"),
    ("'{}' is not a latitude", "“{0}”不是纬度"),
    (
        "{},{} is not a WGS-84 lon,lat (longitude first)",
        "{0},{1} 不是 WGS-84 经纬度（经度在前）",
    ),
    // scenario.rs
    (
        "give a finite number above {} to {} {}",
        "请给出大于 {0}、不超过 {1} 的有限数值（单位：{2}）",
    ),
    (
        "give a finite number from {} to {} {}",
        "请给出 {0} 至 {1} 之间的有限数值（单位：{2}）",
    ),
    (
        "an IANA time zone name such as Asia/Shanghai or Europe/Vaduz",
        "IANA 时区名称，如 Asia/Shanghai 或 Europe/Vaduz",
    ),
    (
        "name at least one of walk, bike, ebike, bus, car",
        "请至少填写 walk、bike、ebike、bus、car 中的一种",
    ),
    (
        "appears twice; list each mode once",
        "出现了两次；每种方式只需列出一次",
    ),
    (
        "at most {} synthetic workers per park (the cap of one plan)",
        "每个园区至多 {0} 名模拟职工（单次规划的上限）",
    ),
    (
        "name an output folder, e.g. out = \"out\"",
        "请指定输出文件夹，例如 out = \"out\"",
    ),
    (
        "too early: buses would have to leave before midnight",
        "太早：公交车须在午夜之前发车",
    ),
    ("a time of day HH:MM", "HH:MM 格式的时刻"),
    ("en or zh", "en 或 zh"),
    ("auto, wgs84, gcj02 or bd09", "auto、wgs84、gcj02 或 bd09"),
    (
        "walk, bike, ebike, bus or car",
        "walk、bike、ebike、bus 或 car",
    ),
    ("bus or car", "bus 或 car"),
    ("a positive population", "正数的人口"),
    // Amenity profiles (profile.rs).
    (
        "write key=value, key=v1|v2, key=* or several joined by ' & '",
        "请写作 key=value、key=v1|v2、key=*，或用 ' & ' 连接多个条件",
    ),
    (
        "no such built-in profile; the built-in profiles are {}, or give the path of a .toml profile file",
        "没有这个内置设施配置；内置配置有 {0}，也可给出 .toml 配置文件的路径",
    ),
    ("category '{}' appears twice", "类别“{0}”出现了两次"),
    (
        "category '{}' has minutes = {} / metres = {}; give minutes above 0 to 120 and metres above 0 to 10000",
        "类别“{0}”的 minutes = {1} / metres = {2}；minutes 应大于 0、不超过 120，metres 应大于 0、不超过 10000",
    ),
    ("it has no [[category]]", "其中没有 [[category]]"),
    // Coordinate systems and modes (crs.rs, graph/profile.rs).
    (
        "expected one of wgs84 (GPS, OpenStreetMap), gcj02 (Amap/Gaode, Tencent) or bd09 (Baidu)",
        "应为 wgs84（GPS、OpenStreetMap）、gcj02（高德、腾讯）或 bd09（百度）之一",
    ),
    (
        "use one of walk, bike, ebike, car, bus",
        "请使用 walk、bike、ebike、car、bus 之一",
    ),
    // Planners' text files (text.rs).
    (
        "it is {}, not a text table; open it in Excel or WPS and save it as \"CSV UTF-8\" (File → Save As → CSV UTF-8 (逗号分隔))",
        "它是{0}，不是文本表格；请用 Excel 或 WPS 打开并另存为“CSV UTF-8（逗号分隔）”（文件 → 另存为 → CSV UTF-8（逗号分隔））",
    ),
    (
        "a ZIP archive (an Excel .xlsx workbook?)",
        "ZIP 压缩包（Excel .xlsx 工作簿？）",
    ),
    (
        "an old Excel .xls workbook (OLE file)",
        "旧版 Excel .xls 工作簿（OLE 文件）",
    ),
    (
        "every other byte is NUL: it looks like UTF-16 saved without a byte-order mark",
        "每隔一个字节为 NUL：看起来是未带字节序标记（BOM）的 UTF-16",
    ),
    (
        "it holds NUL bytes: it looks like a binary file, not a text table",
        "含有 NUL 字节：看起来是二进制文件，不是文本表格",
    ),
    (
        "it looks like another encoding (Big5, Shift-JIS, Latin-1) or a binary file",
        "看起来是其他编码（Big5、Shift-JIS、Latin-1）或二进制文件",
    ),
    (
        "its text is not a table in UTF-8, UTF-16 (with a byte-order mark) or GBK/GB18030: read as {}, {} of {} characters are NUL, control, private-use or replacement characters ({}); save it as \"CSV UTF-8\" in Excel or as UTF-8 in a text editor",
        "其内容不是 UTF-8、UTF-16（带字节序标记）或 GBK/GB18030 编码的表格：按 {0} 读取，{2} 个字符中有 {1} 个是 NUL、控制、私用或替换字符（{3}）；请在 Excel 中另存为“CSV UTF-8”，或在文本编辑器中保存为 UTF-8",
    ),
    (
        "its text is neither {} (first bad byte on line {}); save it as \"CSV UTF-8\" in Excel or as UTF-8 in a text editor",
        "其内容既不是 {0}（第一个错误字节在第{1}行）；请在 Excel 中另存为“CSV UTF-8”，或在文本编辑器中保存为 UTF-8",
    ),
    ("UTF-8 nor GBK/GB18030", "UTF-8，也不是 GBK/GB18030"),
    // POI, parks and population files (import.rs, residents.rs, demand.rs).
    (
        "read {} ({}, {}): {} rows, {} used, {} skipped; coordinates in {}",
        "已读取 {0}（{1}，{2}）：{3} 行，采用 {4} 行，跳过 {5} 行；坐标系 {6}",
    ),
    ("cannot read the CSV header: {}", "无法读取 CSV 表头：{0}"),
    ("unreadable row: {}", "无法读取的行：{0}"),
    (
        "the CSV needs columns lon, lat, category (and optionally name), or an Amap or Baidu export's columns; it has: {}",
        "CSV 需要 lon、lat、category 列（name 列可选），或高德、百度导出文件的列；现有列：{0}",
    ),
    (
        "the CSV needs columns lon, lat and count (or population, residents, 人口); it has: {}",
        "CSV 需要 lon、lat 与 count 列（或 population、residents、人口）；现有列：{0}",
    ),
    (
        "the demand CSV needs columns lon, lat, park, arrive_by (and optionally count); it has: {}",
        "预约需求 CSV 需要 lon、lat、park、arrive_by 列（count 列可选）；现有列：{0}",
    ),
    ("it has no rows or features", "其中没有数据行或要素"),
    ("it has no features", "其中没有要素"),
    ("not valid GeoJSON: {}", "不是有效的 GeoJSON：{0}"),
    (
        "expected a FeatureCollection, found a bare geometry",
        "应为 FeatureCollection，却是单个几何对象",
    ),
    ("feature {} has no geometry", "第{0}个要素没有几何"),
    (
        "feature {} is a {}, not a Polygon or MultiPolygon",
        "第{0}个要素是 {1}，不是 Polygon 或 MultiPolygon",
    ),
    (
        "feature {} is a {}, not a Point",
        "第{0}个要素是 {1}，不是 Point",
    ),
    (
        "feature {} has a position with fewer than two numbers (lon, lat)",
        "第{0}个要素有一个坐标少于两个数（经度、纬度）",
    ),
    ("feature {} has an empty polygon", "第{0}个要素的多边形为空"),
    (
        "park '{}' (feature {}) has coordinates {},{} that are not a lon,lat pair; give WGS-84 degrees",
        "园区“{0}”（第{1}个要素）的坐标 {2},{3} 不是有效的经度、纬度；请给出 WGS-84 经纬度",
    ),
    (
        "features {} and {} are both named '{}'; give each park its own name",
        "第{0}与第{1}个要素都名为“{2}”；请给每个园区不同的名称",
    ),
    (
        "park '{}' (feature {}) lies outside the OSM data ({},{} – {},{}); is it the right region, in WGS-84?",
        "园区“{0}”（第{1}个要素）位于 OSM 数据范围（{2},{3} – {4},{5}）之外；区域是否正确，坐标是否为 WGS-84？",
    ),
    (
        "gate (feature {}) has no \"park\" property; give the code or name of its park",
        "出入口（第{0}个要素）没有 \"park\" 属性；请填写其所属园区的编号或名称",
    ),
    (
        "gate (feature {}) of park '{}' is not a Point; give the gate as a point",
        "园区“{1}”的出入口（第{0}个要素）不是 Point；请以点给出出入口",
    ),
    (
        "gate (feature {}) of park '{}' has coordinates {},{} that are not a lon,lat pair; give WGS-84 degrees",
        "园区“{1}”的出入口（第{0}个要素）的坐标 {2},{3} 不是有效的经度、纬度；请给出 WGS-84 经纬度",
    ),
    (
        "gate (feature {}) names park '{}', which is not in the file; give the code (P1) or name of a park",
        "出入口（第{0}个要素）所属园区“{1}”不在文件中；请填写园区编号（如 P1）或名称",
    ),
    (
        "{}: park '{}' (feature {}) {}",
        "{0}：园区“{1}”（第{2}个要素）{3}",
    ),
    ("park '{}' (feature {}) {}", "园区“{0}”（第{1}个要素）{2}"),
    (
        "has a ring with fewer than 4 positions; a ring needs at least 3 corners and the first position repeated at the end",
        "有一个环少于 4 个坐标；环至少需要 3 个角点，且末尾重复第一个坐标",
    ),
    (
        "{} hole(s) outside the outer ring dropped",
        "已删除外环之外的 {0} 个洞",
    ),
    (
        "crosses itself or has overlapping parts: replaced by their union ({} ha as drawn, {} ha repaired)",
        "边界自相交或有重叠部分：已替换为其并集（原绘 {0} 公顷，修复后 {1} 公顷）",
    ),
    (
        "has no area (its corners lie on a line or a point); draw the park's outline",
        "没有面积（其角点位于一条线或一个点上）；请绘制园区边界",
    ),
    (
        "coordinates {},{} are not a lon,lat pair",
        "坐标 {0},{1} 不是有效的经度、纬度",
    ),
    (
        "count '{}' is more than {} residents in one row (wrong column?)",
        "人数“{0}”超过单行上限 {1} 人（列是否填错？）",
    ),
    (
        "count '{}' is negative or not finite",
        "人数“{0}”为负数或不是有限数值",
    ),
    // Whole-file diagnoses (misplaced.rs) and the datum check (datum.rs).
    (
        "{} of its {} points lie outside the region of the OSM data: the whole file, not a few rows",
        "其 {1} 个点中有 {0} 个位于 OSM 数据范围之外：是整个文件的问题，不是个别行",
    ),
    (
        "they look like {} coordinates read as {}: pass {} {} (scenario: {} = \"{}\")",
        "它们看起来是被当作 {1} 读取的 {0} 坐标：请使用 {2} {3}（情景文件：{4} = \"{5}\"）",
    ),
    (
        "read as latitude,longitude they lie inside it: the longitude and latitude columns look swapped — swap them (longitude, 经度, is the east–west coordinate){}",
        "按“纬度,经度”读取则位于范围之内：经度与纬度两列似乎颠倒了，请对调（经度是东西方向的坐标）{0}",
    ),
    (", and pass {} {}", "，并使用 {0} {1}"),
    (
        "values such as {},{} are not degrees but projected metres (Web Mercator EPSG:3857, a CGCS2000 Gauss–Krüger zone or Baidu's bd09mc): convert them to longitude/latitude (e.g. QGIS: Export → Save Features As…, CRS EPSG:4326)",
        "{0},{1} 这样的数值不是经纬度，而是投影坐标（米）（Web 墨卡托 EPSG:3857、CGCS2000 高斯–克吕格分带或百度 bd09mc）：请转换为经纬度（例如 QGIS：导出 → 要素另存为…，坐标系 EPSG:4326）",
    ),
    (
        "the file's points span {},{} – {},{} but the region is {},{} – {},{}: is it a file for another city, or the OSM extract of another region?",
        "文件中的点分布在 {0},{1} – {2},{3}，而研究区域为 {4},{5} – {6},{7}：是否是另一座城市的文件，或另一地区的 OSM 数据？",
    ),
    (
        "these coordinates look like {} read as {}: converted from {} they sit {} m from the nearest road instead of {} m (median of {} points){}. Pass {} {} (scenario: {} = \"{}\"), or {} {} if they really are {}",
        "这些坐标看起来是被当作 {1} 读取的 {0}：按 {2} 换算后距最近道路 {3} 米，而不是 {4} 米（{5} 个点的中位数）{6}。请使用 {7} {8}（情景文件：{9} = \"{10}\"）；若确为 {13}，请使用 {11} {12}",
    ),
    (
        "these coordinates look like {} read as {}: converted from {} they sit {} m from the nearest road instead of {} m (median of {} points){}; kept as {} because {} says so",
        "这些坐标看起来是被当作 {1} 读取的 {0}：按 {2} 换算后距最近道路 {3} 米，而不是 {4} 米（{5} 个点的中位数）{6}；因 {8} 如此指定，仍按 {7} 读取",
    ),
    (
        ", {} of {} inside an OSM building instead of {}",
        "，抽样 {1} 个点中有 {0} 个位于 OSM 建筑内（原为 {2} 个）",
    ),
    (
        ", {} of {} inside an OSM building instead of {}, and {} named points match OSM features within {} m instead of {}",
        "，抽样 {1} 个点中有 {0} 个位于 OSM 建筑内（原为 {2} 个），且 {3} 个有名称的点在 {4} 米内与 OSM 要素同名（原为 {5} 个）",
    ),
    (
        ", and {} named points match OSM features within {} m instead of {}",
        "，且 {0} 个有名称的点在 {1} 米内与 OSM 要素同名（原为 {2} 个）",
    ),
    // Population rasters and districts (raster.rs, districts.rs).
    ("it is not a readable TIFF ({})", "不是可读取的 TIFF（{0}）"),
    ("its size cannot be read ({})", "无法读取其尺寸（{0}）"),
    (
        "its pixel grid is rotated; reproject it north-up (gdalwarp -t_srs EPSG:4326 in.tif out.tif)",
        "其像元网格是旋转的；请重投影为正北朝上（gdalwarp -t_srs EPSG:4326 in.tif out.tif）",
    ),
    (
        "it has no georeferencing (ModelPixelScale and ModelTiepoint tags): export it as a GeoTIFF",
        "没有地理参考（ModelPixelScale 与 ModelTiepoint 标签）：请导出为 GeoTIFF",
    ),
    (
        "its georeferencing is not usable (origin {},{}, cell {}×{})",
        "其地理参考不可用（原点 {0},{1}，像元 {2}×{3}）",
    ),
    (
        "it does not cover the region ({},{} – {},{}); check that it is the right raster, in the CRS its GeoKeys say ({})",
        "它未覆盖研究区域（{0},{1} – {2},{3}）；请检查栅格是否正确、坐标系是否与其 GeoKeys 所写一致（{4}）",
    ),
    (
        "the region spans {} of its cells, more than the {} allowed: use a coarser raster or a smaller region",
        "研究区域覆盖其 {0} 个像元，超过上限 {1}：请使用更粗的栅格或更小的区域",
    ),
    ("its strips or tiles have no size", "其条带或瓦片没有尺寸"),
    (
        "cell column {}, row {} holds {} people; counts must be finite and at least 0 (mark missing cells with the GDAL nodata value)",
        "第{1}行第{0}列像元的人数为 {2}；人数须为不小于 0 的有限数值（缺失像元请用 GDAL nodata 值标记）",
    ),
    (
        "its samples are not numbers of a supported type",
        "其像元值不是支持的数值类型",
    ),
    (
        "its GeoKeys name no coordinate system; reproject it with gdalwarp -t_srs EPSG:4326 in.tif out.tif",
        "其 GeoKeys 未给出坐标系；请用 gdalwarp -t_srs EPSG:4326 in.tif out.tif 重投影",
    ),
    (
        "its coordinate system (EPSG:{}) is not one lifecircle reads (WGS-84 lon/lat, Web Mercator, UTM, CGCS2000 Gauss–Krüger, Mollweide); reproject it with gdalwarp -t_srs EPSG:4326 in.tif out.tif",
        "其坐标系（EPSG:{0}）不受支持（支持 WGS-84 经纬度、Web 墨卡托、UTM、CGCS2000 高斯–克吕格、Mollweide）；请用 gdalwarp -t_srs EPSG:4326 in.tif out.tif 重投影",
    ),
    (
        "{}: {} people in {} cells of the {}×{} raster inside the region ({}; {} nodata cells; {} % placed on residential buildings, the rest at cell centres)",
        "{0}：{3}×{4} 栅格中位于研究区域内的 {2} 个像元共 {1} 人（{5}；{6} 个 nodata 像元；{7}% 分配到居住建筑，其余置于像元中心）",
    ),
    (
        "{} districts: {} spread over residential buildings by floor area, {} over residential areas, {} over walkable roads, {} at their interior points",
        "{0} 个街道/社区：{1} 个按建筑面积分配到居住建筑，{2} 个分配到居住区，{3} 个分配到可步行道路，{4} 个置于其内部点",
    ),
    (
        "{}: district '{}' ({} residents) has no residential building, residential area or walkable road inside it; its residents are placed at its interior point (check its coordinates and --population-crs)",
        "{0}：街道/社区“{1}”（{2} 人）内没有居住建筑、居住区或可步行道路；其居民置于其内部点（请检查其坐标与 --population-crs）",
    ),
    (
        "{} buildings or points lie in more than one district ({} and others): each counts for the first of them in file order (check the file for overlapping polygons)",
        "{0} 处建筑或点位于多个街道/社区内（{1} 等）：各按文件中的第一个计（请检查文件中是否有重叠的多边形）",
    ),
    // The crate's `Error` as `Display` writes it, when it reaches the edge as text (a stage
    // without result keeps its error's English); `errors.rs` renders the `Error` itself.
    ("cannot read {}: {}", "无法读取 {0}：{1}"),
    (
        "{} is not a readable OSM PBF file ({}); check that it is an .osm.pbf extract and that the download is complete",
        "{0} 不是可读取的 OSM PBF 文件（{1}）；请确认它是 .osm.pbf 数据，且已完整下载",
    ),
    (
        "{} contains no routable roads ({}); is it the right region, and does it include highway=* ways?",
        "{0} 中没有可通行的道路（{1}）；区域是否正确，数据中是否有 highway=* 道路？",
    ),
    (
        "{} has no {}; give the parks' outlines with --parks FILE.geojson (Polygon features with a name)",
        "{0} 中没有{1}；请用 --parks 文件.geojson 给出园区边界（带名称的 Polygon 要素）",
    ),
    ("invalid {} '{}': {}", "{0}“{1}”无效：{2}"),
    ("{} = {} is not accepted: {}", "{0} = {1} 不可接受：{2}"),
    ("input file", "输入文件"),
    ("profile", "设施配置"),
    ("mode", "交通方式"),
    ("demand", "需求"),
    ("profile file", "设施配置文件"),
    ("tag filter", "标签条件"),
    ("population raster", "人口栅格"),
    ("coordinate reference system", "坐标系"),
    ("saved scenario", "保存的情景"),
    ("facilities file", "设施文件"),
    ("departure window", "发车时段"),
    ("GTFS feed", "GTFS 数据"),
    ("scenario file", "情景文件"),
    ("residents total", "居民总数"),
    // Row reasons that reach a reader as text (`RowProblem::en`, and the readers' own).
    ("{} '{}' is not a number", "{0}“{1}”不是数字"),
    (
        "coordinates {} are not a lon,lat pair",
        "坐标 {0} 不是有效的经度、纬度",
    ),
    (
        "point {} lies outside the region of the OSM data (swapped lon/lat, or wrong --poi-crs?)",
        "点 {0} 位于 OSM 数据范围之外（经纬度是否颠倒，或坐标系 --poi-crs 是否有误？）",
    ),
    ("count '{}' is not a number", "人数“{0}”不是数字"),
    ("count {} is not a number", "人数 {0} 不是数字"),
    (
        "no count (or population, residents, 人口) property",
        "没有 count（或 population、residents、人口）属性",
    ),
    // The OSM file's blocks (osm/reader.rs).
    (
        "blob {} at byte {}: {}",
        "第 {0} 个数据块（第 {1} 字节处）：{2}",
    ),
    (
        "blob header of {} bytes, above the format's limit of {}",
        "数据块头 {0} 字节，超过格式上限 {1} 字节",
    ),
    (
        "declared size {} bytes, above the format's limit of {} (32 MiB)",
        "声明大小 {0} 字节，超过格式上限 {1} 字节（32 MiB）",
    ),
    (
        "declared uncompressed size {} bytes, above the format's limit of {} (32 MiB)",
        "声明的解压后大小 {0} 字节，超过格式上限 {1} 字节（32 MiB）",
    ),
    (
        "{} bytes declared to inflate to {}, above the cap of {}×; the file is corrupt or crafted",
        "{0} 字节声明解压为 {1} 字节，超过 {2} 倍上限；文件已损坏或被人为构造",
    ),
    (
        "{} decodes to more than {} elements from {} compressed bytes, above the cap of {} per byte; the file is corrupt or crafted",
        "{0} 由 {2} 个压缩字节解出超过 {1} 个要素，超过每字节 {3} 个的上限；文件已损坏或被人为构造",
    ),
    // The OSM extract (osm/).
    ("the file is empty", "文件为空"),
    (
        "the first block is not an OSMHeader",
        "第一个数据块不是 OSMHeader",
    ),
    (
        "the file ends inside a blob's length",
        "文件在数据块长度处中断",
    ),
    ("empty blob", "空数据块"),
    (
        "the file ends {} bytes into a part declared {} bytes long",
        "文件在一个声明为 {1} 字节的部分的第 {0} 字节处中断",
    ),
    ("unsupported required feature {}", "不支持的必需特性 {0}"),
    ("the file is corrupt or crafted", "文件已损坏或被人为构造"),
    (
        "the file header's bounding box {} is inverted; using the nodes' extent",
        "文件头的范围框 {0} 是颠倒的；改用节点的范围",
    ),
    (
        "the file header's bounding box {} disagrees with the nodes' extent {}; using the nodes' extent",
        "文件头的范围框 {0} 与节点的范围 {1} 不一致；改用节点的范围",
    ),
    (
        "{} highway=* ways, none usable by any mode",
        "{0} 条 highway=* 道路，没有一条可供任何交通方式使用",
    ),
    (
        "industrial areas (landuse=industrial) of at least {} ha{}",
        "不小于 {0} 公顷的工业用地（landuse=industrial）{1}",
    ),
    (" ({} smaller ones ignored)", "（另有 {0} 处较小的未计）"),
    (
        "residential areas (landuse=residential)",
        "居住区（landuse=residential）",
    ),
    // GTFS and bus lines (commute/, plan.rs).
    ("no '-' between start and end", "开始与结束时刻之间没有“-”"),
    ("bad start time", "开始时刻有误"),
    ("bad end time", "结束时刻有误"),
    ("the start is not before the end", "开始时刻不早于结束时刻"),
    (
        "{}; expected HH:MM-HH:MM within 00:00-24:00, e.g. 07:00-08:00",
        "{0}；应为 00:00-24:00 之内的 HH:MM-HH:MM，例如 07:00-08:00",
    ),
    (
        "{}; expected a GTFS .zip or folder with agency.txt, stops.txt, routes.txt, trips.txt and stop_times.txt",
        "{0}；应为含 agency.txt、stops.txt、routes.txt、trips.txt 与 stop_times.txt 的 GTFS .zip 或文件夹",
    ),
    (
        "{}: {} has an error in a field lifecircle does not use ({}); {}",
        "{0}：{1} 中一个本工具不使用的字段有错误（{2}）；{3}",
    ),
    (
        "lines are named by their route_id",
        "线路以其 route_id 命名",
    ),
    ("it is not used", "该文件未被使用"),
    (
        "GTFS stop {} has no coordinates (stop_lat/stop_lon); left out of {} stop pattern(s)",
        "GTFS 站点 {0} 没有坐标（stop_lat/stop_lon）；已从 {1} 个停站模式中略去",
    ),
    (
        "{} GTFS trip(s) skipped: service_id in neither calendar.txt nor calendar_dates.txt",
        "跳过 {0} 个 GTFS 车次：service_id 既不在 calendar.txt 也不在 calendar_dates.txt 中",
    ),
    (
        "{} GTFS trip(s) skipped: fewer than two stop times",
        "跳过 {0} 个 GTFS 车次：停站时刻少于两个",
    ),
    (
        "{} GTFS trip(s) skipped: no time at the first stop",
        "跳过 {0} 个 GTFS 车次：首站没有时刻",
    ),
    (
        "{} GTFS frequency entries skipped: headway_secs is 0",
        "跳过 {0} 条 GTFS 发车间隔记录：headway_secs 为 0",
    ),
    (
        "{} GTFS stop pattern(s) dropped: no trip in the window has times at both ends",
        "舍去 {0} 个 GTFS 停站模式：时段内没有两端都有时刻的车次",
    ),
    (
        "{} GTFS stop pattern(s) dropped: fewer than two stops with coordinates",
        "舍去 {0} 个 GTFS 停站模式：有坐标的站点少于两个",
    ),
    (
        "{} GTFS leg(s) arrive before they leave; ride time set to 0 s",
        "{0} 个 GTFS 区间到达早于出发；乘车时间记为 0 秒",
    ),
    (
        "{} GTFS trip(s) skipped: a stop time after 48:00:00 (a slip such as 99:99:99)",
        "跳过 {0} 个 GTFS 车次：有晚于 48:00:00 的停站时刻（如 99:99:99 之类的笔误）",
    ),
    (
        "{} GTFS trip(s) skipped: their calendar.txt service runs on no day and has no calendar_dates.txt dates",
        "跳过 {0} 个 GTFS 车次：其 calendar.txt 服务没有运营日，calendar_dates.txt 中也没有日期",
    ),
    (
        "no GTFS line runs on a weekday in the window {}: {} trip(s) in the feed{}",
        "时段 {0} 内没有在工作日运营的 GTFS 线路：数据中共 {1} 个车次{2}",
    ),
    (" (see the notes above)", "（见上方说明）"),
    (
        "OSM bus routes: {} relations, {} without two stops on the bus network (unused), {} old-style (stops taken along their ways), {} legs routed off the relation's ways, {} legs with no bus path (line split), {} members missing from the extract",
        "OSM 公交线路：{0} 个关系，{1} 个在公交路网上不足两个站点（未用），{2} 个为旧式标注（沿其道路取站点），{3} 个区间偏离关系中的道路，{4} 个区间无公交路径（线路拆分），{5} 个成员不在数据中",
    ),
    (
        "no bus lines in the OSM data (no route=bus relations)",
        "OSM 数据中没有公交线路（没有 route=bus 关系）",
    ),
    (
        "{} of {} stops on the GTFS lines in the window lie outside the region of {}; only the parts of those lines inside it can be reached",
        "时段内 GTFS 线路的 {1} 个站点中有 {0} 个位于 {2} 的范围之外；只能到达这些线路在范围内的部分",
    ),
    (
        "no stop of the GTFS feed lies in the region of {} ({},{} – {},{}); is it the feed for this city?",
        "GTFS 数据中没有站点位于 {0} 的范围（{1},{2} – {3},{4}）内；是否是这座城市的数据？",
    ),
    (
        "at most {} per plan; plan fewer parks or times at once",
        "单次规划至多 {0} 人；请一次规划较少的园区或时刻",
    ),
    (
        "seats per vehicle between 1 and 200, e.g. 33 or 19,33,50",
        "每车座位数 1 至 200，如 33 或 19,33,50",
    ),
    ("a walk between 0 and 3000 m", "步行距离 0 至 3000 米"),
    (
        "more than the wait and boarding time, at most 180",
        "大于候车与上车时间，不超过 180",
    ),
    (
        "non-negative early window, positive shift and route length",
        "提前到达窗口不为负，班次时长与线路时长为正",
    ),
    (
        "a search time limit above 0 and at most 86400 s",
        "搜索时限大于 0、不超过 86400 秒",
    ),
    (
        "at least one vehicle size, ascending, e.g. [8, 19, 33, 50]",
        "至少一种车型座位数，从小到大，如 [8, 19, 33, 50]",
    ),
    (
        "one non-negative number per size in cost.seats",
        "cost.seats 中每种车型一个非负数",
    ),
    ("a number from 0 to 1000000", "0 至 1000000 之间的数"),
    ("a number above 0, at most {}", "大于 0、不超过 {0} 的数"),
    // Output folders (report/outdir.rs).
    (
        "lifecircle replaces only files it wrote (listed in .lifecircle-manifest.json); pick another output folder (--out) or move it away",
        "本工具只替换自己写入的文件（列于 .lifecircle-manifest.json）；请另选输出文件夹（--out）或将其移走",
    ),
    (
        "cannot {} ({}); check that the folder can be written and has space",
        "无法{0}（{1}）；请检查该文件夹可写且有剩余空间",
    ),
    ("read the current folder", "读取当前文件夹"),
    ("read", "读取"),
    ("write", "写入"),
    ("create it", "创建它"),
    ("remove it", "删除它"),
    ("inspect {}", "检查 {0}"),
    ("keep an earlier file", "保留先前的文件"),
    ("move the new run into place", "将本次结果移入"),
    ("swap in the new run", "换入本次结果"),
    ("move a file into place", "移入文件"),
    (
        "is empty; give a folder such as --out out",
        "为空；请给出文件夹，如 --out out",
    ),
    (
        "cannot be the output folder: {} {}; give a folder path without symbolic links, files or devices in it",
        "不能作为输出文件夹：{0} {1}；请给出不含符号链接、文件或设备的文件夹路径",
    ),
    ("is in the way: it {}; {}", "挡住了输出：它{0}；{1}"),
    ("is a symbolic link", "是符号链接"),
    ("is a file lifecircle did not write", "不是本工具写入的文件"),
    ("is a special file", "是特殊文件"),
    (
        "was changed after lifecircle wrote it",
        "在本工具写入后被修改过",
    ),
    (
        "is an input ({}) and lies where this run writes {}; pick another output folder (--out) or move the input out of it",
        "是输入文件（{0}），却位于本次运行写入 {1} 的位置；请另选输出文件夹（--out）或将输入文件移出",
    ),
    (
        "cannot be created in {} ({}); pick an output folder (--out) you can write",
        "无法在 {0} 中创建（{1}）；请选择可写的输出文件夹（--out）",
    ),
    (
        "cannot be written ({}); pick an output folder (--out) you can write",
        "无法写入（{0}）；请选择可写的输出文件夹（--out）",
    ),
    ("is not a plain file name", "不是普通文件名"),
    // Given bus stops (places/stops.rs, plan.rs, lang/reasons.rs as text).
    (
        "stop code {} is used already on line {}: give each stop its own code",
        "站点编号 {0} 已在第{1}行使用：请给每个站点不同的编号",
    ),
    (
        "stop {} lies more than {} m from any road buses can use: move it onto a bus road (or use --roads car)",
        "站点 {0} 距公交可行驶道路超过 {1} 米：请移到公交道路上（或使用 --roads car）",
    ),
    (
        "stop {} is at the same point of the bus roads as stop {}: move it, or delete one of them",
        "站点 {0} 与站点 {1} 落在公交道路的同一点：请移动其一或删除其一",
    ),
    (
        "{}: no usable bus stop ({} rows skipped{}); fix the rows or leave out [bus] stops / --stops to let the planner choose",
        "{0}：没有可用的公交站点（跳过 {1} 行{2}）；请修正这些行，或去掉 [bus] stops / --stops，由规划器自选站点",
    ),
    ("; first: line {}: {}", "；第一处：第{0}行：{1}"),
    (
        "stop code {} is the code of the gate stop of park {} ({}) in drt_timetable.csv and the GTFS feed: give the stop another code",
        "站点编号 {0} 是园区 {1}（{2}）园区门站点在 drt_timetable.csv 与 GTFS 中的编号：请给该站点另取编号",
    ),
    (
        "the bus-line search stopped at its time limit after {} iterations; the plan may differ between machines (raise --seconds or lower --iterations for a reproducible plan)",
        "线路搜索在 {0} 次迭代后到达时间上限而停止；方案在不同机器上可能不同（如需可复现的方案，请加大 --seconds 或减小 --iterations）",
    ),
    // `darp`: Cordeau instances (drt/cordeau.rs) and the checker (drt/check.rs).
    ("{}: cannot read: {}", "{0}：无法读取：{1}"),
    (
        "{}: empty file, expected header `m 2n T Q L`",
        "{0}：文件为空，应以表头 `m 2n T Q L` 开始",
    ),
    (
        "{}:{}: expected {} fields, found {}",
        "{0} 第{1}行：应有 {2} 个字段，实际 {3} 个",
    ),
    (
        "{}:{}: field `{}` is not a valid {}: {}",
        "{0} 第{1}行：字段 `{2}` 不是有效的{3}：{4}",
    ),
    ("finite number", "有限数值"),
    ("integer", "整数"),
    (
        "time of at most 5256000 minutes (ten years)",
        "不超过 5256000 分钟（十年）的时间",
    ),
    (
        "{}:1: {} is {}, above the cap of {}; split the instance or check the header `m 2n T Q L`",
        "{0} 第1行：{1} 为 {2}，超过上限 {3}；请拆分算例或检查表头 `m 2n T Q L`",
    ),
    ("{}:1: invalid header: {}", "{0} 第1行：表头无效：{1}"),
    ("vehicle count must be positive", "车辆数须为正数"),
    (
        "node count 2n must be positive and even",
        "节点数 2n 须为正偶数",
    ),
    ("capacity out of range", "载客量超出范围"),
    ("durations must be non-negative", "时长不得为负"),
    (
        "{}:{}: expected node id {}, found {}",
        "{0} 第{1}行：节点编号应为 {2}，实际为 {3}",
    ),
    (
        "{}:{}: file ends after {} of {} node lines",
        "{0} 第{1}行：文件在 {3} 行节点中的第 {2} 行后就结束了",
    ),
    (
        "{}:{}: unexpected line after the last node",
        "{0} 第{1}行：最后一个节点之后还有多余的行",
    ),
    ("{}: inconsistent instance: {}", "{0}：算例前后不一致：{1}"),
    ("route {}: unknown vehicle {}", "路线 {0}：未知车辆 {1}"),
    ("vehicle {} used by two routes", "车辆 {0} 被两条路线使用"),
    (
        "route {}: node {} is not a request node",
        "路线 {0}：节点 {1} 不是请求节点",
    ),
    ("node {} visited twice", "节点 {0} 被访问两次"),
    (
        "vehicle {}: node {} returns to a location the route has left",
        "车辆 {0}：节点 {1} 回到了路线已离开的地点",
    ),
    (
        "request {}: pickup and delivery not on one route",
        "请求 {0}：上车与下车不在同一路线上",
    ),
    (
        "request {}: delivery before pickup",
        "请求 {0}：下车早于上车",
    ),
    ("request {} missing", "请求 {0} 缺失"),
    (
        "request {} wrongly declared unserved",
        "请求 {0} 被错误地标为未服务",
    ),
    (
        "vehicle {}: load {} > capacity {} after node {}",
        "车辆 {0}：节点 {3} 之后载客 {1} 人，超过容量 {2}",
    ),
    (
        "vehicle {}: node {} served at {} after {}",
        "车辆 {0}：节点 {1} 在第 {2} 分钟服务，晚于 {3}",
    ),
    (
        "vehicle {}: node {} served at {} before {}",
        "车辆 {0}：节点 {1} 在第 {2} 分钟服务，早于 {3}",
    ),
    (
        "vehicle {}: departure {} outside depot window",
        "车辆 {0}：发车时间 {1} 不在车场时间窗内",
    ),
    (
        "vehicle {}: arrival {} after {}",
        "车辆 {0}：回场时间 {1} 晚于 {2}",
    ),
    (
        "vehicle {}: duration {} > {}",
        "车辆 {0}：运营时长 {1} 超过 {2}",
    ),
    (
        "request {}: ride {} > {}",
        "请求 {0}：乘车时间 {1} 超过 {2}",
    ),
    (
        "vehicle {}: schedule position {}: {}",
        "车辆 {0}：时刻表第 {1} 位：{2}",
    ),
    ("the checker rejected the solution", "校验器否决了该方案"),
    (
        "{}: no plan serves every request ({} of {} unserved); give more --seconds, or check the time windows and the vehicle count",
        "{0}：没有能服务全部请求的方案（{2} 个中 {1} 个未服务）；请加大 --seconds，或检查时间窗与车辆数",
    ),
];

/// Messages of the operating system and of the `toml` crate as they reach the library's
/// errors: not written in `src/`, so not checked against it.
pub(super) const EXTERNAL: &[(&str, &str)] = &[
    // io::Error reasons (the operating system's, as Rust prints them).
    (
        "No such file or directory (os error {})",
        "文件或文件夹不存在",
    ),
    ("Permission denied (os error {})", "没有访问权限"),
    ("Is a directory (os error {})", "这是一个文件夹，不是文件"),
    ("Not a directory (os error {})", "路径中有一项不是文件夹"),
    ("No space left on device (os error {})", "磁盘空间不足"),
    ("Read-only file system (os error {})", "文件系统只读"),
    // TOML errors of scenario and profile files (newlines replaced by spaces).
    (
        "TOML parse error at line {}, column {} |{}^ {}",
        "TOML 格式错误，第{0}行第{1}列：{3}",
    ),
    (
        "unknown field `{}`, expected one of {}",
        "未知的键“{0}”，可用的键：{1}",
    ),
    (
        "unknown field `{}`, expected `{}`",
        "未知的键“{0}”，应为“{1}”",
    ),
    (
        "unknown field `{}`, there are no fields",
        "未知的键“{0}”，此处不应有键",
    ),
    ("invalid type: {}, expected {}", "类型不对：{0}，应为 {1}"),
    ("missing field `{}`", "缺少键“{0}”"),
    ("duplicate key `{}`", "键“{0}”重复"),
    ("invalid string", "字符串格式不对"),
    ("string \"{}\"", "字符串 \"{0}\""),
    ("a sequence", "列表"),
    ("a string", "字符串"),
];
