//! Rewrites a `.osm.pbf` with every zlib blob stored uncompressed (`Blob.raw`), so that byte
//! mutations reach the protobuf blocks instead of failing in zlib.
//!
//! The file is a sequence of `[u32 BE length][BlobHeader][Blob]`; BlobHeader field 3 is the
//! Blob's size, Blob field 1 is `raw`, 2 `raw_size`, 3 `zlib_data`.

use std::io::Read;

/// One protobuf field: number, and a varint value or a length-delimited payload.
enum Field<'a> {
    Varint(u32, u64),
    Bytes(u32, &'a [u8]),
}

fn read_varint(data: &[u8], at: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in (0..64).step_by(7) {
        let b = *data.get(*at)?;
        *at += 1;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn fields(data: &[u8]) -> Option<Vec<Field<'_>>> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < data.len() {
        let key = read_varint(data, &mut at)?;
        let number = u32::try_from(key >> 3).ok()?;
        match key & 7 {
            0 => out.push(Field::Varint(number, read_varint(data, &mut at)?)),
            2 => {
                let len = usize::try_from(read_varint(data, &mut at)?).ok()?;
                let payload = data.get(at..at.checked_add(len)?)?;
                at += len;
                out.push(Field::Bytes(number, payload));
            }
            _ => return None,
        }
    }
    Some(out)
}

fn encode(fields: &[Field<'_>]) -> Vec<u8> {
    let mut out = Vec::new();
    for f in fields {
        match *f {
            Field::Varint(n, v) => {
                write_varint(&mut out, u64::from(n) << 3);
                write_varint(&mut out, v);
            }
            Field::Bytes(n, b) => {
                write_varint(&mut out, (u64::from(n) << 3) | 2);
                write_varint(&mut out, b.len() as u64);
                out.extend_from_slice(b);
            }
        }
    }
    out
}

/// A blob with its zlib data inflated into `raw`.
fn raw_blob(blob: &[u8]) -> Option<Vec<u8>> {
    let mut inflated = Vec::new();
    let mut kept = Vec::new();
    for f in fields(blob)? {
        match f {
            Field::Bytes(3, z) => {
                flate2::read::ZlibDecoder::new(z)
                    .read_to_end(&mut inflated)
                    .ok()?;
            }
            Field::Varint(2, _) => {}
            other => kept.push(other),
        }
    }
    let raw_size = inflated.len() as u64;
    kept.push(Field::Bytes(1, &inflated));
    kept.push(Field::Varint(2, raw_size));
    Some(encode(&kept))
}

/// The file with every blob uncompressed, or `None` when it is not a well-formed PBF.
pub fn to_raw(pbf: &[u8]) -> Option<Vec<u8>> {
    let mut at = 0;
    let mut out = Vec::new();
    while at < pbf.len() {
        let len = u32::from_be_bytes(pbf.get(at..at + 4)?.try_into().ok()?) as usize;
        at += 4;
        let header = pbf.get(at..at + len)?;
        at += len;
        let header_fields = fields(header)?;
        let size = header_fields.iter().find_map(|f| match f {
            Field::Varint(3, v) => usize::try_from(*v).ok(),
            _ => None,
        })?;
        let blob = raw_blob(pbf.get(at..at + size)?)?;
        at += size;
        let mut new_header: Vec<Field<'_>> = header_fields
            .into_iter()
            .filter(|f| !matches!(f, Field::Varint(3, _)))
            .collect();
        new_header.push(Field::Varint(3, blob.len() as u64));
        let new_header = encode(&new_header);
        out.extend_from_slice(&(new_header.len() as u32).to_be_bytes());
        out.extend_from_slice(&new_header);
        out.extend_from_slice(&blob);
    }
    Some(out)
}
