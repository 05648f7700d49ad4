//! The errors file for the clerk: the rows with problems, unchanged, plus
//! what is wrong with each, safe to open in a spreadsheet.

use std::collections::BTreeMap;
use std::io::{Read, Write};

use crate::diagnostic::{Diagnostic, Severity};
use crate::error::{Error, ErrorKind};
use crate::reading::reader::ReaderBuilder;

/// The columns added after the file's own.
pub const ERRORS_CSV_COLUMNS: [&str; 4] = ["line", "severity", "code", "message"];

/// Writes the rows of `input` that have diagnostics to `out`, unchanged,
/// with `line`, `severity`, `code` and `message` columns added: a file the
/// clerk fixes and uploads again as it is.
///
/// `input` is read again with `options` (the same decoding and delimiter as
/// the validation), as the rows must come out unchanged; `diagnostics` are
/// the validation's and the dry run's, borrowed in any order
/// (`file.diagnostics().iter().chain(plan.diagnostics())`; filter them for
/// an errors-only file: `.filter(|d| d.is_error())`). One output row per input row, its codes and
/// messages joined with `; `. File-level diagnostics (on the header line)
/// are not rows and are left out.
///
/// The file is written with the upload's own delimiter, every cell quoted.
/// Every cell a spreadsheet would run as a formula gets a leading `'`, per
/// OWASP's CSV-injection guidance: its first visible character (after
/// spaces and line breaks) is `=`, `+`, `-` or `@`, or their full-width
/// forms `＝`, `＋`, `－`, `＠`, or it starts with a tab or a carriage
/// return. So does each part of a cell after a `,`, `;`, tab or line
/// break, which a spreadsheet set to another list separator would split off
/// (`Ana;=cmd|...` is written `Ana;'=cmd|...`). The reader strips a leading
/// marker again, noting the repair. The file starts with a UTF-8
/// byte-order mark so that Excel opens it as UTF-8. Returns how many rows
/// were written.
///
/// ```
/// # fn main() -> Result<(), guardian_roster::Error> {
/// use guardian_roster::{ReaderBuilder, write_errors_csv};
///
/// let data = "\
/// student_id,guardian_id,first_name,last_name,email,mobile_phone
/// 001,G1,Ana,Diaz,ana@example.com,
/// 002,G2,=HYPERLINK(\"http://x\"),Li,bo@example,
/// ";
/// let options = ReaderBuilder::new();
/// let file = options.from_reader(data.as_bytes())?.validate()?;
/// let mut out = Vec::new();
/// let written = write_errors_csv(data.as_bytes(), &options, file.diagnostics(), &mut out)?;
/// assert_eq!(written, 1);
/// let text = String::from_utf8_lossy(&out);
/// assert!(text.contains("'=HYPERLINK"));
/// assert!(text.contains("invalid_email"));
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`ErrorKind::Io`] if `out` cannot be written, and the errors of
/// reading `input` again ([`Reader::read_row`](crate::Reader::read_row)).
pub fn write_errors_csv<'d, R: Read, W: Write>(
    input: R,
    options: &ReaderBuilder,
    diagnostics: impl IntoIterator<Item = &'d Diagnostic>,
    out: W,
) -> Result<u64, Error> {
    let mut reader = options.from_reader(input)?;
    let mut by_line: BTreeMap<u64, Vec<&Diagnostic>> = BTreeMap::new();
    for diagnostic in diagnostics {
        if diagnostic.line != reader.info().header_line() {
            by_line.entry(diagnostic.line).or_default().push(diagnostic);
        }
    }
    let io = |e: csv::Error| match e.into_kind() {
        csv::ErrorKind::Io(e) => Error::without_line(ErrorKind::Io(e)),
        other => Error::without_line(ErrorKind::Io(std::io::Error::other(format!("{other:?}")))),
    };
    let mut out = out;
    out.write_all("\u{feff}".as_bytes())?;
    // The upload's own delimiter: a spreadsheet set to open the upload
    // opens this file the same way. Every cell is quoted, so that a `,`,
    // `;` or tab inside one never splits it, whatever the delimiter.
    let mut writer = csv::WriterBuilder::new()
        .flexible(true)
        .delimiter(reader.info().delimiter())
        .quote_style(csv::QuoteStyle::Always)
        .from_writer(out);
    let mut header: Vec<Vec<u8>> = reader
        .header_cells()
        .iter()
        .map(|c| neutralise(c.as_bytes()))
        .collect();
    header.extend(ERRORS_CSV_COLUMNS.iter().map(|c| c.as_bytes().to_vec()));
    writer.write_record(&header).map_err(io)?;

    let mut record = csv::ByteRecord::new();
    let mut written = 0;
    let mut cells: Vec<Vec<u8>> = Vec::new();
    while let Some(line) = reader.read_byte_record(&mut record)? {
        let Some(found) = by_line.get(&line) else {
            continue;
        };
        cells.clear();
        cells.extend(record.iter().map(neutralise));
        let severity = if found.iter().any(|d| d.severity() == Severity::Error) {
            Severity::Error
        } else {
            Severity::Warning
        };
        let codes: Vec<&str> = found.iter().map(|d| d.code.as_str()).collect();
        let messages: Vec<String> = found.iter().map(|d| d.message()).collect();
        cells.push(line.to_string().into_bytes());
        cells.push(severity.as_str().as_bytes().to_vec());
        cells.push(neutralise(codes.join("; ").as_bytes()));
        cells.push(neutralise(messages.join("; ").as_bytes()));
        writer.write_record(&cells).map_err(io)?;
        written += 1;
    }
    writer.flush()?;
    Ok(written)
}

/// A `'` before a cell a spreadsheet would run as a formula, and after
/// each `,`, `;`, tab or line break inside it that a formula follows (an
/// import with another separator, or one that splits lines, would make
/// that the start of a cell).
pub(crate) fn neutralise(cell: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(cell.len() + 1);
    if is_formula_start(cell) {
        out.push(b'\'');
    }
    let mut rest = cell;
    while let Some(at) = rest
        .iter()
        .position(|b| matches!(b, b',' | b';' | b'\t' | b'\n' | b'\r'))
    {
        out.extend_from_slice(&rest[..=at]);
        rest = &rest[at + 1..];
        if is_formula_start(rest) {
            out.push(b'\'');
        }
    }
    out.extend_from_slice(rest);
    out
}

/// OWASP's list (`=`, `+`, `-`, `@`, tab, carriage return), also as the
/// first visible character after spaces and line breaks, and the
/// full-width forms a spreadsheet may read as the same.
pub(crate) fn is_formula_start(cell: &[u8]) -> bool {
    if matches!(cell.first(), Some(b'\t' | b'\r')) {
        return true;
    }
    // Past any white space, an ideographic or no-break space, or a
    // character that does not show: a spreadsheet skips them too.
    let visible = match std::str::from_utf8(cell) {
        Ok(text) => text
            .trim_start_matches(|c: char| c.is_whitespace() || crate::values::text::is_invisible(c))
            .as_bytes(),
        Err(_) => cell.trim_ascii_start(),
    };
    matches!(visible.first(), Some(b'=' | b'+' | b'-' | b'@'))
        || [
            "\u{ff1d}".as_bytes(),
            "\u{ff0b}".as_bytes(),
            "\u{ff0d}".as_bytes(),
            "\u{ff20}".as_bytes(),
        ]
        .iter()
        .any(|wide| visible.starts_with(wide))
}
