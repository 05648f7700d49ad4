//! The student and guardian ID cells: kept exactly as written, the
//! damage a spreadsheet does named.

use crate::column::Column;
use crate::diagnostic::Code;
use crate::diagnostic::message::{Arg, msg};
use crate::reading::cells::{Cell, Cells, Out, hidden_formatting};
use crate::values::id::{IdError, ParsedId};

/// An ID cell: required; spreadsheet damage repaired with a warning, or
/// refused when the ID is lost.
pub(crate) fn read_id<T>(
    cells: &Cells<'_>,
    column: Column,
    out: &mut Out<'_>,
    parse: fn(&str) -> Result<ParsedId<T>, IdError>,
) -> Cell<T> {
    let raw = match cells.text(column, out) {
        Cell::Usable(raw) => raw,
        Cell::Empty => {
            out.push(
                Code::MissingValue,
                Some(column),
                None,
                msg!(
                    "the {} is empty; every row needs a {}",
                    column.label(),
                    column.label(),
                ),
            );
            return Cell::Unusable;
        }
        Cell::Unusable => return Cell::Unusable,
    };
    if let Some(refused) = hidden_formatting(raw, column, out) {
        return refused;
    }
    match parse(raw) {
        Ok(parsed) => {
            if !parsed.repairs.is_empty() {
                out.push(
                    Code::IdRepaired,
                    Some(column),
                    Some(raw),
                    msg!(
                        "the {} {} had {}, which was removed; check that the result is the ID the SIS has",
                        column.label(),
                        Arg::Value,
                        parsed.describe_repairs(),
                    ),
                );
            }
            Cell::Usable(parsed.id)
        }
        Err(error) => {
            let code = match error {
                IdError::ScientificNotation => Code::IdScientificNotation,
                IdError::Empty => Code::MissingValue,
                _ => Code::InvalidId,
            };
            out.cell_problem(code, column, raw, &error)
        }
    }
}
