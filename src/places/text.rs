//! Planners' text files as they come: UTF-8 with or without a byte-order mark, UTF-16 with
//! one (Excel's "Unicode text"), or GBK/GB18030 (what Excel and WPS save on Chinese Windows),
//! decoded to a `String` with `encoding_rs`. Line ends are left as they are (the CSV reader
//! takes LF, CRLF and CR).

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TextEncoding {
    /// UTF-8 (a byte-order mark, if any, removed).
    Utf8,
    /// UTF-16 with a byte-order mark.
    Utf16,
    /// GBK or its superset GB18030.
    Gb18030,
}

impl TextEncoding {
    /// The name a planner knows.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Utf16 => "UTF-16",
            TextEncoding::Gb18030 => "GBK/GB18030",
        }
    }
}

/// Decodes a planner's file: a byte-order mark decides; else valid UTF-8 is UTF-8; else
/// text that is valid GB18030 is GBK/GB18030.
///
/// # Errors
/// A message naming the line of the first byte that is neither, and what to do.
pub fn decode_text(bytes: &[u8]) -> Result<(String, TextEncoding), String> {
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let kind = if encoding == UTF_16LE || encoding == UTF_16BE {
            TextEncoding::Utf16
        } else {
            TextEncoding::Utf8
        };
        return strict(encoding, &bytes[bom_len..]).map(|t| (t, kind));
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok((text.to_string(), TextEncoding::Utf8));
    }
    strict(GB18030, bytes).map(|t| (t, TextEncoding::Gb18030))
}

/// Decodes without replacement characters, or names the line of the first bad byte.
fn strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, String> {
    match encoding.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(text) => Ok(text.into_owned()),
        None => {
            let valid_up_to = match std::str::from_utf8(bytes) {
                Ok(_) => bytes.len(),
                Err(e) => e.valid_up_to(),
            };
            let line = 1 + bytes[..valid_up_to].iter().filter(|&&b| b == b'\n').count();
            let tried = if encoding == UTF_8 || encoding == GB18030 {
                "UTF-8 nor GBK/GB18030".to_string()
            } else {
                encoding.name().to_string()
            };
            Err(format!(
                "its text is neither {tried} (first bad byte on line {line}); save it as \
                 \"CSV UTF-8\" in Excel or as UTF-8 in a text editor"
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_bom_utf16_and_gbk_are_read() {
        let text = "名称,经度,纬度\r\n新街口,118.78,32.04\r\n";
        let (t, e) = decode_text(text.as_bytes()).unwrap();
        assert_eq!((t.as_str(), e), (text, TextEncoding::Utf8));
        let bom = [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat();
        assert_eq!(
            decode_text(&bom).unwrap(),
            (text.to_string(), TextEncoding::Utf8)
        );
        let (gbk, _, _) = GB18030.encode(text);
        assert_ne!(gbk.as_ref(), text.as_bytes());
        assert_eq!(
            decode_text(&gbk).unwrap(),
            (text.to_string(), TextEncoding::Gb18030)
        );
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(
            decode_text(&utf16).unwrap(),
            (text.to_string(), TextEncoding::Utf16)
        );
    }

    #[test]
    fn undecodable_bytes_name_their_line() {
        // 0x80 alone and 0xFF are invalid in UTF-8 and in GB18030.
        let bytes = b"lon,lat\n1,2\n3,\xFF\x80\n";
        let message = decode_text(bytes).unwrap_err();
        assert!(
            message.contains("line 3") && message.contains("CSV UTF-8"),
            "{message}"
        );
    }
}
