//! Decoding `.osm.pbf` with `osmpbf`: the only file that imports it. Blobs are read in file
//! order, decoded in parallel (one rayon task per blob) and merged in file order, so the
//! result does not depend on the thread count.

use std::io::Read;
use std::path::Path;

use osmpbf::{BlobDecode, BlobReader, Element, RelMemberType};
use rayon::prelude::*;

use super::tags::{Tags, keep_key};
use crate::error::{Error, Result};

/// A relation member as read.
#[derive(Clone, Debug)]
pub struct RawMember {
    /// Node, way or relation.
    pub kind: MemberKind,
    /// The member's OSM id.
    pub id: i64,
    /// The member's role (`outer`, `inner`, `stop`, `platform`, `""`, …).
    pub role: Box<str>,
}

/// The type of a relation member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MemberKind {
    /// A node.
    Node,
    /// A way.
    Way,
    /// A relation.
    Relation,
}

/// A tagged node as read (untagged nodes only contribute coordinates).
#[derive(Clone, Debug)]
pub struct RawNode {
    /// OSM id.
    pub id: i64,
    /// Longitude, degrees.
    pub lon: f64,
    /// Latitude, degrees.
    pub lat: f64,
    /// Kept tags (never empty).
    pub tags: Tags,
}

/// A way as read.
#[derive(Clone, Debug)]
pub struct RawWay {
    /// OSM id.
    pub id: i64,
    /// Node references in order.
    pub refs: Vec<i64>,
    /// Kept tags (may be empty: untagged ways can be multipolygon members).
    pub tags: Tags,
}

/// A relation as read (only multipolygons and bus routes are kept).
#[derive(Clone, Debug)]
pub struct RawRelation {
    /// OSM id.
    pub id: i64,
    /// Members in order.
    pub members: Vec<RawMember>,
    /// Kept tags.
    pub tags: Tags,
}

/// Everything decoded from one file, before interpretation.
#[derive(Debug, Default)]
pub struct RawData {
    /// `(id, lon·10⁷, lat·10⁷)` of every node, sorted by id.
    pub node_coords: Vec<(i64, i32, i32)>,
    /// Nodes with at least one kept tag.
    pub tagged_nodes: Vec<RawNode>,
    /// All ways.
    pub ways: Vec<RawWay>,
    /// Relations of interest (see [`keep_relation`]).
    pub relations: Vec<RawRelation>,
    /// Number of nodes, ways and relations in the file.
    pub counts: [u64; 3],
    /// Bounding box from the file header `[min_lon, min_lat, max_lon, max_lat]`, if present.
    pub header_bbox: Option<[f64; 4]>,
    /// The data's date, seconds since 1970: the header's replication timestamp, else the
    /// newest way edit (files without metadata have neither).
    pub data_time_s: Option<i64>,
}

/// Which relations are kept: multipolygons and bus routes.
fn keep_relation(tags: &Tags) -> bool {
    super::tags::is_multipolygon(tags) || super::tags::is_bus_route(tags)
}

fn kept_tags<'a>(tags: impl Iterator<Item = (&'a str, &'a str)>) -> Tags {
    Tags::new(tags.filter(|(k, v)| keep_key(k) || super::mapdata::keep_map_tag(k, v)))
}

fn pbf_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Pbf {
        path: path.to_path_buf(),
        cause: e.to_string(),
    }
}

/// The largest blob header the format allows (64 KiB).
pub const MAX_BLOB_HEADER_BYTES: u64 = 64 * 1024;

/// The largest blob the format allows, compressed (`datasize`) or not (`raw_size`): 32 MiB.
pub const MAX_BLOB_BYTES: u64 = 32 * 1024 * 1024;

/// The largest declared `raw_size` / `datasize` ratio: OSM data inflates 2–10×; zlib can reach
/// ~1000×, which only a crafted file (a "zip bomb" of millions of nodes) does.
pub const MAX_INFLATE_RATIO: u64 = 200;

/// The most elements (nodes, way node references, relation members) one blob may decode to per
/// byte of its compressed size: OSM data has well under one; a crafted file hundreds.
pub const MAX_ELEMENTS_PER_BYTE: u64 = 32;

/// A blob's place in the file, for error messages.
#[derive(Clone, Copy, Debug)]
struct BlobAt {
    /// 0-based index in the file.
    index: usize,
    /// Byte offset of its length prefix.
    offset: u64,
    /// Its compressed size (`datasize`).
    datasize: u64,
}

impl std::fmt::Display for BlobAt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "blob {} at byte {}", self.index, self.offset)
    }
}

/// Reads and decodes a whole PBF stream. `path` only names the source in errors.
pub fn read_raw<R: Read + Send>(reader: R, path: &Path) -> Result<RawData> {
    let framed = read_frames(reader, path)?;
    let (places, blobs): (Vec<BlobAt>, Vec<osmpbf::Blob>) = framed.into_iter().unzip();
    if blobs.is_empty() {
        return Err(pbf_error(path, "the file is empty"));
    }
    if !matches!(blobs[0].get_type(), osmpbf::BlobType::OsmHeader) {
        return Err(pbf_error(path, "the first block is not an OSMHeader"));
    }
    // Every blob is decoded (each bounded by its density cap), so that the error reported is
    // the first in file order whatever the thread count.
    let blocks: Vec<Result<RawData>> = blobs
        .par_iter()
        .zip(&places)
        .map(|(blob, at)| {
            let (block, elements) = decode_blob(blob, density_cap(*at), path)?;
            check_density(elements, *at, path)?;
            Ok(block)
        })
        .collect();
    Ok(merge(blocks.into_iter().collect::<Result<_>>()?))
}

/// Refuses a blob that decodes to far more elements than its compressed size can hold in
/// real data (a crafted file declaring millions of nodes in a few kilobytes). Elements past
/// the cap are counted but not stored, so memory stays bounded by a few blobs.
fn check_density(elements: u64, at: BlobAt, path: &Path) -> Result<()> {
    if elements > density_cap(at) {
        return Err(pbf_error(
            path,
            format!(
                "{at} decodes to more than {} elements from {} compressed bytes, above the cap of {MAX_ELEMENTS_PER_BYTE} per byte; the file is corrupt or crafted",
                density_cap(at),
                at.datasize
            ),
        ));
    }
    Ok(())
}

/// The most elements a blob may hold: [`MAX_ELEMENTS_PER_BYTE`] per compressed byte.
fn density_cap(at: BlobAt) -> u64 {
    at.datasize.max(1) * MAX_ELEMENTS_PER_BYTE
}

/// Reads the blobs' framing (length, `BlobHeader`, `Blob`) and checks every declared size
/// against the format's limits *before* reading what it declares; each checked blob is then
/// handed to `osmpbf`.
fn read_frames<R: Read>(mut reader: R, path: &Path) -> Result<Vec<(BlobAt, osmpbf::Blob)>> {
    let mut out = Vec::new();
    let mut offset: u64 = 0;
    loop {
        let mut len = [0u8; 4];
        let got = read_full(&mut reader, &mut len).map_err(|e| pbf_error(path, e))?;
        if got == 0 {
            return Ok(out);
        }
        let mut at = BlobAt {
            index: out.len(),
            offset,
            datasize: 0,
        };
        let fail = |what: String| pbf_error(path, format!("{at}: {what}"));
        if got < 4 {
            return Err(fail("the file ends inside a blob's length".into()));
        }
        let header_len = u64::from(u32::from_be_bytes(len));
        if header_len > MAX_BLOB_HEADER_BYTES {
            return Err(fail(format!(
                "blob header of {header_len} bytes, above the format's limit of {MAX_BLOB_HEADER_BYTES}"
            )));
        }
        let header = read_exactly(&mut reader, header_len).map_err(|e| fail(e.to_string()))?;
        let datasize = proto_varint_field(&header, 3).unwrap_or(0);
        at.datasize = datasize;
        let fail = |what: String| pbf_error(path, format!("{at}: {what}"));
        if datasize > MAX_BLOB_BYTES {
            return Err(fail(format!(
                "declared size {datasize} bytes, above the format's limit of {MAX_BLOB_BYTES} (32 MiB)"
            )));
        }
        let data = read_exactly(&mut reader, datasize).map_err(|e| fail(e.to_string()))?;
        let raw_size = proto_varint_field(&data, 2).unwrap_or(0);
        if raw_size > MAX_BLOB_BYTES {
            return Err(fail(format!(
                "declared uncompressed size {raw_size} bytes, above the format's limit of {MAX_BLOB_BYTES} (32 MiB)"
            )));
        }
        if raw_size > datasize.max(1) * MAX_INFLATE_RATIO {
            return Err(fail(format!(
                "{datasize} bytes declared to inflate to {raw_size}, above the cap of {MAX_INFLATE_RATIO}×; the file is corrupt or crafted"
            )));
        }
        let mut frame = Vec::with_capacity(4 + header.len() + data.len());
        frame.extend_from_slice(&len);
        frame.extend_from_slice(&header);
        frame.extend_from_slice(&data);
        let blob = BlobReader::new(std::io::Cursor::new(frame))
            .next()
            .ok_or_else(|| fail("empty blob".into()))?
            .map_err(|e| fail(e.to_string()))?;
        offset += 4 + header_len + datasize;
        out.push((at, blob));
    }
}

/// Fills `buf` as far as the stream goes; returns the bytes read (less only at the end).
fn read_full<R: Read>(reader: &mut R, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut got = 0;
    while got < buf.len() {
        match reader.read(&mut buf[got..]) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(got)
}

/// Reads exactly `len` bytes (already checked against the limits), or says the file is cut.
fn read_exactly<R: Read>(reader: &mut R, len: u64) -> std::result::Result<Vec<u8>, String> {
    let mut buf = Vec::new();
    reader
        .take(len)
        .read_to_end(&mut buf)
        .map_err(|e| e.to_string())?;
    if (buf.len() as u64) < len {
        return Err(format!(
            "the file ends {} bytes into a part declared {len} bytes long",
            buf.len()
        ));
    }
    Ok(buf)
}

/// The value of the first varint field `field` at the top level of a protobuf message, if
/// any: enough of the wire format to read `BlobHeader.datasize` and `Blob.raw_size`.
fn proto_varint_field(msg: &[u8], field: u64) -> Option<u64> {
    fn varint(msg: &[u8], pos: &mut usize) -> Option<u64> {
        let mut v: u64 = 0;
        for shift in (0..64).step_by(7) {
            let b = *msg.get(*pos)?;
            *pos += 1;
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }
    let mut pos = 0;
    while pos < msg.len() {
        let key = varint(msg, &mut pos)?;
        match key & 7 {
            0 => {
                let v = varint(msg, &mut pos)?;
                if key >> 3 == field {
                    return Some(v);
                }
            }
            1 => pos = pos.checked_add(8)?,
            2 => {
                let n = usize::try_from(varint(msg, &mut pos)?).ok()?;
                pos = pos.checked_add(n)?;
            }
            5 => pos = pos.checked_add(4)?,
            _ => return None,
        }
    }
    None
}

/// Decodes one blob, storing at most `cap` elements (nodes, ways, relations, way node
/// references); returns the block and the number of elements it holds.
fn decode_blob(blob: &osmpbf::Blob, cap: u64, path: &Path) -> Result<(RawData, u64)> {
    let mut out = RawData::default();
    let mut elements: u64 = 0;
    match blob.decode().map_err(|e| pbf_error(path, e))? {
        BlobDecode::OsmHeader(header) => {
            for feature in header.required_features() {
                if !matches!(
                    feature.as_str(),
                    "OsmSchema-V0.6" | "DenseNodes" | "HistoricalInformation"
                ) {
                    return Err(pbf_error(
                        path,
                        format!("unsupported required feature {feature}"),
                    ));
                }
            }
            out.header_bbox = header.bbox().map(|b| [b.left, b.bottom, b.right, b.top]);
            out.data_time_s = out
                .data_time_s
                .max(header.osmosis_replication_timestamp().filter(|&t| t > 0));
        }
        BlobDecode::OsmData(block) => {
            let mut way_time_s: Option<i64> = None;
            block.for_each_element(|element| {
                elements += 1 + match &element {
                    Element::Way(w) => w.raw_refs().len() as u64,
                    _ => 0,
                };
                if elements > cap {
                    return;
                }
                out.add_element(element, &mut way_time_s);
            });
            out.data_time_s = out.data_time_s.max(way_time_s);
        }
        // The format asks readers to skip block types they do not know.
        BlobDecode::Unknown(_) => {}
    }
    Ok((out, elements))
}

impl RawData {
    /// Stores one decoded element (`way_time_s`: the newest way edit so far).
    fn add_element(&mut self, element: Element<'_>, way_time_s: &mut Option<i64>) {
        let out = self;
        match element {
            Element::DenseNode(n) => {
                out.add_node(
                    n.id(),
                    n.decimicro_lon(),
                    n.decimicro_lat(),
                    kept_tags(n.tags()),
                );
            }
            Element::Node(n) => {
                out.add_node(
                    n.id(),
                    n.decimicro_lon(),
                    n.decimicro_lat(),
                    kept_tags(n.tags()),
                );
            }
            Element::Way(w) => {
                out.counts[1] += 1;
                let edited_s = w.info().milli_timestamp().map(|ms| ms / 1000);
                if edited_s.is_some_and(|t| t > 0) {
                    *way_time_s = (*way_time_s).max(edited_s);
                }
                out.ways.push(RawWay {
                    id: w.id(),
                    refs: w.refs().collect(),
                    tags: kept_tags(w.tags()),
                });
            }
            Element::Relation(r) => {
                out.counts[2] += 1;
                let tags = kept_tags(r.tags());
                if keep_relation(&tags) {
                    let members = r
                        .members()
                        .map(|m| RawMember {
                            kind: match m.member_type {
                                RelMemberType::Node => MemberKind::Node,
                                RelMemberType::Way => MemberKind::Way,
                                RelMemberType::Relation => MemberKind::Relation,
                            },
                            id: m.member_id,
                            role: m.role().unwrap_or("").into(),
                        })
                        .collect();
                    out.relations.push(RawRelation {
                        id: r.id(),
                        members,
                        tags,
                    });
                }
            }
        }
    }

    /// Records a node (dense or not): its coordinates, and its tags when it has kept ones.
    fn add_node(&mut self, id: i64, lon_e7: i32, lat_e7: i32, tags: Tags) {
        self.counts[0] += 1;
        self.node_coords.push((id, lon_e7, lat_e7));
        if !tags.is_empty() {
            self.tagged_nodes.push(RawNode {
                id,
                lon: f64::from(lon_e7) * 1e-7,
                lat: f64::from(lat_e7) * 1e-7,
                tags,
            });
        }
    }
}

fn merge(blocks: Vec<RawData>) -> RawData {
    let mut all = RawData::default();
    let n_nodes = blocks.iter().map(|b| b.node_coords.len()).sum();
    all.node_coords.reserve_exact(n_nodes);
    for b in blocks {
        all.node_coords.extend_from_slice(&b.node_coords);
        all.tagged_nodes.extend(b.tagged_nodes);
        all.ways.extend(b.ways);
        all.relations.extend(b.relations);
        for i in 0..3 {
            all.counts[i] += b.counts[i];
        }
        all.header_bbox = all.header_bbox.or(b.header_bbox);
        all.data_time_s = all.data_time_s.max(b.data_time_s);
    }
    // Files from osmium and planet dumps are sorted by id; sort anyway when they are not.
    if !all.node_coords.windows(2).all(|w| w[0].0 < w[1].0) {
        all.node_coords.par_sort_unstable_by_key(|n| n.0);
        all.node_coords.dedup_by_key(|n| n.0);
    }
    if !all.ways.windows(2).all(|w| w[0].id < w[1].id) {
        all.ways.par_sort_by_key(|w| w.id);
    }
    all
}
