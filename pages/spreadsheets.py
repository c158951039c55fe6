"""Every CSV the project writes goes through here, so that no cell becomes a spreadsheet formula (CSV injection).

A cell that begins with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice), which
spreadsheet programs show as text. Use `csv_writer(stream)` instead of `csv.writer`, and `SafeExportModelAdmin`
(or `index_view_class = SafeExportIndexView`) for a wagtail-modeladmin listing with `list_export`. Numbers,
dates and booleans are left as they are; only text can carry a formula.
"""

import csv
from typing import Any

from wagtail_modeladmin.options import ModelAdmin
from wagtail_modeladmin.views import IndexView

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """The value, with a `'` in front when it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeCsvWriter:
    """`csv.writer` whose every cell is made safe first."""

    def __init__(self, stream, **kwargs):
        self._writer = csv.writer(stream, **kwargs)

    def writerow(self, row):
        return self._writer.writerow([spreadsheet_safe(cell) for cell in row])

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)


def csv_writer(stream, **kwargs) -> SafeCsvWriter:
    return SafeCsvWriter(stream, **kwargs)


class SafeExportIndexView(IndexView):
    """wagtail-modeladmin's listing whose CSV export neutralises formula-like cells (its XLSX export already does)."""

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_safe(value) if export_format == self.FORMAT_CSV else value


class SafeExportModelAdmin(ModelAdmin):
    """A ModelAdmin whose CSV export is safe to open in a spreadsheet."""

    index_view_class = SafeExportIndexView
