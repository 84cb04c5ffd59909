//! A small deterministic mutator: a seeded SplitMix64 generator and byte- and text-level
//! mutations, 1 to 4 stacked per input.

/// Inputs never grow beyond this many bytes.
pub const MAX_LEN: usize = 1 << 20;

/// Values that often break number parsing and arithmetic.
const NUMBERS: &[&str] = &[
    "0",
    "-0",
    "-1",
    "1",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "1e308",
    "-1e308",
    "1e-320",
    "1e400",
    "2147483648",
    "-2147483649",
    "4294967296",
    "9223372036854775807",
    "-9223372036854775808",
    "18446744073709551616",
    "4611686018427387904",
    "99999999999999999999999",
    "0.0000001",
    "",
    "1.5",
    "23:59:60",
    "99:99",
    "48:00:00",
];

/// Tokens that often break CSV, JSON and TOML structure.
const TOKENS: &[&str] = &[
    ",", "\"", "\n", "\r\n", "\r", "\u{feff}", "{", "}", "[", "]", "null", "=", "#", ":", "'",
    "\\", "\t", " ", "\u{0}", "\u{3000}", "，", "[[", "]]", "\"\"\"", "{}", "[]", "-",
];

/// Bytes that often matter in binary formats (varints, lengths, wire types).
const BYTES: &[u8] = &[
    0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x08, 0x0a, 0x12, 0x1a, 0x22,
];

/// A seeded mutator.
pub struct Mutator {
    state: u64,
    binary: bool,
}

impl Mutator {
    /// A mutator with this seed; `binary` leaves out the text-aware mutations.
    pub fn new(seed: u64, binary: bool) -> Self {
        Mutator {
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
            binary,
        }
    }

    /// The next pseudo-random number (SplitMix64).
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// A new input: one corpus entry with 1 to 4 mutations.
    pub fn mutate(&mut self, corpus: &[Vec<u8>]) -> Vec<u8> {
        let mut data = corpus[self.below(corpus.len())].clone();
        let rounds = 1 + self.below(4);
        for _ in 0..rounds {
            let other = &corpus[self.below(corpus.len())];
            self.mutate_once(&mut data, other);
            data.truncate(MAX_LEN);
        }
        data
    }

    fn mutate_once(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        let kinds = if self.binary { 8 } else { 13 };
        match self.below(kinds) {
            0 => self.flip_bit(data),
            1 => self.set_byte(data),
            2 => self.insert_bytes(data),
            3 => self.delete_range(data),
            4 => self.duplicate_range(data),
            5 => self.splice(data, other),
            6 => self.overwrite_word(data),
            7 => self.insert_bytes(data),
            8 => self.replace_number(data),
            9 => self.duplicate_line(data),
            10 => self.insert_token(data),
            11 => self.delete_line(data),
            _ => self.replace_number(data),
        }
    }

    fn flip_bit(&mut self, data: &mut [u8]) {
        if !data.is_empty() {
            let i = self.below(data.len());
            data[i] ^= 1 << self.below(8);
        }
    }

    fn set_byte(&mut self, data: &mut [u8]) {
        if !data.is_empty() {
            let i = self.below(data.len());
            data[i] = if self.below(2) == 0 {
                BYTES[self.below(BYTES.len())]
            } else {
                self.next_u64() as u8
            };
        }
    }

    fn insert_bytes(&mut self, data: &mut Vec<u8>) {
        let at = self.below(data.len() + 1);
        let n = 1 + self.below(8);
        let bytes: Vec<u8> = (0..n).map(|_| self.next_u64() as u8).collect();
        data.splice(at..at, bytes);
    }

    fn delete_range(&mut self, data: &mut Vec<u8>) {
        if !data.is_empty() {
            let at = self.below(data.len());
            let n = 1 + self.below((data.len() - at).min(64));
            data.drain(at..at + n);
        }
    }

    fn duplicate_range(&mut self, data: &mut Vec<u8>) {
        if !data.is_empty() {
            let at = self.below(data.len());
            let n = 1 + self.below((data.len() - at).min(256));
            let chunk = data[at..at + n].to_vec();
            let to = self.below(data.len() + 1);
            data.splice(to..to, chunk);
        }
    }

    /// The start of this input with the end of another.
    fn splice(&mut self, data: &mut Vec<u8>, other: &[u8]) {
        let cut = self.below(data.len() + 1);
        let from = self.below(other.len() + 1);
        data.truncate(cut);
        data.extend_from_slice(&other[from..]);
    }

    /// 1, 2, 4 or 8 bytes set to 0, all ones, or the largest positive signed value.
    fn overwrite_word(&mut self, data: &mut [u8]) {
        let width = 1 << self.below(4);
        if data.len() < width {
            return;
        }
        let at = self.below(data.len() - width + 1);
        let fill = match self.below(3) {
            0 => [0x00; 8],
            1 => [0xff; 8],
            _ => [0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff],
        };
        data[at..at + width].copy_from_slice(&fill[..width]);
    }

    /// A run of digits (with its sign, point and exponent) replaced by an interesting value.
    fn replace_number(&mut self, data: &mut Vec<u8>) {
        let starts: Vec<usize> = (0..data.len())
            .filter(|&i| data[i].is_ascii_digit() && (i == 0 || !data[i - 1].is_ascii_digit()))
            .collect();
        if starts.is_empty() {
            return self.insert_token(data);
        }
        let mut start = starts[self.below(starts.len())];
        if start > 0 && data[start - 1] == b'-' {
            start -= 1;
        }
        let mut end = start + 1;
        while end < data.len() && matches!(data[end], b'0'..=b'9' | b'.' | b'e' | b'E' | b'+') {
            end += 1;
        }
        let value = NUMBERS[self.below(NUMBERS.len())].as_bytes().to_vec();
        data.splice(start..end, value);
    }

    fn line_starts(data: &[u8]) -> Vec<usize> {
        std::iter::once(0)
            .chain((0..data.len()).filter(|&i| data[i] == b'\n').map(|i| i + 1))
            .filter(|&i| i < data.len())
            .collect()
    }

    /// One line repeated 1 to 1000 times.
    fn duplicate_line(&mut self, data: &mut Vec<u8>) {
        let starts = Self::line_starts(data);
        if starts.is_empty() {
            return;
        }
        let start = starts[self.below(starts.len())];
        let end = data[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| start + p + 1);
        let line = data[start..end].to_vec();
        let times = [1, 2, 10, 100, 1000][self.below(5)];
        let mut copies = Vec::with_capacity(line.len() * times);
        for _ in 0..times {
            copies.extend_from_slice(&line);
        }
        data.splice(end..end, copies);
    }

    fn delete_line(&mut self, data: &mut Vec<u8>) {
        let starts = Self::line_starts(data);
        if starts.is_empty() {
            return;
        }
        let start = starts[self.below(starts.len())];
        let end = data[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(data.len(), |p| start + p + 1);
        data.drain(start..end);
    }

    fn insert_token(&mut self, data: &mut Vec<u8>) {
        let at = self.below(data.len() + 1);
        let token = TOKENS[self.below(TOKENS.len())].as_bytes().to_vec();
        data.splice(at..at, token);
    }
}
