//! Reads PowerShell `Export-Clixml` files and remoting-serialized objects (MS-PSRP 2.2.5) into one
//! flat property list per object. Owns the CLIXML element vocabulary, PowerShell's `_xHHHH_`
//! string escapes, and the guards against DTDs and runaway nesting.

use std::collections::HashMap;
use std::fmt;

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

/// Deepest element nesting accepted. Export-Clixml's default `-Depth 2` stays around a dozen
/// levels and even `-Depth 20` stays under 70; the limit exists so that hostile input fails with
/// an error before the recursive descent can exhaust the stack.
const MAX_DEPTH: usize = 100;

/// How many leading bytes `looks_like_clixml` searches for the root element: enough for an XML
/// declaration and a comment, small enough to stay cheap on a multi-gigabyte file.
const SNIFF_WINDOW: usize = 4096;

/// `<Obj>` properties whose text stands in for a missing `<ToString>`: proxy addresses
/// (`SmtpProxyAddress`) and plain addresses (`SmtpAddress`) in the local-EMS dialect.
const ADDRESS_PROPERTIES: [&str; 3] = ["ProxyAddressString", "AddressString", "Address"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum XmlValue {
    /// <Nil/> or a property with no usable value.
    Nil,
    /// A primitive (<S>, <G>, <B>, <I32>, <I64>, <U64>, <By>, <Db>, <DT>, <TS>, <Version>, <URI>, <C>, ...) as its text,
    /// or a complex <Obj> without a list, as its <ToString> text.
    Text(String),
    /// An <Obj> holding <LST>/<IE>/<STK>/<QUE> items: each item's text (primitive text, or a nested Obj's
    /// <ToString>; for local-EMS proxy objects whose ToString is missing use their ProxyAddressString property).
    List(Vec<String>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClixmlObject {
    /// 1-based line of the object's opening <Obj> tag in the text.
    pub line: u64,
    /// Properties from both <Props> (adapted) and <MS> (extended/note properties; Select-Object output lives here), in document order, with the N attribute as name.
    pub props: Vec<(String, XmlValue)>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClixmlError {
    pub line: u64,
    pub column: u64,
    pub detail: String,
}

impl fmt::Display for ClixmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "line {}, column {}: {}",
            self.line, self.column, self.detail
        )
    }
}

impl std::error::Error for ClixmlError {}

/// True when the (already decoded, BOM-stripped) text looks like CLIXML: first non-whitespace is '<' and
/// an `<Objs` or `<Obj` element appears near the start (an `<?xml ...?>` declaration may come first).
pub fn looks_like_clixml(text: &str) -> bool {
    if !text.trim_start().starts_with('<') {
        return false;
    }
    let head = &text.as_bytes()[..text.len().min(SNIFF_WINDOW)];
    head.split(|&b| b == b'<').skip(1).any(|tag| {
        let after_name = tag
            .strip_prefix(b"Obj")
            .map(|rest| rest.strip_prefix(b"s").unwrap_or(rest));
        matches!(
            after_name.and_then(<[u8]>::first),
            Some(b' ' | b'\t' | b'\r' | b'\n' | b'>' | b'/')
        )
    })
}

/// Parses every top-level object. Top level = children of the <Objs> root, or, when the document has no
/// <Objs> wrapper (a single remoting-serialized object), the root <Obj> itself.
pub fn parse(text: &str) -> Result<Vec<ClixmlObject>, ClixmlError> {
    Parser::new(text).document()
}

/// An element whose start tag has just been read.
struct Element<'a> {
    start: BytesStart<'a>,
    /// Written as `<x/>`: there is no content and no end tag to read.
    empty: bool,
    /// 1 for the root element.
    depth: usize,
    /// Byte offset of the start tag's `<`.
    offset: u64,
}

impl Element<'_> {
    /// Matching on local names ignores the PowerShell namespace whatever prefix it is given.
    fn name(&self) -> &str {
        self.start.local_name().into_inner()
    }
}

/// A complex object as read, before it is rendered as a property value or as a list item.
#[derive(Default)]
struct Obj {
    to_string: Option<String>,
    /// `<LST>`, `<IE>`, `<STK>`, `<QUE>` items or `<DCT>` entries; `Some(empty)` for `<LST />`.
    items: Option<Vec<String>>,
    props: Vec<(String, XmlValue)>,
    /// The value of an object that wraps a primitive: an enum's number, or a string carrying note
    /// properties, which MS-PSRP 2.2.5.2.5 serializes without a `<ToString>`.
    primitive: Option<String>,
}

impl Obj {
    /// As a property: its list if it has one, else its text, else Nil.
    fn value(&self) -> XmlValue {
        if let Some(items) = &self.items {
            return XmlValue::List(items.clone());
        }
        self.to_string
            .clone()
            .or_else(|| {
                ADDRESS_PROPERTIES
                    .iter()
                    .find_map(|name| self.text_property(name))
            })
            .or_else(|| self.primitive.clone())
            .map_or(XmlValue::Nil, XmlValue::Text)
    }

    /// As a list item. Address lists hold proxy addresses whose prefix (`SMTP:`, `X500:`) is
    /// part of the value, so of the address properties only `ProxyAddressString` may stand in
    /// for a missing `<ToString>`.
    fn item_text(&self) -> Option<String> {
        self.to_string
            .clone()
            .or_else(|| self.text_property("ProxyAddressString"))
            .or_else(|| self.primitive.clone())
    }

    fn text_property(&self, name: &str) -> Option<String> {
        self.props.iter().find_map(|(n, value)| match value {
            XmlValue::Text(text) if n == name => Some(text.clone()),
            _ => None,
        })
    }
}

/// Whatever may stand where a value is expected.
enum Node {
    Value(XmlValue),
    /// The object and its value as a property (computed once, as it is also what a `<Ref>` gets).
    Obj(Obj, XmlValue),
}

/// Line numbers for a sequence of increasing offsets, scanning each byte once: a file may hold a
/// million objects, and counting from the start for each would be quadratic.
struct LineCounter {
    offset: usize,
    line: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, offset: u64) -> u64 {
        let end = clamp_offset(text, offset);
        if let Some(skipped) = text.as_bytes().get(self.offset..end) {
            self.line += count_newlines(skipped);
            self.offset = end;
        }
        self.line
    }
}

struct Parser<'a> {
    text: &'a str,
    reader: Reader<&'a [u8]>,
    /// Where the event being handled starts; semantic errors (DTD, depth) are reported there.
    event_start: u64,
    /// The value of every `<Obj RefId>` read so far, for `<Ref RefId>`. The serializer numbers
    /// objects across the whole file, so a reference may point into an earlier top-level object.
    refs: HashMap<String, XmlValue>,
    /// Bytes of text the `<Ref>`s have repeated so far, and how many they may: a file that
    /// refers to one large value thousands of times would otherwise need gigabytes.
    repeated: u64,
    repeat_budget: u64,
    lines: LineCounter,
}

/// What `<Ref>`s may repeat, in bytes of text: four times the file, plus room for small files.
/// Real exports repeat type names and small objects, far below it.
fn repeat_budget(file_len: usize) -> u64 {
    4 * file_len as u64 + (16 << 20)
}

impl XmlValue {
    /// Bytes of text it holds.
    fn text_len(&self) -> u64 {
        match self {
            XmlValue::Nil => 0,
            XmlValue::Text(t) => t.len() as u64,
            XmlValue::List(items) => items.iter().map(|i| i.len() as u64 + 1).sum(),
        }
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Parser {
            text,
            reader: Reader::from_str(text),
            event_start: 0,
            refs: HashMap::new(),
            repeated: 0,
            repeat_budget: repeat_budget(text.len()),
            lines: LineCounter { offset: 0, line: 1 },
        }
    }

    fn document(mut self) -> Result<Vec<ClixmlObject>, ClixmlError> {
        let Some((start, empty)) = self.next_outside_root()? else {
            return Err(self.error_at(
                self.event_start,
                "the file is empty: no <Objs> or <Obj> element",
            ));
        };
        let root = self.element(start, empty, 1)?;
        let mut objects = Vec::new();
        match root.name() {
            "Objs" => self.for_each_child(&root, |p, child| p.top_level(&child, &mut objects))?,
            "Obj" => self.top_level(&root, &mut objects)?,
            other => {
                let detail = format!(
                    "the root element is <{other}>, not <Objs> or <Obj>: this is not an Export-Clixml file"
                );
                return Err(self.error_at(root.offset, detail));
            }
        }
        if self.next_outside_root()?.is_some() {
            return Err(self.error_at(
                self.event_start,
                "a second root element after the end of the first",
            ));
        }
        Ok(objects)
    }

    fn top_level(
        &mut self,
        el: &Element<'a>,
        objects: &mut Vec<ClixmlObject>,
    ) -> Result<(), ClixmlError> {
        let line = self.lines.line_at(self.text, el.offset);
        // Only objects are records: a top-level primitive has no properties, and a top-level
        // <Ref> repeats a pipeline object that has already been returned.
        if let Node::Obj(obj, _) = self.node(el)? {
            objects.push(ClixmlObject {
                line,
                props: obj.props,
            });
        }
        Ok(())
    }

    /// Reads past what may surround the root element (declaration, comments, processing
    /// instructions, whitespace) and returns the next start tag, or `None` at the end of the text.
    fn next_outside_root(&mut self) -> Result<Option<(BytesStart<'a>, bool)>, ClixmlError> {
        loop {
            match self.next()? {
                Event::Start(start) => return Ok(Some((start, false))),
                Event::Empty(start) => return Ok(Some((start, true))),
                Event::Eof => return Ok(None),
                Event::Decl(_) | Event::Comment(_) | Event::PI(_) => {}
                Event::Text(text) if is_xml_whitespace(&text) => {}
                _ => {
                    let detail = "text outside the root element: this is not an Export-Clixml file";
                    return Err(self.error_at(self.event_start, detail));
                }
            }
        }
    }

    /// Reads a value: a complex object, a reference to one, or a primitive.
    fn node(&mut self, el: &Element<'a>) -> Result<Node, ClixmlError> {
        Ok(match el.name() {
            "Obj" => {
                let ref_id = self.attribute(el, "RefId")?;
                let obj = self.object(el)?;
                let value = obj.value();
                if let Some(id) = ref_id {
                    self.refs.insert(id, value.clone());
                }
                Node::Obj(obj, value)
            }
            "Ref" => {
                let ref_id = self.attribute(el, "RefId")?;
                self.skip(el)?;
                // An object that refers to one of its ancestors (a cycle) points at an <Obj>
                // that is still open and so has no value yet; like a dangling id, it reads as Nil.
                let value = ref_id.and_then(|id| self.refs.get(&id).cloned());
                if let Some(v) = &value {
                    self.repeated += v.text_len();
                    if self.repeated > self.repeat_budget {
                        let detail = format!(
                            "its <Ref> elements repeat {} MB of text, more than 4 times the file's size: the export refers to large values over and over. Re-export the properties you need with Select-Object (flat values), or as CSV with Export-Csv",
                            self.repeated >> 20
                        );
                        return Err(self.error_at(el.offset, detail));
                    }
                }
                Node::Value(value.unwrap_or(XmlValue::Nil))
            }
            // Byte arrays (the EMS dialect's SerializationData blobs) and secure strings carry
            // nothing a migration plan can use.
            "Nil" | "BA" | "SS" => {
                self.skip(el)?;
                Node::Value(XmlValue::Nil)
            }
            _ => Node::Value(XmlValue::Text(self.text(el)?)),
        })
    }

    fn property(&mut self, el: &Element<'a>) -> Result<XmlValue, ClixmlError> {
        Ok(match self.node(el)? {
            Node::Value(value) | Node::Obj(_, value) => value,
        })
    }

    fn item(&mut self, el: &Element<'a>) -> Result<Option<String>, ClixmlError> {
        Ok(match self.node(el)? {
            Node::Value(XmlValue::Text(text)) => Some(text),
            Node::Value(_) => None,
            Node::Obj(obj, _) => obj.item_text(),
        })
    }

    fn object(&mut self, el: &Element<'a>) -> Result<Obj, ClixmlError> {
        let mut obj = Obj::default();
        self.for_each_child(el, |p, child| match child.name() {
            // Type names only matter to PowerShell's rehydration.
            "TN" | "TNRef" => p.skip(&child),
            "ToString" => {
                obj.to_string = Some(p.text(&child)?);
                Ok(())
            }
            "Props" | "MS" => p.members(&child, &mut obj.props),
            "LST" | "IE" | "STK" | "QUE" => p.items(&child, obj.items.get_or_insert_default()),
            "DCT" => p.entries(&child, obj.items.get_or_insert_default()),
            _ => {
                obj.primitive = p.item(&child)?;
                Ok(())
            }
        })?;
        Ok(obj)
    }

    fn members(
        &mut self,
        el: &Element<'a>,
        props: &mut Vec<(String, XmlValue)>,
    ) -> Result<(), ClixmlError> {
        self.for_each_child(el, |p, member| {
            // A nested <MS> is a property set (MS-PSRP 2.2.5.2.9); its members are the object's own.
            if member.name() == "MS" {
                return p.members(&member, props);
            }
            let name = p.attribute(&member, "N")?;
            let value = p.property(&member)?;
            // Every member written by PowerShell is named; one without a name cannot be asked for.
            if let Some(name) = name {
                props.push((decode_ps_escapes(name), value));
            }
            Ok(())
        })
    }

    fn items(&mut self, el: &Element<'a>, items: &mut Vec<String>) -> Result<(), ClixmlError> {
        self.for_each_child(el, |p, item| {
            items.extend(p.item(&item)?);
            Ok(())
        })
    }

    /// `<DCT><En><S N="Key">k</S><S N="Value">v</S></En>...</DCT>`, as `k=v` items.
    fn entries(&mut self, el: &Element<'a>, items: &mut Vec<String>) -> Result<(), ClixmlError> {
        self.for_each_child(el, |p, entry| {
            let (mut key, mut value) = (None, None);
            p.for_each_child(&entry, |p, part| {
                match p.attribute(&part, "N")?.as_deref() {
                    Some("Key") => key = p.item(&part)?,
                    Some("Value") => value = p.item(&part)?,
                    _ => p.skip(&part)?,
                }
                Ok(())
            })?;
            if let Some(key) = key {
                items.push(format!("{key}={}", value.unwrap_or_default()));
            }
            Ok(())
        })
    }

    /// Calls `each` for every child element of `parent` and consumes `parent`'s end tag.
    fn for_each_child(
        &mut self,
        parent: &Element<'a>,
        mut each: impl FnMut(&mut Self, Element<'a>) -> Result<(), ClixmlError>,
    ) -> Result<(), ClixmlError> {
        if parent.empty {
            return Ok(());
        }
        loop {
            match self.next()? {
                Event::Start(start) => {
                    let child = self.element(start, false, parent.depth + 1)?;
                    each(self, child)?;
                }
                Event::Empty(start) => {
                    let child = self.element(start, true, parent.depth + 1)?;
                    each(self, child)?;
                }
                // quick-xml has already checked that it closes `parent`.
                Event::End(_) => return Ok(()),
                Event::Eof => return Err(self.unclosed(parent)),
                // Between structural elements there is only indentation; stray text or comments
                // there carry no value.
                _ => {}
            }
        }
    }

    /// The character data of a primitive, with XML references and `_xHHHH_` escapes decoded.
    fn text(&mut self, el: &Element<'a>) -> Result<String, ClixmlError> {
        let mut text = String::new();
        self.consume(el, Some(&mut text))?;
        Ok(decode_ps_escapes(text))
    }

    fn skip(&mut self, el: &Element<'a>) -> Result<(), ClixmlError> {
        self.consume(el, None)
    }

    /// Reads to the end tag of `el`, appending the character data of it and its descendants to
    /// `text` when given. Iterative rather than recursive, but still bound by `MAX_DEPTH` so that
    /// skipped subtrees are held to the same limit as parsed ones.
    fn consume(
        &mut self,
        el: &Element<'a>,
        mut text: Option<&mut String>,
    ) -> Result<(), ClixmlError> {
        if el.empty {
            return Ok(());
        }
        let mut depth = el.depth;
        loop {
            match self.next()? {
                Event::Start(_) => {
                    depth += 1;
                    self.check_depth(depth)?;
                }
                Event::End(_) if depth == el.depth => return Ok(()),
                Event::End(_) => depth -= 1,
                Event::Text(chunk) => {
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&chunk.xml10_content());
                    }
                }
                Event::CData(chunk) => {
                    if let Some(text) = text.as_deref_mut() {
                        text.push_str(&chunk.xml10_content());
                    }
                }
                Event::GeneralRef(reference) => {
                    if let Some(text) = text.as_deref_mut() {
                        self.push_reference(text, &reference)?;
                    }
                }
                Event::Eof => return Err(self.unclosed(el)),
                _ => {}
            }
        }
    }

    /// Character references and the five predefined entities; any other entity could only have
    /// been declared in a DTD, and DTDs are refused.
    fn push_reference(
        &self,
        text: &mut String,
        reference: &BytesRef<'_>,
    ) -> Result<(), ClixmlError> {
        let resolved = reference.resolve_char_ref();
        if let Some(c) = resolved.map_err(|e| self.error_at(self.event_start, e.to_string()))? {
            text.push(c);
            return Ok(());
        }
        let name: &str = reference;
        let Some(replacement) = resolve_predefined_entity(name) else {
            let detail = format!("unknown entity &{name};");
            return Err(self.error_at(self.event_start, detail));
        };
        text.push_str(replacement);
        Ok(())
    }

    fn attribute(&self, el: &Element<'a>, key: &str) -> Result<Option<String>, ClixmlError> {
        let malformed = |e: &dyn fmt::Display| {
            self.error_at(el.offset, format!("<{}> attribute {key}: {e}", el.name()))
        };
        let Some(attribute) = el.start.try_get_attribute(key).map_err(|e| malformed(&e))? else {
            return Ok(None);
        };
        let value = attribute
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| malformed(&e))?;
        Ok(Some(value.into_owned()))
    }

    fn element(
        &self,
        start: BytesStart<'a>,
        empty: bool,
        depth: usize,
    ) -> Result<Element<'a>, ClixmlError> {
        self.check_depth(depth)?;
        Ok(Element {
            start,
            empty,
            depth,
            offset: self.event_start,
        })
    }

    fn check_depth(&self, depth: usize) -> Result<(), ClixmlError> {
        if depth > MAX_DEPTH {
            let detail = format!("elements are nested more than {MAX_DEPTH} deep");
            return Err(self.error_at(self.event_start, detail));
        }
        Ok(())
    }

    /// The next event; DOCTYPEs are refused wherever they appear, which is what keeps
    /// entity-expansion ("billion laughs") and external-entity (XXE) documents out.
    fn next(&mut self) -> Result<Event<'a>, ClixmlError> {
        self.event_start = self.reader.buffer_position();
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self.error_at(
                self.event_start,
                "DTDs are not allowed in Export-Clixml files; entity definitions are never expanded",
            )),
            Ok(event) => Ok(event),
            Err(e) => Err(self.error_at(self.reader.error_position(), format!("malformed XML: {e}"))),
        }
    }

    fn unclosed(&self, el: &Element<'a>) -> ClixmlError {
        let (line, column) = line_and_column(self.text, el.offset);
        let detail = format!(
            "the file ends before <{}> (line {line}, column {column}) is closed; is it truncated?",
            el.name()
        );
        self.error_at(self.reader.buffer_position(), detail)
    }

    fn error_at(&self, offset: u64, detail: impl Into<String>) -> ClixmlError {
        let (line, column) = line_and_column(self.text, offset);
        ClixmlError {
            line,
            column,
            detail: detail.into(),
        }
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_and_column(text: &str, offset: u64) -> (u64, u64) {
    let before = &text.as_bytes()[..clamp_offset(text, offset)];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    // Counting the bytes that start a UTF-8 sequence counts characters, even if the offset
    // were to fall inside one.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count();
    (count_newlines(before) + 1, column as u64 + 1)
}

fn clamp_offset(text: &str, offset: u64) -> usize {
    usize::try_from(offset).map_or(text.len(), |offset| offset.min(text.len()))
}

fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.iter().filter(|&&b| b == b'\n').count() as u64
}

fn is_xml_whitespace(text: &str) -> bool {
    text.bytes()
        .all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'))
}

/// Undoes PowerShell's string encoding (MS-PSRP 2.2.5.3.2): `_xHHHH_` is the UTF-16 code unit
/// HHHH, used for control characters, surrogates and a literal `_x` (`_x005F_`). Consecutive
/// escapes are decoded together so that surrogate pairs combine; a lone surrogate becomes U+FFFD.
fn decode_ps_escapes(text: String) -> String {
    if !text.contains("_x") {
        return text;
    }
    let mut decoded = String::with_capacity(text.len());
    let mut rest = text.as_str();
    while let Some(at) = rest.find("_x") {
        decoded.push_str(&rest[..at]);
        rest = &rest[at..];
        let mut units = Vec::new();
        while let Some(unit) = escaped_unit(rest) {
            units.push(unit);
            rest = &rest["_xHHHH_".len()..];
        }
        if units.is_empty() {
            decoded.push('_');
            rest = &rest[1..];
        } else {
            decoded.extend(
                char::decode_utf16(units).map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER)),
            );
        }
    }
    decoded.push_str(rest);
    decoded
}

/// The code unit of an `_xHHHH_` escape at the start of `text`.
fn escaped_unit(text: &str) -> Option<u16> {
    let hex = text.strip_prefix("_x")?.get(..5)?.strip_suffix('_')?;
    // from_str_radix alone would also accept a sign.
    if !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u16::from_str_radix(hex, 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/fixtures/real-world/"
    );
    const PSRP_MAILBOX: &str = "onprem-psrp_get-mailbox_serialized-obj.xml";
    const EMS_GROUP: &str = "onprem-ems_export-clixml_dynamicdistributiongroup.xml";

    /// The fixture's text with its BOM removed, as the caller's decoder hands it over.
    fn fixture(name: &str) -> Option<String> {
        let path = format!("{FIXTURES}{name}");
        let Ok(text) = std::fs::read_to_string(&path) else {
            println!("skipped: fixture absent ({path})");
            return None;
        };
        Some(text.trim_start_matches('\u{feff}').to_owned())
    }

    fn prop<'o>(obj: &'o ClixmlObject, name: &str) -> &'o XmlValue {
        match obj.props.iter().find(|(n, _)| n == name) {
            Some((_, value)) => value,
            None => panic!("no property {name}"),
        }
    }

    fn text(value: &str) -> XmlValue {
        XmlValue::Text(value.to_owned())
    }

    fn list(items: &[&str]) -> XmlValue {
        XmlValue::List(items.iter().map(ToString::to_string).collect())
    }

    fn parse_err(doc: &str) -> ClixmlError {
        match parse(doc) {
            Ok(objects) => panic!("expected an error, parsed {objects:?}"),
            Err(e) => e,
        }
    }

    #[test]
    fn remoting_serialized_mailbox_without_objs_wrapper() {
        let Some(doc) = fixture(PSRP_MAILBOX) else {
            return;
        };
        let objects = parse(&doc).expect("fixture parses");
        assert_eq!(objects.len(), 1);
        let mailbox = &objects[0];
        assert_eq!(mailbox.line, 1);
        assert_eq!(
            prop(mailbox, "ExchangeGuid"),
            &text("9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2")
        );
        assert_eq!(
            prop(mailbox, "ArchiveGuid"),
            &text("00000000-0000-0000-0000-000000000000")
        );
        assert_eq!(prop(mailbox, "ArchiveStatus"), &text("None"));
        assert_eq!(
            prop(mailbox, "MailboxLocations"),
            &list(&[
                "1;9b9387fe-e1b1-4695-97bd-b0a0bebe7ce2;Primary;test.com;0f29ba80-17c3-4c51-9d94-d017c850e3be"
            ])
        );
        assert_eq!(prop(mailbox, "InPlaceHolds"), &list(&[]));
        assert_eq!(prop(mailbox, "LitigationHoldEnabled"), &text("false"));
        assert_eq!(prop(mailbox, "IsDirSynced"), &text("false"));
        assert_eq!(
            prop(mailbox, "LegacyExchangeDN"),
            &text(
                "/o=First Organization/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d1ce5d43a9184ce3ba01e101a19d0a28-Admin"
            )
        );
        assert_eq!(
            prop(mailbox, "EmailAddresses"),
            &list(&["SMTP:Administrator@test.com"])
        );
        assert_eq!(
            prop(mailbox, "UserPrincipalName"),
            &text("Administrator@test.com")
        );
        assert_eq!(
            prop(mailbox, "RecoverableItemsQuota"),
            &text("30 GB (32,212,254,720 bytes)")
        );
        // A list of CultureInfo objects: each item is the object's <ToString>.
        assert_eq!(prop(mailbox, "Languages"), &list(&["en-US"]));
        assert_eq!(
            prop(mailbox, "ProtocolSettings"),
            &list(&["RemotePowerShell§1"])
        );
        assert_eq!(prop(mailbox, "ForwardingSmtpAddress"), &XmlValue::Nil);
        assert_eq!(prop(mailbox, "RetentionComment"), &text(""));
        // The nested CultureInfo's own properties are not the mailbox's.
        assert!(mailbox.props.iter().all(|(name, _)| name != "LCID"));
    }

    #[test]
    fn local_ems_export_with_bom() {
        let Some(doc) = fixture(EMS_GROUP) else {
            return;
        };
        let objects = parse(&doc).expect("fixture parses");
        assert_eq!(objects.len(), 1);
        let group = &objects[0];
        assert_eq!(group.line, 2);
        let address = "PublicFolderMailboxes.419323dd2b7d4d04a724dcc15e467521@vnext.local";
        assert_eq!(prop(group, "PrimarySmtpAddress"), &text(address));
        assert_eq!(
            prop(group, "EmailAddresses"),
            &list(&[&format!("SMTP:{address}")])
        );
        assert_eq!(
            prop(group, "LegacyExchangeDN"),
            &text(
                "/o=VNextORG/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=d5532773608447e4aff4e12824a04fb3-PublicFolderMai"
            )
        );
        assert_eq!(
            prop(group, "LdapRecipientFilter"),
            &text(
                "(&(msExchRecipientTypeDetails=68719476736)(!(msExchProvisioningFlags:1.2.840.113556.1.4.803:=524288)))"
            )
        );
        // <Ref N="Id" RefId="50"/> repeats the earlier <Obj N="Identity" RefId="50">.
        let identity =
            text("VNext.local/Users/PublicFolderMailboxes.419323dd2b7d4d04a724dcc15e467521");
        assert_eq!(prop(group, "Identity"), &identity);
        assert_eq!(prop(group, "Id"), &identity);
        assert_eq!(
            prop(group, "PoliciesIncluded"),
            &list(&[
                "6a3b3d6a-7e03-44d8-87ef-9e77dff2f562",
                "{26491cfc-9e50-4857-861b-0cb8df22b5d7}"
            ])
        );
        assert_eq!(prop(group, "ObjectState"), &text("Changed"));
        assert_eq!(prop(group, "OrganizationId"), &text(""));
        // <MS> members follow <Props>; the base64 blob is dropped.
        assert_eq!(
            prop(group, "PSComputerName"),
            &text("vnext-e19a.vnext.local")
        );
        assert_eq!(
            group.props.last(),
            Some(&("SerializationData".to_owned(), XmlValue::Nil))
        );
    }

    const SELECTED: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Objs Version="1.1.0.1" xmlns="http://schemas.microsoft.com/powershell/2004/04">
  <Obj RefId="0">
    <TN RefId="0">
      <T>Selected.Microsoft.Exchange.Data.Directory.Management.Mailbox</T>
      <T>System.Management.Automation.PSCustomObject</T>
      <T>System.Object</T>
    </TN>
    <ToString>@{PrimarySmtpAddress=ann@contoso.com}</ToString>
    <MS>
      <S N="PrimarySmtpAddress">ann@contoso.com</S>
      <S N="Display_x0020_Name">Ann &amp; Bob_x000D__x000A_Team &#x263A;</S>
      <Obj N="EmailAddresses" RefId="1">
        <TN RefId="1">
          <T>System.Collections.ArrayList</T>
          <T>System.Object</T>
        </TN>
        <LST>
          <S>SMTP:ann@contoso.com</S>
          <Nil />
          <S>smtp:ann@contoso.onmicrosoft.com</S>
        </LST>
      </Obj>
      <Nil N="ForwardingSmtpAddress" />
      <Obj N="Settings" RefId="2">
        <TN RefId="2">
          <T>System.Collections.Hashtable</T>
          <T>System.Object</T>
        </TN>
        <DCT>
          <En>
            <S N="Key">Quota</S>
            <S N="Value">50 GB</S>
          </En>
          <En>
            <S N="Key">Hold</S>
            <Nil N="Value" />
          </En>
        </DCT>
      </Obj>
    </MS>
  </Obj>
  <Obj RefId="3">
    <TNRef RefId="0" />
    <MS>
      <S N="PrimarySmtpAddress">bob@contoso.com</S>
      <S N="Display_x0020_Name">Bob</S>
      <Ref N="EmailAddresses" RefId="1" />
      <Nil N="ForwardingSmtpAddress" />
      <BA N="Photo">AAEC</BA>
      <SS N="Password">01000000d08c9ddf</SS>
    </MS>
  </Obj>
</Objs>
"#;

    #[test]
    fn select_object_output_with_refs_escapes_and_dictionaries() {
        let objects = parse(SELECTED).expect("parses");
        assert_eq!(objects.len(), 2);
        let (ann, bob) = (&objects[0], &objects[1]);
        assert_eq!((ann.line, bob.line), (3, 43));
        let addresses = list(&["SMTP:ann@contoso.com", "smtp:ann@contoso.onmicrosoft.com"]);
        assert_eq!(
            ann.props,
            vec![
                ("PrimarySmtpAddress".to_owned(), text("ann@contoso.com")),
                (
                    "Display Name".to_owned(),
                    text("Ann & Bob\r\nTeam \u{263A}")
                ),
                ("EmailAddresses".to_owned(), addresses.clone()),
                ("ForwardingSmtpAddress".to_owned(), XmlValue::Nil),
                ("Settings".to_owned(), list(&["Quota=50 GB", "Hold="])),
            ]
        );
        assert_eq!(
            bob.props,
            vec![
                ("PrimarySmtpAddress".to_owned(), text("bob@contoso.com")),
                ("Display Name".to_owned(), text("Bob")),
                ("EmailAddresses".to_owned(), addresses),
                ("ForwardingSmtpAddress".to_owned(), XmlValue::Nil),
                ("Photo".to_owned(), XmlValue::Nil),
                ("Password".to_owned(), XmlValue::Nil),
            ]
        );
    }

    #[test]
    fn objects_without_to_string_fall_back_to_their_address_or_primitive() {
        let doc = r#"<Obj RefId="0">
  <Props>
    <Obj N="PrimarySmtpAddress" RefId="1"><Props><S N="Address">ann@contoso.com</S></Props></Obj>
    <Obj N="EmailAddresses" RefId="2">
      <LST>
        <Obj RefId="3"><Props><S N="ProxyAddressString">SMTP:ann@contoso.com</S></Props></Obj>
        <Obj RefId="4"><Props><S N="Address">not-an-item@contoso.com</S></Props></Obj>
        <Obj RefId="5"><S>noted</S><MS><S N="Note">n</S></MS></Obj>
        <Ref RefId="1" />
      </LST>
    </Obj>
    <Obj N="State" RefId="6"><I32>2</I32></Obj>
    <Obj N="Opaque" RefId="7"><Props><I32 N="Length">3</I32></Props></Obj>
    <Ref N="Self" RefId="0" />
    <Ref N="Dangling" RefId="99" />
  </Props>
  <MS>
    <S N="Note">top</S>
    <MS N="PropertySet">
      <S N="InSet">member</S>
    </MS>
  </MS>
</Obj>"#;
        let objects = parse(doc).expect("parses");
        assert_eq!(
            objects[0].props,
            vec![
                ("PrimarySmtpAddress".to_owned(), text("ann@contoso.com")),
                (
                    "EmailAddresses".to_owned(),
                    list(&["SMTP:ann@contoso.com", "noted", "ann@contoso.com"])
                ),
                ("State".to_owned(), text("2")),
                ("Opaque".to_owned(), XmlValue::Nil),
                // A reference to an enclosing object (a cycle) has no value yet.
                ("Self".to_owned(), XmlValue::Nil),
                ("Dangling".to_owned(), XmlValue::Nil),
                ("Note".to_owned(), text("top")),
                ("InSet".to_owned(), text("member")),
            ]
        );
    }

    #[test]
    fn top_level_primitives_and_empty_documents() {
        assert_eq!(parse("<Objs/>"), Ok(vec![]));
        let doc = "<Objs>\r\n<S>just a string</S>\r\n<Obj RefId=\"0\" />\r\n<Ref RefId=\"0\" />\r\n</Objs>";
        assert_eq!(
            parse(doc),
            Ok(vec![ClixmlObject {
                line: 3,
                props: vec![]
            }])
        );
    }

    #[test]
    fn powershell_escapes() {
        let decode = |s: &str| decode_ps_escapes(s.to_owned());
        assert_eq!(decode("a_x000D__x000A_b_x0009_c"), "a\r\nb\tc");
        assert_eq!(decode("_xD83D__xDE00_"), "\u{1F600}");
        assert_eq!(decode("_xd83d__xde00_"), "\u{1F600}");
        assert_eq!(
            decode("lone _xD83D_ high, lone _xDE00_ low"),
            "lone \u{FFFD} high, lone \u{FFFD} low"
        );
        assert_eq!(decode("_x005F_x0041_"), "_x0041_");
        assert_eq!(
            decode("_x_x00_x+041_x004G__x0041"),
            "_x_x00_x+041_x004G__x0041"
        );
        assert_eq!(decode("é_x00E9_"), "éé");
    }

    #[test]
    fn doctype_is_refused() {
        let billion_laughs = r#"<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Objs><Obj RefId="0"><MS><S N="a">&lol3;</S></MS></Obj></Objs>"#;
        let e = parse_err(billion_laughs);
        assert!(e.detail.contains("DTD"), "{e}");
        assert_eq!((e.line, e.column), (2, 1));

        let xxe = r#"<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><Objs><Obj><MS><S N="a">&e;</S></MS></Obj></Objs>"#;
        assert!(parse_err(xxe).detail.contains("DTD"));

        // Without a DTD no entity but the five predefined ones exists.
        let e = parse_err("<Objs>\n<Obj><MS><S N=\"a\">&e;</S></MS></Obj></Objs>");
        assert!(e.detail.contains("&e;"), "{e}");
        assert_eq!(e.line, 2);
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let deep = |open: &str, close: &str| {
            format!(
                "<Objs><Obj>{}{}</Obj></Objs>",
                open.repeat(10_000),
                close.repeat(10_000)
            )
        };
        for doc in [
            deep("<Obj>", "</Obj>"),
            deep("<Props><Obj N=\"a\">", "</Obj></Props>"),
            deep("<LST>", "</LST>"),
            // Subtrees that are skipped or flattened to text count as well.
            deep("<TN>", "</TN>"),
            deep("<S>", "</S>"),
        ] {
            let e = parse_err(&doc);
            assert!(e.detail.contains("nested"), "{e}");
            assert_eq!(e.line, 1);
        }
    }

    #[test]
    fn malformed_documents_report_where() {
        let e = parse_err(
            "<Objs>\n  <Obj RefId=\"0\">\n    <MS>\n      <S N=\"a\">x</B>\n    </MS>\n  </Obj>\n</Objs>",
        );
        assert_eq!((e.line, e.column), (4, 17), "{e}");

        let e = parse_err("<Objs>\n<Obj RefId=\"0\">\n<MS>\n<S N=\"a\">x</S>\n");
        assert_eq!((e.line, e.column), (5, 1), "{e}");
        assert!(e.detail.contains("<MS> (line 3, column 1)"), "{e}");

        let e = parse_err("<Objs>\n<Obj RefId=\"0\">\n<MS><S N=\"a");
        assert_eq!((e.line, e.column), (3, 5), "{e}");

        let e = parse_err("<Objs>\n<Obj>\n<MS><S N=a>x</S></MS></Obj></Objs>");
        assert_eq!(e.line, 3, "{e}");

        let e = parse_err("<Objs></Objs>\n<Objs></Objs>");
        assert_eq!((e.line, e.column), (2, 1), "{e}");

        let e = parse_err("\"a\",\"b\"\r\n");
        assert_eq!((e.line, e.column), (1, 1), "{e}");

        let e = parse_err("<html>\n<body/></html>");
        assert!(e.detail.contains("<html>"), "{e}");

        assert_eq!(parse_err("  \n").line, 2);
        assert_eq!(
            parse_err("").to_string(),
            "line 1, column 1: the file is empty: no <Objs> or <Obj> element"
        );
    }

    #[test]
    fn truncated_prefixes_never_panic() {
        let documents: Vec<String> = [
            fixture(PSRP_MAILBOX),
            fixture(EMS_GROUP),
            Some(SELECTED.to_owned()),
        ]
        .into_iter()
        .flatten()
        .collect();
        for doc in &documents {
            let complete = doc.trim_end().len();
            for end in (0..doc.len())
                .step_by(97)
                .filter(|&end| doc.is_char_boundary(end))
            {
                let prefix = &doc[..end];
                looks_like_clixml(prefix);
                let result = parse(prefix);
                if end < complete {
                    assert!(result.is_err(), "prefix of {end} bytes parsed");
                }
            }
        }
    }

    #[test]
    fn sniffing() {
        for name in [PSRP_MAILBOX, EMS_GROUP] {
            if let Some(doc) = fixture(name) {
                assert!(looks_like_clixml(&doc), "{name}");
            }
        }
        assert!(looks_like_clixml(SELECTED));
        assert!(looks_like_clixml("\r\n<Objs/>"));
        assert!(!looks_like_clixml("\"a\",\"b\"\r\n"));
        assert!(!looks_like_clixml(""));
        assert!(!looks_like_clixml("<Objects><Object/></Objects>"));
        assert!(!looks_like_clixml("#TYPE x\r\n<Objs>"));
    }
}
