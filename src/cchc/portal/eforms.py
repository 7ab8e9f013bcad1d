"""Electronic forms (tờ khai điện tử) of online procedures.

NĐ 224/2026 Điều 15 asks for interactive e-forms. The catalogue (procedures) records the dossier
components; the portal records the fields of the e-form for a procedure version, so a new version
of the procedure can change its form. A version without its own fields uses those of the latest
earlier version that has them. Every form starts with the applicant's own details.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type
from cchc.core.exceptions import ImportRejected, RowError
from cchc.org.access import require_perm

from .models import EFormField
from .selectors import filing_cache_clear

EFORM_DEFINED = event_type(
    "portal.eform.define", gettext_lazy("E-form fields defined for a procedure version")
)

# Asked on every form: who applies and how to reach them (Mẫu 01 needs name, address and phone).
APPLICANT_FIELDS = (
    ("applicant_name", gettext_lazy("Full name of the applicant (person or organisation)"), "text", True),
    ("applicant_identity", gettext_lazy("Citizen identity number or tax code"), "text", True),
    ("applicant_address", gettext_lazy("Address"), "text", True),
    ("applicant_phone", gettext_lazy("Phone"), "text", True),
    ("applicant_email", gettext_lazy("E-mail (to receive notifications and tracking codes)"), "email", True),
    ("summary", gettext_lazy("What you request"), "textarea", True),
)


def fields_for(version) -> list[EFormField]:
    """The e-form fields of a procedure version (carried over from an earlier version if it has
    none), read once per version instance."""
    kept = getattr(version, "_eform_fields", None)
    if kept is not None:
        return kept
    rows = EFormField.objects.filter(
        version__procedure_id=version.procedure_id, version__effective_from__lte=version.effective_from
    ).order_by("-version__effective_from", "order", "id")
    result = []
    for row in rows:
        if result and row.version_id != result[0].version_id:
            break
        result.append(row)
    version._eform_fields = result
    return result


def _widget_field(kind: str, label, required: bool, choices=(), help_text=""):
    if kind == EFormField.Kind.TEXTAREA:
        return forms.CharField(
            label=label,
            required=required,
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=4000,
            help_text=help_text,
        )
    if kind == EFormField.Kind.EMAIL:
        return forms.EmailField(label=label, required=required, help_text=help_text)
    if kind == EFormField.Kind.DATE:
        return forms.DateField(
            label=label,
            required=required,
            widget=forms.DateInput(attrs={"type": "date"}),
            help_text=help_text,
        )
    if kind == EFormField.Kind.NUMBER:
        return forms.DecimalField(label=label, required=required, help_text=help_text)
    if kind == EFormField.Kind.CHOICE:
        return forms.ChoiceField(
            label=label,
            required=required,
            choices=[("", "—")] + [(c, c) for c in choices],
            help_text=help_text,
        )
    return forms.CharField(label=label, required=required, max_length=500, help_text=help_text)


def form_fields(version) -> dict:
    """Django form fields for the applicant block and the version's own fields, by field code."""
    result = {code: _widget_field(kind, label, required) for code, label, kind, required in APPLICANT_FIELDS}
    for f in fields_for(version):
        result[f"f_{f.code}"] = _widget_field(f.kind, f.label, f.required, f.choice_list, f.help_text)
    return result


def eform_define(*, actor, version, fields: list[dict]) -> list[EFormField]:
    """Replace the e-form fields of a procedure version; all-or-nothing, one RowError per problem.
    Each item: code, label, kind (text, textarea, email, date, number, choice), required, choices, help_text."""
    from cchc.procedures.access import MANAGE

    require_perm(actor, MANAGE, version.procedure.agency)
    errors, rows, seen = [], [], set()
    kinds = set(EFormField.Kind.values)
    for i, item in enumerate(fields, start=1):
        code = str(item.get("code", "")).strip()
        label = str(item.get("label", "")).strip()
        kind = str(item.get("kind", "text")).strip()
        choices = item.get("choices") or []
        if not code or not code.replace("_", "").isalnum() or not code.isascii():
            errors.append(RowError(i, "code", _("a code of letters, digits and _ is required")))
        elif code in seen:
            errors.append(RowError(i, "code", _("the code %(code)s appears twice") % {"code": code}))
        seen.add(code)
        if not label:
            errors.append(RowError(i, "label", _("a label is required")))
        if kind not in kinds:
            errors.append(
                RowError(
                    i,
                    "kind",
                    _("unknown kind %(kind)s (accepted: %(kinds)s)")
                    % {"kind": kind, "kinds": ", ".join(sorted(kinds))},
                )
            )
        if kind == EFormField.Kind.CHOICE and not choices:
            errors.append(RowError(i, "choices", _("a choice field needs its choices")))
        rows.append(
            EFormField(
                version=version,
                order=i,
                code=code[:40],
                label=label[:300],
                kind=kind,
                required=bool(item.get("required", True)),
                choices="\n".join(map(str, choices)),
                help_text=str(item.get("help_text", ""))[:300],
            )
        )
    if errors:
        raise ImportRejected(errors)
    with transaction.atomic():
        EFormField.objects.filter(version=version).delete()
        EFormField.objects.bulk_create(rows)  # no post_save signal: clear the filing cache here
        transaction.on_commit(filing_cache_clear)
        audit_record(
            EFORM_DEFINED,
            actor=actor,
            target=version,
            agency_id=version.procedure.agency_id,
            after={"fields": [r.code for r in rows]},
        )
    return rows


def validate_answers(version, data: dict) -> dict:
    """Clean answers against the e-form (used by services that receive data outside a Django form)."""
    cleaned, errors = {}, {}
    for code, field in form_fields(version).items():
        try:
            cleaned[code] = field.clean(data.get(code))
        except ValidationError as exc:
            errors[code] = exc.messages
    if errors:
        raise ValidationError(errors)
    return {
        k: (v.isoformat() if hasattr(v, "isoformat") else str(v) if v is not None else "")
        for k, v in cleaned.items()
    }
