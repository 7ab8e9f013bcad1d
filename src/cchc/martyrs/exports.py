"""Export of martyr records (XLSX through core.exports.xlsx_write, or CSV), streamed row by row.

Cells come from records that families and imports wrote: a text starting with = + - @ (or a tab or
carriage return) would be run as a formula by Excel or LibreOffice, so it is prefixed with an apostrophe
(OWASP "CSV injection")."""

import csv
import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core.exports import xlsx_write

from . import places

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def header() -> list[str]:
    return [
        _("Record no."),
        _("Full name"),
        _("Other names"),
        _("Year of birth"),
        _("Home town (as recorded)"),
        _("Home province"),
        _("Unit"),
        pgettext("military", "Rank"),
        _("Date of sacrifice"),
        _("Place of sacrifice"),
        _("Certificate number"),
        _("Cemetery"),
        _("Zone / plot"),
        pgettext("grave", "Row"),
        _("Grave number"),
    ]


def rows(queryset):
    for m in queryset.select_related("grave__cemetery").order_by("pk").iterator(chunk_size=2000):
        grave = getattr(m, "grave", None)
        yield [
            neutralise(v)
            for v in (
                m.pk,
                m.full_name,
                m.aliases,
                m.birth_year or "",
                m.native_place,
                places.province_label(m.native_province_code),
                m.military_unit,
                m.rank,
                m.death_date_display,
                m.death_place,
                m.certificate_number,
                grave.cemetery.name if grave else "",
                grave.zone if grave else "",
                grave.row if grave else "",
                grave.number if grave else "",
            )
        ]


def xlsx(queryset) -> tuple[bytes, int]:
    buf = io.BytesIO()
    n = xlsx_write(
        buf,
        _("Martyrs"),
        header(),
        rows(queryset),
        widths=[8, 28, 20, 8, 40, 24, 30, 14, 14, 30, 16, 36, 10, 8, 10],
    )
    return buf.getvalue(), n


def csv_bytes(queryset) -> tuple[bytes, int]:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header())
    n = 0
    for row in rows(queryset):
        writer.writerow(row)
        n += 1
    return buf.getvalue().encode("utf-8-sig"), n
