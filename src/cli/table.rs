//! A plain-text table for the terminal whose columns line up whatever the script: widths
//! are display widths (`unicode-width`: a CJK character takes two columns, a combining mark
//! none), not bytes or `char`s as `format!`'s padding counts them.

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where a column's text sits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Left, padded on the right (names).
    Left,
    /// Right, padded on the left (numbers).
    Right,
}

/// A table: a header row, then rows of cells; each column as wide as its widest cell.
#[derive(Debug, Default)]
pub struct Table {
    align: Vec<Align>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these headers and alignments.
    pub fn new(headers: &[(&str, Align)]) -> Table {
        Table {
            align: headers.iter().map(|h| h.1).collect(),
            rows: vec![headers.iter().map(|h| h.0.to_string()).collect()],
        }
    }

    /// Adds a row (missing cells are blank, extra ones ignored).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as lines joined by `\n`, columns separated by two spaces, no trailing
    /// spaces.
    pub fn render(&self) -> String {
        let n = self.align.len();
        let mut widths = vec![0; n];
        for row in &self.rows {
            for (w, cell) in widths.iter_mut().zip(row) {
                *w = (*w).max(cell.width());
            }
        }
        let mut out = String::new();
        for row in &self.rows {
            let mut line = String::new();
            for (i, (&w, &align)) in widths.iter().zip(&self.align).enumerate() {
                let cell = row.get(i).map_or("", String::as_str);
                let pad = " ".repeat(w - cell.width());
                if i > 0 {
                    line.push_str("  ");
                }
                match align {
                    Align::Left => {
                        line.push_str(cell);
                        line.push_str(&pad);
                    }
                    Align::Right => {
                        line.push_str(&pad);
                        line.push_str(cell);
                    }
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// `text` cut to at most `max_cols` display columns (an ellipsis marks the cut).
pub fn truncate_cols(text: &str, max_cols: usize) -> String {
    if text.width() <= max_cols {
        return text.to_string();
    }
    let mut out = String::new();
    let mut cols = 0;
    for c in text.chars() {
        let w = c.width().unwrap_or(0);
        if cols + w + 1 > max_cols {
            break;
        }
        cols += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_line_up_by_display_width() {
        let mut t = Table::new(&[
            ("编号", Align::Left),
            ("园区", Align::Left),
            ("ha", Align::Right),
        ]);
        t.row(vec!["P1".into(), "工业区 1".into(), "11.3".into()]);
        t.row(vec!["P10".into(), "Hilti Nendeln".into(), "7.1".into()]);
        let text = t.render();
        let lines: Vec<&str> = text.lines().collect();
        // The right-aligned last column ends at the same display column on every line.
        let widths: Vec<usize> = lines.iter().map(|l| l.width()).collect();
        assert!(widths.iter().all(|&w| w == widths[0]), "{text}\n{widths:?}");
        // The second column starts at the same display column on every line.
        let starts: Vec<usize> = lines
            .iter()
            .zip(["园区", "工业区", "Hilti"])
            .map(|(l, word)| l[..l.find(word).unwrap()].width())
            .collect();
        assert!(starts.iter().all(|&s| s == starts[0]), "{text}");
    }

    #[test]
    fn truncation_counts_columns() {
        assert_eq!(truncate_cols("工业区工业区", 7), "工业区…");
        assert_eq!(truncate_cols("abc", 3), "abc");
        assert!(truncate_cols("南京新街口工业园区管理委员会", 10).width() <= 10);
    }
}
