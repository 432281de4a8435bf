"""CSV cells that are safe to open in a spreadsheet, and read back exactly (pure).

A spreadsheet runs a cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return as a
formula (CSV injection: `=HYPERLINK(...)` in a note). The export prefixes such a cell with `'`,
as OWASP recommends, which spreadsheets show but do not run. So that importing an exported file
changes nothing, the import removes that one `'` again: a cell made of one or more `'` followed
by one of those characters loses its first `'`. The export prefixes such cells too, so a note
that really starts with `'=` survives the round trip.
"""

from __future__ import annotations

import re

_FORMULA_START = re.compile("'*[=+\\-@\t\r]")
_NEUTRALISED = re.compile("'+[=+\\-@\t\r]")


def csv_cell_written(text: str) -> str:
    """The cell as exported: `'` before a cell a spreadsheet would run as a formula."""
    return "'" + text if _FORMULA_START.match(text) else text


def csv_cell_read(text: str) -> str:
    """The cell as imported: `csv_cell_written` undone (spaces around the cell are ignored)."""
    stripped = text.strip()
    return stripped[1:] if _NEUTRALISED.match(stripped) else text
