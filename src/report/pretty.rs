//! A serde serializer that writes exactly what `serde_json::to_writer_pretty` writes (two-space
//! indent), or in compact form what `serde_json::to_writer` writes, faster, into a byte buffer;
//! the JSON report is written with it.
//!
//! serde_json escapes a string one byte at a time through a table, and writes every object key
//! through the same path. A report of a large model is mostly strings (names, messages, fixes),
//! so that loop dominated writing one. Here a string is scanned eight bytes at a time for the
//! bytes JSON must escape (`"`, `\` and the controls below U+0020), and copied in runs.
//!
//! A value can start some levels into a document ([`to_vec_at`]), so that the items of a long
//! list can be serialized apart (on every core) and joined.

use serde::ser::{self, Serialize};
use std::fmt;

/// Appends `value`, serialized as serde_json's pretty printer would at `depth` levels into a
/// document (0 for a whole document), to `out`.
pub fn to_vec_at<T: Serialize + ?Sized>(out: &mut Vec<u8>, depth: usize, value: &T) -> Result {
    value.serialize(&mut Writer {
        out,
        depth,
        compact: false,
    })
}

/// Appends `value`, serialized as serde_json's compact writer would (no spaces, no line
/// breaks), to `out`.
pub fn to_vec_compact<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result {
    value.serialize(&mut Writer {
        out,
        depth: 0,
        compact: true,
    })
}

/// What serializing can fail with: a map key that is not a string or a number, or an error a
/// `Serialize` implementation raised.
#[derive(Debug)]
pub struct Error(String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl ser::Error for Error {
    fn custom<T: fmt::Display>(message: T) -> Error {
        Error(message.to_string())
    }
}

type Result<T = ()> = std::result::Result<T, Error>;

/// The `serialize_i8` … `serialize_u128` methods of a serializer, each passing its value to
/// the serializer's `integer`.
macro_rules! serialize_integers {
    () => {
        serialize_integers!(
            serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
            serialize_i128: i128, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
            serialize_u64: u64, serialize_u128: u128
        );
    };
    ($($method:ident: $ty:ty),*) => {
        $(
            fn $method(self, value: $ty) -> Result {
                self.integer(value)
            }
        )*
    };
}

/// The serializer: the buffer it appends to and how deep the value being written is.
pub struct Writer<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    /// No line breaks or indents: items are separated by a bare comma, keys by a bare colon.
    compact: bool,
}

/// A comma, a line break and the indent of 32 levels; what starts an item is a slice of it.
const NEXT_LINE: &[u8; 66] = b",\n                                                                ";

impl<'o> Writer<'o> {
    /// A line break and the indent of `depth` levels.
    fn new_line(&mut self, depth: usize) {
        self.line_from(1, depth);
    }

    /// `NEXT_LINE` from `start` (0: with the comma, 1: without) with the indent of `depth`.
    #[inline]
    fn line_from(&mut self, start: usize, depth: usize) {
        if self.compact {
            if start == 0 {
                self.out.push(b',');
            }
            return;
        }
        const MOST: usize = NEXT_LINE.len() - 2;
        let mut width = depth * 2;
        let now = width.min(MOST);
        self.out.extend_from_slice(&NEXT_LINE[start..2 + now]);
        width -= now;
        while width > 0 {
            let now = width.min(MOST);
            self.out.extend_from_slice(&NEXT_LINE[2..2 + now]);
            width -= now;
        }
    }

    /// What ends an object's key: the closing quote and the colon.
    fn key_end(&self) -> &'static [u8] {
        if self.compact { b"\":" } else { b"\": " }
    }

    fn integer(&mut self, value: impl itoa::Integer) -> Result {
        self.out
            .extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
        Ok(())
    }

    /// Opens an array or object whose items are one level deeper.
    fn open<'w>(&'w mut self, bracket: u8, close: u8) -> Compound<'w, 'o> {
        self.out.push(bracket);
        self.depth += 1;
        Compound {
            writer: self,
            first: true,
            close,
            wrapped: false,
        }
    }

    /// Opens `{"variant": ` around the value of an enum variant that holds data.
    fn open_variant(&mut self, variant: &str) {
        self.out.push(b'{');
        self.new_line(self.depth + 1);
        let key_end = self.key_end();
        quote_into(self.out, variant, key_end);
        self.depth += 1;
    }

    /// Closes what [`Writer::open_variant`] opened.
    fn close_variant(&mut self) {
        self.depth -= 1;
        self.new_line(self.depth);
        self.out.push(b'}');
    }
}

/// Appends `text` as a JSON string, escaped as serde_json escapes it.
pub fn escape_into(out: &mut Vec<u8>, text: &str) {
    quote_into(out, text, b"\"");
}

/// Appends `"`, `text` escaped, then `close` (the closing quote, with what follows it).
/// Always inlined: a struct's keys are constants where its `Serialize` is generated, and
/// inlined there their check for escapes costs next to nothing (measured: 766 M instructions
/// for a 3,000-unit report out of line, 714 M inlined).
#[inline(always)]
fn quote_into(out: &mut Vec<u8>, text: &str, close: &[u8]) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len() + 1 + close.len());
    out.push(b'"');
    if needs_escaping(bytes) {
        escape_each(out, bytes);
    } else {
        out.extend_from_slice(bytes);
    }
    out.extend_from_slice(close);
}

/// Whether any byte of `bytes` must be escaped, looked at eight bytes at a time: the last word
/// is the last eight bytes (overlapping the word before), and a text shorter than a word is
/// looked at a byte at a time. (Copying the last few bytes into a padded word cost a call to
/// `memcpy` for each of a report's strings.)
#[inline]
fn needs_escaping(bytes: &[u8]) -> bool {
    let word = |at: usize| u64::from_le_bytes(bytes[at..at + 8].try_into().expect("eight bytes"));
    if bytes.len() < 8 {
        return bytes
            .iter()
            .any(|&byte| byte < 0x20 || byte == b'"' || byte == b'\\');
    }
    let mut found = 0;
    let whole = bytes.len() / 8 * 8;
    for at in (0..whole).step_by(8) {
        found |= escapes_in(word(at));
    }
    if whole < bytes.len() {
        found |= escapes_in(word(bytes.len() - 8));
    }
    found != 0
}

/// Appends `value`, formatted, as a JSON string. JSON escapes each character on its own, so
/// the pieces `Display` writes are escaped one at a time.
fn collect_into<T: fmt::Display + ?Sized>(out: &mut Vec<u8>, value: &T) {
    struct Escaping<'a>(&'a mut Vec<u8>);
    impl fmt::Write for Escaping<'_> {
        fn write_str(&mut self, piece: &str) -> fmt::Result {
            let bytes = piece.as_bytes();
            if needs_escaping(bytes) {
                escape_each(self.0, bytes);
            } else {
                self.0.extend_from_slice(bytes);
            }
            Ok(())
        }
    }
    out.push(b'"');
    // Writing to memory cannot fail; a `Display` that reports an error has written what it
    // wrote.
    let _ = fmt::Write::write_fmt(&mut Escaping(out), format_args!("{value}"));
    out.push(b'"');
}

/// Copies `bytes` to `out`, escaping the bytes that need it, in runs between them (rare: out
/// of line, so that the common path stays small).
#[cold]
#[inline(never)]
fn escape_each(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut run = 0;
    for (i, &byte) in bytes.iter().enumerate() {
        let escaped: &[u8] = match byte {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\t' => b"\\t",
            b'\r' => b"\\r",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(byte >> 4) as usize],
                HEX[(byte & 0xf) as usize],
            ],
            _ => continue,
        };
        out.extend_from_slice(&bytes[run..i]);
        out.extend_from_slice(escaped);
        run = i + 1;
    }
    out.extend_from_slice(&bytes[run..]);
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// Non-zero when any of the eight bytes of `word` is `"`, `\` or below 0x20 (exact: the tests
/// of "has a zero byte" and "has a byte below n" find such a byte whenever there is one, and
/// never report one that is not there).
#[inline(always)]
fn escapes_in(word: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let has_zero = |w: u64| w.wrapping_sub(ONES) & !w & HIGH;
    let below_space = word.wrapping_sub(0x20 * ONES) & !word & HIGH;
    below_space | has_zero(word ^ (b'"' as u64 * ONES)) | has_zero(word ^ (b'\\' as u64 * ONES))
}

/// An array or object being written.
pub struct Compound<'w, 'o> {
    writer: &'w mut Writer<'o>,
    first: bool,
    /// `]` or `}`.
    close: u8,
    /// Whether it is the value of a `{"variant": …}` wrapper, closed with it.
    wrapped: bool,
}

impl Compound<'_, '_> {
    /// Starts the next item (or key) on its own line.
    #[inline]
    fn next_item(&mut self) {
        let start = usize::from(self.first);
        self.first = false;
        let depth = self.writer.depth;
        self.writer.line_from(start, depth);
    }

    fn item<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.next_item();
        value.serialize(&mut *self.writer)
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result {
        self.next_item();
        let key_end = self.writer.key_end();
        quote_into(self.writer.out, key, key_end);
        value.serialize(&mut *self.writer)
    }

    fn finish(self) -> Result {
        self.writer.depth -= 1;
        if !self.first {
            let depth = self.writer.depth;
            self.writer.new_line(depth);
        }
        self.writer.out.push(self.close);
        if self.wrapped {
            self.writer.close_variant();
        }
        Ok(())
    }
}

impl<'w, 'o> ser::Serializer for &'w mut Writer<'o> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = Compound<'w, 'o>;
    type SerializeTuple = Compound<'w, 'o>;
    type SerializeTupleStruct = Compound<'w, 'o>;
    type SerializeTupleVariant = Compound<'w, 'o>;
    type SerializeMap = Compound<'w, 'o>;
    type SerializeStruct = Compound<'w, 'o>;
    type SerializeStructVariant = Compound<'w, 'o>;

    fn serialize_bool(self, value: bool) -> Result {
        self.out
            .extend_from_slice(if value { b"true" } else { b"false" });
        Ok(())
    }

    serialize_integers!();

    fn serialize_f32(self, value: f32) -> Result {
        // Rare in a report: serde_json's own float printing (and `null` for NaN and infinity).
        serde_json::to_writer(&mut *self.out, &value).map_err(ser::Error::custom)
    }

    fn serialize_f64(self, value: f64) -> Result {
        serde_json::to_writer(&mut *self.out, &value).map_err(ser::Error::custom)
    }

    fn serialize_char(self, value: char) -> Result {
        escape_into(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result {
        escape_into(self.out, value);
        Ok(())
    }

    /// Formats `value` straight into the output, escaping each piece it is written in, rather
    /// than into a string of its own first (finding ids are written this way: a large report
    /// has millions).
    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        collect_into(self.out, value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result {
        use ser::SerializeSeq;
        let mut seq = self.serialize_seq(Some(value.len()))?;
        for byte in value {
            seq.serialize_element(byte)?;
        }
        seq.end()
    }

    fn serialize_none(self) -> Result {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        self.out.extend_from_slice(b"null");
        Ok(())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result {
        self.open_variant(variant);
        value.serialize(&mut *self)?;
        self.close_variant();
        Ok(())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'[', b']'))
    }

    fn serialize_tuple(self, len: usize) -> Result<Compound<'w, 'o>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Compound<'w, 'o>> {
        self.serialize_seq(Some(len))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'o>> {
        self.open_variant(variant);
        let mut compound = self.open(b'[', b']');
        compound.wrapped = true;
        Ok(compound)
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'{', b'}'))
    }

    fn serialize_struct(self, _: &'static str, _len: usize) -> Result<Compound<'w, 'o>> {
        Ok(self.open(b'{', b'}'))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _len: usize,
    ) -> Result<Compound<'w, 'o>> {
        self.open_variant(variant);
        let mut compound = self.open(b'{', b'}');
        compound.wrapped = true;
        Ok(compound)
    }
}

impl ser::SerializeSeq for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTuple for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeTupleVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        self.item(value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeMap for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result {
        self.next_item();
        key.serialize(KeyWriter(self.writer.out))?;
        let separator: &[u8] = if self.writer.compact { b":" } else { b": " };
        self.writer.out.extend_from_slice(separator);
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result {
        value.serialize(&mut *self.writer)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStruct for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

impl ser::SerializeStructVariant for Compound<'_, '_> {
    type Ok = ();
    type Error = Error;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result {
        self.field(key, value)
    }

    fn end(self) -> Result {
        self.finish()
    }
}

/// Writes a map key: JSON keys are strings, so numbers and booleans are quoted, as serde_json
/// quotes them; anything else is an error.
struct KeyWriter<'o>(&'o mut Vec<u8>);

impl KeyWriter<'_> {
    fn quoted(self, text: &str) -> Result {
        self.0.push(b'"');
        self.0.extend_from_slice(text.as_bytes());
        self.0.push(b'"');
        Ok(())
    }

    fn integer(self, value: impl itoa::Integer) -> Result {
        self.quoted(itoa::Buffer::new().format(value))
    }
}

fn key_must_be_a_string() -> Error {
    Error("key must be a string".to_string())
}

impl ser::Serializer for KeyWriter<'_> {
    type Ok = ();
    type Error = Error;
    type SerializeSeq = ser::Impossible<(), Error>;
    type SerializeTuple = ser::Impossible<(), Error>;
    type SerializeTupleStruct = ser::Impossible<(), Error>;
    type SerializeTupleVariant = ser::Impossible<(), Error>;
    type SerializeMap = ser::Impossible<(), Error>;
    type SerializeStruct = ser::Impossible<(), Error>;
    type SerializeStructVariant = ser::Impossible<(), Error>;

    fn serialize_bool(self, value: bool) -> Result {
        self.quoted(if value { "true" } else { "false" })
    }

    serialize_integers!();

    fn serialize_f32(self, _value: f32) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_f64(self, _value: f64) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_char(self, value: char) -> Result {
        escape_into(self.0, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result {
        escape_into(self.0, value);
        Ok(())
    }

    fn collect_str<T: fmt::Display + ?Sized>(self, value: &T) -> Result {
        collect_into(self.0, value);
        Ok(())
    }

    fn serialize_bytes(self, _value: &[u8]) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_none(self) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_some<T: Serialize + ?Sized>(self, _value: &T) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_unit(self) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_struct(self, _name: &'static str) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(
        self,
        _name: &'static str,
        value: &T,
    ) -> Result {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result {
        Err(key_must_be_a_string())
    }

    fn serialize_seq(self, _len: Option<usize>) -> Result<Self::SerializeSeq> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple(self, _len: usize) -> Result<Self::SerializeTuple> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeTupleVariant> {
        Err(key_must_be_a_string())
    }

    fn serialize_map(self, _len: Option<usize>) -> Result<Self::SerializeMap> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct(self, _: &'static str, _len: usize) -> Result<Self::SerializeStruct> {
        Err(key_must_be_a_string())
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _len: usize,
    ) -> Result<Self::SerializeStructVariant> {
        Err(key_must_be_a_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;
    use std::collections::BTreeMap;

    /// What serde_json's pretty printer writes for `value`, and what this module writes.
    fn both<T: Serialize + ?Sized>(value: &T) -> (String, String) {
        let expected = serde_json::to_string_pretty(value).unwrap();
        let mut out = Vec::new();
        to_vec_at(&mut out, 0, value).unwrap();
        (expected, String::from_utf8(out).unwrap())
    }

    /// Checks both layouts: pretty against serde_json's pretty printer, compact against its
    /// compact writer.
    fn assert_same<T: Serialize + ?Sized>(value: &T) {
        let (expected, written) = both(value);
        assert_eq!(written, expected);
        let mut compact = Vec::new();
        to_vec_compact(&mut compact, value).unwrap();
        assert_eq!(
            String::from_utf8(compact).unwrap(),
            serde_json::to_string(value).unwrap()
        );
    }

    #[test]
    fn every_ascii_character_is_escaped_as_serde_json_escapes_it() {
        for byte in 0u8..=0x7f {
            let c = byte as char;
            // Alone, at the start, in the middle and at the end of runs longer than a word.
            for text in [
                c.to_string(),
                format!("{c}abcdefghijklmnop"),
                format!("abcdefgh{c}ijklmnop"),
                format!("abcdefghijklmnopq{c}"),
                format!("ab{c}{c}cdefghij{c}"),
            ] {
                assert_same(&text);
            }
        }
    }

    /// Displays as its parts written one after another, as a finding id does.
    struct Pieces(Vec<String>);

    impl fmt::Display for Pieces {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            self.0.iter().try_for_each(|piece| f.write_str(piece))
        }
    }

    impl Serialize for Pieces {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            serializer.collect_str(self)
        }
    }

    #[test]
    fn displayed_values_are_escaped_piece_by_piece_as_serde_json_escapes_them_whole() {
        let pieces = |parts: &[&str]| Pieces(parts.iter().map(|p| p.to_string()).collect());
        let cases = [
            pieces(&[]),
            pieces(&["STR-001", "@", "cloud/vpc0/fn0"]),
            pieces(&[
                "a\"",
                "\\",
                "\n\u{1}",
                "caf\u{e9}",
                "",
                "0123456789abcdef\t",
            ]),
        ];
        for value in &cases {
            assert_same(value);
            assert_same(&KeyedBy(value));
        }
    }

    /// A map of one entry whose key is serialized through `collect_str`.
    struct KeyedBy<'a>(&'a Pieces);

    impl Serialize for KeyedBy<'_> {
        fn serialize<S: serde::Serializer>(
            &self,
            serializer: S,
        ) -> std::result::Result<S::Ok, S::Error> {
            use serde::ser::SerializeMap;
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry(self.0, &1u8)?;
            map.end()
        }
    }

    #[test]
    fn text_beyond_ascii_is_copied_unchanged() {
        for text in [
            "héllo wörld ✓ 🛡️",
            "\u{7f}\u{80}\u{ff}\u{2028}\u{2029}\u{feff}",
            "ééééééééé\"ééééé\\é\nééé",
            "",
        ] {
            assert_same(text);
        }
    }

    #[test]
    fn scattered_escapes_in_strings_of_every_length_match() {
        // A fixed pseudo-random sequence over a small alphabet heavy in escaped bytes.
        let alphabet = ['a', '"', '\\', '\n', '\u{1}', 'é', ' ', 'z', '\u{1f}', '/'];
        let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
        for length in 0..80 {
            let text: String = (0..length)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            assert_same(&text);
        }
    }

    #[derive(Serialize)]
    enum Shape {
        Unit,
        Newtype(u32),
        Tuple(i8, String),
        Struct { a: bool, b: Option<char> },
        EmptyTuple(),
        EmptyStruct {},
    }

    #[derive(Serialize)]
    struct Unit;

    #[derive(Serialize)]
    struct Newtype(i64);

    #[derive(Serialize)]
    struct Empty {}

    #[derive(Serialize)]
    struct Everything {
        flag: bool,
        small: i8,
        big: u128,
        negative: i128,
        float: f64,
        not_a_number: f32,
        text: &'static str,
        character: char,
        nothing: Option<u8>,
        something: Option<Vec<u16>>,
        unit: (),
        unit_struct: Unit,
        newtype: Newtype,
        tuple: (u8, &'static str, ()),
        empty_list: Vec<u8>,
        nested: Vec<Vec<Vec<u8>>>,
        empty_struct: Empty,
        shapes: Vec<Shape>,
        map: BTreeMap<&'static str, Vec<i32>>,
        numbered: BTreeMap<u64, bool>,
        empty_map: BTreeMap<String, u8>,
        #[serde(skip_serializing_if = "Option::is_none")]
        skipped: Option<u8>,
        #[serde(with = "serde_bytes_as_bytes")]
        bytes: Vec<u8>,
        #[serde(rename = "a \"quoted\"\tkey")]
        renamed: u8,
    }

    /// Serializes a byte vector through `serialize_bytes`.
    mod serde_bytes_as_bytes {
        pub fn serialize<S: serde::Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
            s.serialize_bytes(v)
        }
    }

    #[test]
    fn every_shape_of_the_serde_data_model_is_laid_out_as_serde_json_lays_it_out() {
        let value = Everything {
            flag: true,
            small: -128,
            big: u128::MAX,
            negative: i128::MIN,
            float: 0.1,
            not_a_number: f32::NAN,
            text: "tab\there",
            character: '"',
            nothing: None,
            something: Some(vec![1, 2, 65535]),
            unit: (),
            unit_struct: Unit,
            newtype: Newtype(-7),
            tuple: (1, "two", ()),
            empty_list: vec![],
            nested: vec![vec![], vec![vec![], vec![1]], vec![vec![2, 3]]],
            empty_struct: Empty {},
            shapes: vec![
                Shape::Unit,
                Shape::Newtype(3),
                Shape::Tuple(-1, "x".into()),
                Shape::Struct {
                    a: false,
                    b: Some('é'),
                },
                Shape::EmptyTuple(),
                Shape::EmptyStruct {},
            ],
            map: BTreeMap::from([("a\"b", vec![1, -2]), ("", vec![])]),
            numbered: BTreeMap::from([(0, true), (18_446_744_073_709_551_615, false)]),
            empty_map: BTreeMap::new(),
            skipped: None,
            bytes: vec![0, 255],
            renamed: 1,
        };
        assert_same(&value);
        assert_same(&Shape::Newtype(1));
        assert_same(&vec![Shape::Unit]);
        assert_same(&Unit);
    }

    #[test]
    fn values_deeper_than_the_indent_table_are_indented_in_full() {
        let mut deep = serde_json::json!("leaf");
        for _ in 0..45 {
            deep = serde_json::json!({ "d": [deep] });
        }
        assert_same(&deep);
    }

    #[test]
    fn a_value_written_deeper_in_a_document_is_indented_from_there() {
        let mut out = Vec::new();
        to_vec_at(&mut out, 2, &serde_json::json!({"a": [1]})).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\n      \"a\": [\n        1\n      ]\n    }"
        );
    }

    #[test]
    fn a_key_that_is_not_a_string_or_a_number_is_an_error() {
        let mut out = Vec::new();
        let map = BTreeMap::from([(vec![1u8], 1)]);
        let error = to_vec_at(&mut out, 0, &map).unwrap_err();
        assert_eq!(error.to_string(), "key must be a string");
        assert!(serde_json::to_string_pretty(&map).is_err());
    }
}
