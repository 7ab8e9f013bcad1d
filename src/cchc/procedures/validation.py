"""Checking procedure content before anything is written.

One function checks the content of a version (the dict the services and the importer take) and
returns every problem at once, keyed by field, so a form shows all errors and an import names each
row and column.
"""

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from .models import Channel, Level, OnlineLevel, TimeUnit

# Codes are opaque strings (the meaning of the leading digit is not in any normative text);
# accept the observed shapes "1.001234" and "1.000948.H38" and reject obvious garbage.
CODE_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.\-]{2,39}$")

VERSION_TEXT_FIELDS = (
    "fee_note",
    "conditions",
    "online_partial_reason",
    "publication_decision",
    "change_note",
)


def parse_date(value):
    """A date from a date, a datetime, 'YYYY-MM-DD' or 'DD/MM/YYYY'; None if empty. ValueError otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_decimal(value):
    if value in (None, ""):
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        return Decimal(str(value).strip().replace(" ", ""))
    except InvalidOperation:
        raise ValueError(value) from None


def _as_list(value) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, str):
        return [s.strip() for s in re.split(r"[\n;]", value) if s.strip()]
    return [str(s).strip() for s in value if str(s).strip()]


def _as_bool(value) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in ("1", "true", "yes", "x", "có", "co", "bắt buộc"):
        return True
    if text in ("0", "false", "no", "", "không", "khong"):
        return False
    return None


def clean_identity(data: dict, errors: dict) -> dict:
    """Code, name, field and level of a procedure."""
    out = {}
    code = str(data.get("code") or "").strip()
    if not code:
        errors["code"] = _("The procedure code is required.")
    elif not CODE_RE.match(code):
        errors["code"] = _(
            "“%(code)s” is not a valid procedure code (letters, digits, dots; e.g. 1.001234)."
        ) % {"code": code}
    out["code"] = code
    for key, label in (
        ("name", _("The procedure name is required.")),
        ("field", _("The field (lĩnh vực) is required.")),
    ):
        out[key] = str(data.get(key) or "").strip()
        if not out[key]:
            errors[key] = label
    level = str(data.get("level") or "").strip()
    if level not in Level.values:
        errors["level"] = _("Level must be one of: %(values)s.") % {"values": ", ".join(Level.values)}
    out["level"] = level
    return out


def clean_version(data: dict, errors: dict) -> dict:
    """Every NĐ 63/2010 Điều 8 component of a version. Adds problems to `errors` (field → message)."""
    out: dict = {}
    try:
        out["effective_from"] = parse_date(data.get("effective_from"))
        if out["effective_from"] is None:
            errors["effective_from"] = _("The effective date is required.")
    except ValueError:
        errors["effective_from"] = _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {
            "value": data.get("effective_from")
        }

    out["steps"] = _as_list(data.get("steps"))
    if not out["steps"]:
        errors["steps"] = _("At least one step (trình tự thực hiện) is required.")

    channels = (
        [c.strip() for c in (data.get("channels") or []) if c.strip()]
        if not isinstance(data.get("channels"), str)
        else [c.strip() for c in re.split(r"[,;\n]", data["channels"]) if c.strip()]
    )
    bad = [c for c in channels if c not in Channel.values]
    if bad or not channels:
        errors["channels"] = _("Channels must be one or more of: %(values)s.") % {
            "values": ", ".join(Channel.values)
        }
    out["channels"] = channels

    try:
        out["processing_time_value"] = parse_decimal(data.get("processing_time_value"))
        if out["processing_time_value"] is None or out["processing_time_value"] < 0:
            errors["processing_time_value"] = _("The processing time must be a number of zero or more.")
    except ValueError:
        errors["processing_time_value"] = _("“%(value)s” is not a number.") % {
            "value": data.get("processing_time_value")
        }
    unit = str(data.get("processing_time_unit") or "").strip()
    if unit not in TimeUnit.values:
        errors["processing_time_unit"] = _("The time unit must be one of: %(values)s.") % {
            "values": ", ".join(TimeUnit.values)
        }
    out["processing_time_unit"] = unit

    for key in ("fee", "charge"):
        try:
            amount = parse_decimal(data.get(key))
            amount = Decimal("0") if amount is None else amount
            if amount < 0 or amount != amount.to_integral_value():
                errors[key] = _("An amount in VND must be a whole number of zero or more.")
            out[key] = amount
        except ValueError:
            errors[key] = _("“%(value)s” is not a number.") % {"value": data.get(key)}

    for key, message in (
        ("applicants", _("The applicants (đối tượng thực hiện) are required.")),
        ("result", _("The result (kết quả thực hiện) is required.")),
    ):
        out[key] = str(data.get(key) or "").strip()
        if not out[key]:
            errors[key] = message
    for key in VERSION_TEXT_FIELDS:
        out[key] = str(data.get(key) or "").strip()

    level = str(data.get("online_level") or OnlineLevel.NONE).strip()
    if level not in OnlineLevel.values:
        errors["online_level"] = _("The online level must be one of: %(values)s.") % {
            "values": ", ".join(OnlineLevel.values)
        }
    elif level == OnlineLevel.PARTIAL and not out["online_partial_reason"]:
        errors["online_partial_reason"] = _("A partly online service must state why it is not fully online.")
    elif level == OnlineLevel.FULL and Channel.ONLINE not in channels:
        errors["channels"] = _("A fully online service must offer the online channel.")
    out["online_level"] = level

    for key in ("published_on", "posted_at_desk_on"):
        try:
            out[key] = parse_date(data.get(key))
        except ValueError:
            errors[key] = _("“%(value)s” is not a date (use YYYY-MM-DD or DD/MM/YYYY).") % {
                "value": data.get(key)
            }

    out["legal_basis"] = []
    for i, doc in enumerate(data.get("legal_basis") or [], start=1):
        item = {"number": str(doc.get("number") or "").strip(), "title": str(doc.get("title") or "").strip()}
        if not item["number"]:
            errors[f"legal_basis[{i}].number"] = _("Each legal basis needs a document number.")
        for key in ("issued_on", "effective_from"):
            try:
                item[key] = parse_date(doc.get(key))
            except ValueError:
                errors[f"legal_basis[{i}].{key}"] = _("“%(value)s” is not a date.") % {"value": doc.get(key)}
        out["legal_basis"].append(item)
    if not out["legal_basis"]:
        errors["legal_basis"] = _("At least one legal basis document is required.")

    out["components"] = []
    seen = set()
    for i, comp in enumerate(data.get("components") or [], start=1):
        item = {
            "code": str(comp.get("code") or "").strip(),
            "name": str(comp.get("name") or "").strip(),
            "form_name": str(comp.get("form_name") or "").strip(),
            "form_template": comp.get("form_template"),
        }
        if not item["code"]:
            errors[f"components[{i}].code"] = _("Each dossier component needs a code.")
        elif item["code"] in seen:
            errors[f"components[{i}].code"] = _("Component code %(code)s is used twice.") % {
                "code": item["code"]
            }
        seen.add(item["code"])
        if not item["name"]:
            errors[f"components[{i}].name"] = _("Each dossier component needs a name.")
        required = _as_bool(comp.get("required", True))
        if required is None:
            errors[f"components[{i}].required"] = _("“required” must be yes or no.")
        item["required"] = bool(required)
        try:
            copies = parse_decimal(comp.get("copies", 1))
            copies = 1 if copies is None else copies
            if copies < 1 or copies != copies.to_integral_value() or copies > 100:
                raise ValueError(copies)
            item["copies"] = int(copies)
        except ValueError:
            errors[f"components[{i}].copies"] = _(
                "The number of copies must be a whole number from 1 to 100."
            )
            item["copies"] = 1
        out["components"].append(item)
    if not out["components"]:
        errors["components"] = _("At least one dossier component (thành phần hồ sơ) is required.")
    return out
