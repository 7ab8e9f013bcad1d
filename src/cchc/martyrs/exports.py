"""Export of martyr records (XLSX or CSV through core.exports), streamed row by row.

Cells come from records that families and imports wrote; the core writers neutralise every text
cell against formula injection (OWASP "CSV injection")."""

import io

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from cchc.core.exports import Sheet, csv_write, title_lines, xlsx_write

from . import places


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
            m.pk,
            m.full_name,
            m.aliases,
            m.birth_year,
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
        ]


def xlsx(queryset) -> tuple[bytes, int]:
    buf = io.BytesIO()
    n = xlsx_write(
        buf,
        {_("Martyrs"): Sheet(header(), rows(queryset), formats={0: "0", 3: "0"})},
        title=title_lines(_("Martyrs")),
    )
    return buf.getvalue(), n


def csv_bytes(queryset) -> tuple[bytes, int]:
    buf = io.StringIO()
    n = csv_write(buf, header(), rows(queryset))
    return buf.getvalue().encode("utf-8-sig"), n
