//! Planners' text files as they come: UTF-8 with or without a byte-order mark, UTF-16 with
//! one (Excel's "Unicode text"), or GBK/GB18030 (what Excel and WPS save on Chinese Windows),
//! decoded to a `String` with `encoding_rs`. Line ends are left as they are (the CSV reader
//! takes LF, CRLF and CR) and reported ([`line_ends`]). Bytes that decode but cannot be a
//! planner's table (NULs of UTF-16 without a byte-order mark, control characters, private-use
//! or replacement characters, a ZIP or OLE header of an Excel workbook) make the whole file an
//! error, not a thousand bad rows.

use encoding_rs::{Encoding, GB18030, UTF_8, UTF_16BE, UTF_16LE};

/// The encoding a file was read in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
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
    if let Some(kind) = workbook(bytes) {
        return Err(format!(
            "it is {kind}, not a text table; open it in Excel or WPS and save it as \"CSV UTF-8\" \
             (File → Save As → CSV UTF-8 (逗号分隔))"
        ));
    }
    let (text, encoding) = if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let kind = if encoding == UTF_16LE || encoding == UTF_16BE {
            TextEncoding::Utf16
        } else {
            TextEncoding::Utf8
        };
        (strict(encoding, &bytes[bom_len..])?, kind)
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        (text.to_string(), TextEncoding::Utf8)
    } else {
        (strict(GB18030, bytes)?, TextEncoding::Gb18030)
    };
    plausible(&text, encoding)?;
    Ok((text, encoding))
}

/// A spreadsheet saved in its own binary format: `Some(what it is)`.
fn workbook(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        Some("a ZIP archive (an Excel .xlsx workbook?)")
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        Some("an old Excel .xls workbook (OLE file)")
    } else {
        None
    }
}

/// Characters no planner's table holds: NUL and other control characters (but tab, line
/// ends and form feed), U+FFFD replacement characters, and private-use characters (where GBK's
/// user-defined areas decode to).
fn implausible(c: char) -> bool {
    (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0c'))
        || c == '\u{FFFD}'
        || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// Refuses decoded text of which at least 1 % of the characters (and 3 or more) are
/// [`implausible`]: the bytes decoded, but they are not text in that encoding.
fn plausible(text: &str, encoding: TextEncoding) -> Result<(), String> {
    let total = text.chars().count();
    let bad = text.chars().filter(|&c| implausible(c)).count();
    if bad < 3 || bad * 100 < total {
        return Ok(());
    }
    let nul = text.chars().filter(|&c| c == '\0').count();
    let guess = if nul * 4 >= total {
        "every other byte is NUL: it looks like UTF-16 saved without a byte-order mark"
    } else if nul > 0 {
        "it holds NUL bytes: it looks like a binary file, not a text table"
    } else {
        "it looks like another encoding (Big5, Shift-JIS, Latin-1) or a binary file"
    };
    Err(format!(
        "its text is not a table in UTF-8, UTF-16 (with a byte-order mark) or GBK/GB18030: read \
         as {}, {bad} of {total} characters are NUL, control, private-use or replacement \
         characters ({guess}); save it as \"CSV UTF-8\" in Excel or as UTF-8 in a text editor",
        encoding.name()
    ))
}

/// How a text's lines end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LineEnds {
    /// `\n` (Unix, macOS).
    Lf,
    /// `\r\n` (Windows, Excel).
    Crlf,
    /// `\r` alone (old Mac files).
    Cr,
    /// More than one kind.
    Mixed,
    /// No line break at all (a single line).
    None,
}

impl LineEnds {
    /// `LF`, `CRLF`, `CR`, `mixed line ends` or `one line`.
    pub fn name(self) -> &'static str {
        match self {
            LineEnds::Lf => "LF",
            LineEnds::Crlf => "CRLF",
            LineEnds::Cr => "CR",
            LineEnds::Mixed => "mixed line ends",
            LineEnds::None => "one line",
        }
    }
}

/// The line ends of a text (inside quoted fields too: a rough summary for messages).
pub fn line_ends(text: &str) -> LineEnds {
    let bytes = text.as_bytes();
    let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'\r' if bytes.get(i + 1) == Some(&b'\n') => crlf += 1,
            b'\r' => cr += 1,
            b'\n' if i == 0 || bytes[i - 1] != b'\r' => lf += 1,
            _ => {}
        }
    }
    match (lf > 0, crlf > 0, cr > 0) {
        (false, false, false) => LineEnds::None,
        (true, false, false) => LineEnds::Lf,
        (false, true, false) => LineEnds::Crlf,
        (false, false, true) => LineEnds::Cr,
        _ => LineEnds::Mixed,
    }
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
    fn utf16_without_bom_workbooks_and_binary_are_refused_as_files() {
        // Regression (issue 11): UTF-16LE without a BOM is valid UTF-8 (ASCII and NULs) and was
        // read as a table whose headers were "l\0o\0n\0…".
        let text = "lon,lat,category\r\n9.52,47.14,food\r\n";
        let utf16: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let message = decode_text(&utf16).unwrap_err();
        assert!(
            message.contains("UTF-16 saved without a byte-order mark")
                && message.contains("CSV UTF-8"),
            "{message}"
        );
        let message = decode_text(b"PK\x03\x04\x14\x00\x06\x00").unwrap_err();
        assert!(message.contains(".xlsx"), "{message}");
        // Control bytes that GB18030 decodes without complaint.
        let binary: Vec<u8> = (0u8..=0x1F).cycle().take(200).collect();
        let message = decode_text(&binary).unwrap_err();
        assert!(message.contains("NUL"), "{message}");
        // A few odd characters in a long file stay a matter for the rows.
        let mut long = "lon,lat,name\n".to_string();
        for i in 0..100 {
            long.push_str(&format!("9.5,47.1,店{i}\n"));
        }
        long.push_str("9.5,47.1,\u{FFFD}\u{FFFD}\u{FFFD}\n");
        assert!(decode_text(long.as_bytes()).is_ok());
    }

    #[test]
    fn line_ends_are_named() {
        assert_eq!(line_ends("a\nb\n"), LineEnds::Lf);
        assert_eq!(line_ends("a\r\nb\r\n"), LineEnds::Crlf);
        assert_eq!(line_ends("a\rb\r"), LineEnds::Cr);
        assert_eq!(line_ends("a\r\nb\n"), LineEnds::Mixed);
        assert_eq!(line_ends("a"), LineEnds::None);
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
