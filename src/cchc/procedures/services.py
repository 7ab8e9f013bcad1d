"""Writes to the procedure catalogue. Each function checks permission, runs in one transaction
and writes one audit event. Signatures are a published contract (docs/procedures.md): the
one-stop module and other apps' tests call them.
"""

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cchc.core.audit import audit_record, event_type, snapshot
from cchc.core.files import safe_upload_name, validate_upload
from cchc.org.access import require_perm
from cchc.org.models import Agency

from .access import MANAGE
from .models import DossierComponent, LegalBasis, Procedure, ProcedureVersion
from .validation import clean_identity, clean_version

PROCEDURE_CREATED = event_type(
    "procedures.procedure.create", gettext_lazy("Procedure added to the catalogue")
)
VERSION_ADDED = event_type("procedures.version.add", gettext_lazy("New procedure version"))
PROCEDURE_ABOLISHED = event_type("procedures.procedure.abolish", gettext_lazy("Procedure abolished"))
CATALOG_IMPORTED = event_type("procedures.catalog.import", gettext_lazy("Procedure catalogue imported"))

# Fields of ProcedureVersion that a version dict sets directly.
VERSION_FIELDS = (
    "effective_from",
    "steps",
    "channels",
    "processing_time_value",
    "processing_time_unit",
    "fee",
    "charge",
    "fee_note",
    "applicants",
    "result",
    "conditions",
    "online_level",
    "online_partial_reason",
    "publication_decision",
    "published_on",
    "posted_at_desk_on",
    "change_note",
)


def version_content(version: ProcedureVersion) -> dict:
    """A version as the dict the services take (used to carry content over to a new version)."""
    data = {f: getattr(version, f) for f in VERSION_FIELDS}
    data["legal_basis"] = [
        {"number": b.number, "title": b.title, "issued_on": b.issued_on, "effective_from": b.effective_from}
        for b in version.legal_basis.all()
    ]
    data["components"] = [
        {
            "code": c.code,
            "name": c.name,
            "required": c.required,
            "copies": c.copies,
            "form_name": c.form_name,
            "form_template": c.form_template,
        }
        for c in version.components.all()
    ]
    return data


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError({k: [v] for k, v in errors.items()})


def _write_version(procedure: Procedure, number: int, content: dict, actor) -> ProcedureVersion:
    version = ProcedureVersion.objects.create(
        procedure=procedure,
        number=number,
        created_by=actor if getattr(actor, "pk", None) else None,
        **{f: content[f] for f in VERSION_FIELDS},
    )
    LegalBasis.objects.bulk_create(
        [LegalBasis(version=version, order=i, **doc) for i, doc in enumerate(content["legal_basis"])]
    )
    components = []
    for i, comp in enumerate(content["components"]):
        template = comp.get("form_template")
        row = DossierComponent(
            version=version,
            order=i,
            code=comp["code"],
            name=comp["name"],
            required=comp["required"],
            copies=comp["copies"],
            form_name=comp["form_name"],
        )
        if template and getattr(template, "name", ""):
            if hasattr(template, "instance"):  # a stored file carried over from the previous version
                row.form_template.name = template.name
            else:  # a new upload: check its content, store it under a name that reveals nothing
                checked = validate_upload(template)
                row.form_template.save(
                    safe_upload_name("procedures/forms", checked.extension), template, save=False
                )
        components.append(row)
    DossierComponent.objects.bulk_create(components)
    return version


@transaction.atomic
def procedure_create(
    *, actor, agency: Agency, code: str, name: str, field: str, level: str, version: dict
) -> Procedure:
    """Add a procedure with its first version. `version` holds every Điều 8 component (see docs)."""
    require_perm(actor, MANAGE, agency)
    errors: dict = {}
    identity = clean_identity({"code": code, "name": name, "field": field, "level": level}, errors)
    content = clean_version(version, errors)
    if not errors.get("code") and Procedure.objects.filter(code=identity["code"]).exists():
        errors["code"] = _("The procedure code %(code)s is already in the catalogue.") % {
            "code": identity["code"]
        }
    _raise(errors)
    procedure = Procedure(agency=agency, **identity)
    procedure.refresh_search_text(agency.name)
    procedure.save()
    first = _write_version(procedure, 1, content, actor)
    audit_record(
        PROCEDURE_CREATED,
        actor=actor,
        target=procedure,
        agency_id=agency.pk,
        after={**snapshot(procedure), "version": snapshot(first)},
    )
    return procedure


@transaction.atomic
def procedure_version_add(
    *, actor, procedure: Procedure, effective_from: date, **changes
) -> ProcedureVersion:
    """A new version from `effective_from`; what `changes` does not mention is carried over from the
    latest version (components and legal basis included). The previous version ends the day before."""
    require_perm(actor, MANAGE, procedure.agency)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status == Procedure.Status.ABOLISHED:
        raise ValidationError(
            _("%(code)s is abolished; it cannot get a new version.") % {"code": procedure.code}
        )
    unknown = set(changes) - set(VERSION_FIELDS) - {"legal_basis", "components"}
    if unknown:
        raise TypeError(f"unknown version fields: {', '.join(sorted(unknown))}")
    latest = procedure.versions.prefetch_related("legal_basis", "components").order_by("-number").first()
    errors: dict = {}
    content = clean_version({**version_content(latest), **changes, "effective_from": effective_from}, errors)
    if content.get("effective_from") and content["effective_from"] <= latest.effective_from:
        errors["effective_from"] = _(
            "A new version must start after %(date)s, when version %(n)s started."
        ) % {"date": f"{latest.effective_from:%d/%m/%Y}", "n": latest.number}
    _raise(errors)
    before = snapshot(latest)
    latest.effective_to = content["effective_from"] - timedelta(days=1)
    latest.save(update_fields=["effective_to"])
    version = _write_version(procedure, latest.number + 1, content, actor)
    audit_record(
        VERSION_ADDED,
        actor=actor,
        target=procedure,
        agency_id=procedure.agency_id,
        before=before,
        after=snapshot(version),
    )
    return version


@transaction.atomic
def procedure_abolish(*, actor, procedure: Procedure, effective_on: date, document: str) -> Procedure:
    """Bãi bỏ: the procedure stops applying from `effective_on`; its history stays."""
    require_perm(actor, MANAGE, procedure.agency)
    procedure = Procedure.objects.select_for_update().get(pk=procedure.pk)
    if procedure.status == Procedure.Status.ABOLISHED:
        raise ValidationError(_("%(code)s is already abolished.") % {"code": procedure.code})
    if not document.strip():
        raise ValidationError({"document": [_("Name the document that abolishes the procedure.")]})
    current = procedure.versions.order_by("-effective_from").first()
    if effective_on <= current.effective_from:
        raise ValidationError(
            {
                "effective_on": [
                    _("The procedure can only be abolished after its latest version took effect (%(date)s).")
                    % {"date": f"{current.effective_from:%d/%m/%Y}"}
                ]
            }
        )
    before = snapshot(procedure)
    last_day = effective_on - timedelta(days=1)
    if current.effective_to is None or current.effective_to > last_day:
        current.effective_to = last_day
        current.save(update_fields=["effective_to"])
    procedure.status = Procedure.Status.ABOLISHED
    procedure.abolished_on = effective_on
    procedure.abolished_by = document.strip()
    procedure.save(update_fields=["status", "abolished_on", "abolished_by", "updated_at"])
    audit_record(
        PROCEDURE_ABOLISHED,
        actor=actor,
        target=procedure,
        agency_id=procedure.agency_id,
        before=before,
        after=snapshot(procedure),
    )
    return procedure
