"""XLSX and PDF for the money reports: one way to lay out a table of figures.

A report is a title, a few lines saying what it is (programme, month, when printed) and
one or more tables. `xlsx` writes each table to its own sheet with whole-rupiah number
formats; `pdf` renders `contributions/print.html` (A4 landscape, page numbers) with
WeasyPrint. Amounts stay integers: the spreadsheet can sum them again.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import weasyprint
import xlsxwriter
from django.template.loader import render_to_string
from django.utils import timezone

from lindung.engine.budget import format_rupiah


class Rupiah(int):
    """An amount in a column that is not all money (a table of figures of mixed kinds)."""


@dataclass
class Table:
    title: str
    headers: list[str]
    rows: list[list[Any]]
    # Indexes of columns holding rupiah amounts (formatted `Rp1.234` in the PDF).
    money: frozenset[int] = frozenset()
    footer: list[Any] | None = None


@dataclass
class Report:
    title: str
    lines: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def stamped(self) -> list[str]:
        printed = timezone.localtime().strftime("%d-%m-%Y %H:%M")
        return [*self.lines, f"Dicetak {printed}"]


def _sheet_name(title: str, taken: set[str]) -> str:
    name = "".join(c for c in title if c not in "[]:*?/\\")[:28] or "Data"
    base, n = name, 2
    while name in taken:
        name = f"{base[:25]} {n}"
        n += 1
    taken.add(name)
    return name


def xlsx(report: Report) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0"})
    money_bold = book.add_format({"num_format": "#,##0", "bold": True})
    day = book.add_format({"num_format": "dd-mm-yyyy"})
    taken: set[str] = set()
    for table in report.tables or [Table(report.title, [], [])]:
        sheet = book.add_worksheet(_sheet_name(table.title, taken))
        sheet.write(0, 0, report.title, bold)
        for i, line in enumerate(report.stamped(), start=1):
            sheet.write(i, 0, line)
        top = len(report.stamped()) + 2
        sheet.write(top - 1, 0, table.title, bold)
        for col, header in enumerate(table.headers):
            sheet.write(top, col, header, bold)
            sheet.set_column(col, col, max(12, min(40, len(header) + 4)))
        for r, row in enumerate([*table.rows, *([table.footer] if table.footer else [])]):
            is_footer = table.footer is not None and r == len(table.rows)
            for col, value in enumerate(row):
                cell = (top + 1 + r, col)
                if isinstance(value, datetime):
                    sheet.write_string(*cell, value.strftime("%d-%m-%Y %H:%M"))
                elif isinstance(value, date):
                    sheet.write_datetime(*cell, datetime(value.year, value.month, value.day), day)
                elif isinstance(value, bool) or value is None:
                    sheet.write_string(*cell, "" if value is None else ("ya" if value else "tidak"))
                elif isinstance(value, int) and (col in table.money or isinstance(value, Rupiah)):
                    sheet.write_number(*cell, value, money_bold if is_footer else money)
                elif isinstance(value, int | float):
                    sheet.write_number(*cell, value, bold if is_footer else None)
                else:
                    sheet.write_string(*cell, str(value), bold if is_footer else None)
        sheet.freeze_panes(top + 1, 0)
    book.close()
    return buffer.getvalue()


def _shown(value: Any, is_money: bool) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, int) and (is_money or isinstance(value, Rupiah)):
        return format_rupiah(value)
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%d-%m-%Y %H:%M")
    if isinstance(value, date):
        return value.strftime("%d-%m-%Y")
    return str(value)


def pdf_html(report: Report) -> str:
    tables = [
        {
            "title": t.title,
            "headers": t.headers,
            "numeric": [
                i
                for i in range(len(t.headers))
                if t.rows
                and all(isinstance(r[i], int) and not isinstance(r[i], bool) for r in t.rows)
            ],
            "rows": [[_shown(v, i in t.money) for i, v in enumerate(row)] for row in t.rows],
            "footer": [_shown(v, i in t.money) for i, v in enumerate(t.footer)]
            if t.footer
            else None,
        }
        for t in report.tables
    ]
    return render_to_string(
        "contributions/print.html",
        {"title": report.title, "lines": report.stamped(), "tables": tables},
    )


def pdf(report: Report) -> bytes:
    data: bytes = weasyprint.HTML(string=pdf_html(report)).write_pdf()
    return data
