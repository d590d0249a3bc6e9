"""`report … --output FILE.xlsx`: a real workbook for payroll (Excel/WPS), written with openpyxl.

openpyxl (rather than XlsxWriter) because the tests read the workbook back with the same library:
typed cells, frozen header rows and column widths are checked, not assumed. One sheet per block of
the table view; numbers are numbers (exact Decimal money, percents as 0.333 with a % format), times are
dates, text is text — a value that starts like a formula is stored as a string, never evaluated.
Imported only by that option: the other commands never pay for it.
"""
from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal
from pathlib import Path

from rotactl.core.dates import minute_of
from rotactl.core.deals import Rate
from rotactl.ui.render import _cell
from rotactl.ui.words import heading, value_word, yes_no

MONEY = "#,##0.00"
WHOLE = "#,##0"


def _value(column: str, value, zh: bool = True):
    """A cell's value and number format."""
    if value is None:
        return None, None
    if isinstance(value, Rate):
        return float(value), "0.0%"
    if isinstance(value, Decimal):
        return value, WHOLE if value == value.to_integral_value() else MONEY
    if isinstance(value, bool):
        return yes_no(value, zh), None
    if isinstance(value, (int, float)):
        return value, None
    if column == "at" and isinstance(value, str) and len(value) >= 16:
        try:
            return dt.datetime.fromisoformat(minute_of(value)), "yyyy-mm-dd hh:mm"
        except ValueError:
            pass
    return _cell(value, zh), None


def _width(text: str) -> int:
    from wcwidth import wcswidth

    return max(wcswidth(text), len(text) if wcswidth(text) < 0 else 0)


def write(path: Path, sheets: list[tuple[str, list[dict], list[str]]], zh: bool = True) -> None:
    """Write (title, rows, columns) blocks as sheets of one workbook, atomically (tmp + rename)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for title, rows, columns in sheets:
        sheet = book.create_sheet(title[:31])
        headers = [heading(c, zh) for c in columns]
        sheet.append(headers)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        widths = [_width(h) for h in headers]
        for r, row in enumerate(rows, start=2):
            for c, column in enumerate(columns, start=1):
                value, number_format = _value(column, value_word(column, row.get(column), zh), zh)
                cell = sheet.cell(row=r, column=c, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"           # text starting with = + - @ stays text
                if number_format:
                    cell.number_format = number_format
                shown = _cell(row.get(column), zh) if row.get(column) is not None else ""
                widths[c - 1] = max(widths[c - 1], _width(shown))
        sheet.freeze_panes = "A2"
        for c, width in enumerate(widths, start=1):
            sheet.column_dimensions[sheet.cell(row=1, column=c).column_letter].width = min(60, width + 2)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    book.save(tmp)
    os.replace(tmp, path)
