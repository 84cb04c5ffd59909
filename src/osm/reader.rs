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
    Tags::new(tags.filter(|(k, _)| keep_key(k)))
}

fn pbf_error(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::Pbf {
        path: path.to_path_buf(),
        cause: e.to_string(),
    }
}

/// Reads and decodes a whole PBF stream. `path` only names the source in errors.
pub fn read_raw<R: Read + Send>(reader: R, path: &Path) -> Result<RawData> {
    let blobs: Vec<osmpbf::Blob> = BlobReader::new(reader)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| pbf_error(path, e))?;
    if blobs.is_empty() {
        return Err(pbf_error(path, "the file is empty"));
    }
    if !matches!(blobs[0].get_type(), osmpbf::BlobType::OsmHeader) {
        return Err(pbf_error(path, "the first block is not an OSMHeader"));
    }
    let blocks: Vec<RawData> = blobs
        .par_iter()
        .map(|blob| decode_blob(blob, path))
        .collect::<Result<_>>()?;
    Ok(merge(blocks))
}

fn decode_blob(blob: &osmpbf::Blob, path: &Path) -> Result<RawData> {
    let mut out = RawData::default();
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
            block.for_each_element(|element| match element {
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
                        way_time_s = way_time_s.max(edited_s);
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
            });
            out.data_time_s = out.data_time_s.max(way_time_s);
        }
        // The format asks readers to skip block types they do not know.
        BlobDecode::Unknown(_) => {}
    }
    Ok(out)
}

impl RawData {
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
