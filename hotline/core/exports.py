"""Spreadsheet-safe export cells. A cell that starts with = + - @ (or a tab or CR)
is read by Excel and LibreOffice as a formula: a caller who says their name is
`=HYPERLINK(...)` must not run anything on a supervisor's machine (OWASP CSV
injection). Such a cell gets a leading apostrophe, which spreadsheets show as text."""
import csv
import io
from collections.abc import Iterable, Iterator

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_line(values: Iterable) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerow([safe_cell(v) for v in values])
    return buffer.getvalue()


def csv_stream(headers: list[str], rows: Iterable[Iterable]) -> Iterator[str]:
    """CSV for Excel: a BOM first (or Excel reads UTF-8 Chinese as mojibake)."""
    yield "\ufeff" + csv_line(headers)
    for row in rows:
        yield csv_line(row)
