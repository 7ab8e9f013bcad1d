"""Demo dossiers: a few hundred synthetic historical dossiers (2018 – yesterday) at the ministry's
one-stop units, and a handful of live ones taken through the real services so every page and form
has something to show. All marked synthetic ("[mẫu]")."""

from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cchc.org.models import Agency, Role, RoleAssignment
from cchc.procedures.models import Procedure

from . import services
from .models import Dossier
from .synthetic import Generator, generate

DEMO_UNITS = ["000.00.12.G12", "000.00.11.G12", "000.00.10.G12", "000.00.13.G12"]  # Cục VL, ATLĐ, QLLĐNN, NCC
SYNTHETIC_COUNT = 400


def _pdf(name: str) -> SimpleUploadedFile:
    from cchc.core.exports import pdf_table_document

    return SimpleUploadedFile(
        name,
        pdf_table_document("Giấy tờ mẫu [mẫu]", ["Nội dung"], [["Tài liệu minh họa"]]),
        content_type="application/pdf",
    )


def generator(agency_codes=None, seed: int = 2018) -> Generator:
    agencies = list(Agency.objects.filter(code__in=agency_codes or DEMO_UNITS))
    procedures = list(Procedure.objects.filter(agency__in=agencies, status="active").select_related("agency"))
    units = {a.pk: [a] + list(Agency.objects.filter(parent=a, valid_to__isnull=True)) for a in agencies}
    officers: dict = {}
    for ra in RoleAssignment.objects.filter(role=Role.PROCESSING_OFFICER).select_related("agency", "user"):
        for unit_list in units.values():
            for u in unit_list:
                if u.pk == ra.agency_id or (ra.include_subtree and u.path.startswith(ra.agency.path)):
                    officers.setdefault(u.pk, []).append(ra.user)
    return Generator(procedures=procedures, units_by_agency=units, officers_by_unit=officers, seed=seed)


def load(out) -> None:
    User = get_user_model()
    gen = generator()
    if not gen.procedures:
        out.write("onestop: no procedures at the demo units; skipped\n")
        return
    yesterday = timezone.localdate() - timedelta(days=1)
    made = generate(gen, count=SYNTHETIC_COUNT, start=date(2018, 7, 1), end=yesterday)

    admin = User.objects.get(username="admin")
    citizen = User.objects.filter(username="citizen").first()
    vieclam = Agency.objects.get(code="000.00.12.G12")
    division = (
        Agency.objects.filter(parent=vieclam, valid_to__isnull=True).order_by("path").first() or vieclam
    )
    procedure = (
        Procedure.objects.filter(agency=vieclam, status="active")
        .prefetch_related("versions__components")
        .order_by("code")
        .first()
    )
    live = 0
    if procedure is not None:
        version = procedure.versions.order_by("-effective_from").first()
        files = {c.code: _pdf(f"{c.code}.pdf") for c in version.components.all() if c.required}
        if citizen is not None:
            draft = services.dossier_draft_save(
                actor=citizen,
                procedure=procedure,
                data={
                    "summary": "Đề nghị giải quyết [mẫu]",  # the e-form field “What you request”
                    "applicant_address": "Số 12 Ngô Quyền, Hà Nội [mẫu]",
                },
                files=dict(files),
            )
            services.dossier_submit_online(actor=citizen, dossier=draft, idempotency_key="demo-online-1")
            live += 1
        for i, stage in enumerate(["accepted", "supplement", "done", "returned"]):
            d = services.dossier_register(
                actor=admin,
                agency=vieclam,
                procedure=procedure,
                channel=1,
                applicant_name=f"Nguyễn Văn Mẫu {i + 1} [mẫu]",
                applicant_phone="0900000000",
                files={c: _pdf(f"{c}.pdf") for c in files},
            )
            d = services.dossier_accept(actor=admin, dossier=d, version=d.version, unit=division)
            if stage == "supplement":
                services.dossier_request_supplement(
                    actor=admin,
                    dossier=d,
                    version=d.version,
                    items=[{"component": next(iter(files), ""), "reason": "Bản sao chưa chứng thực [mẫu]"}],
                )
            if stage in ("done", "returned"):
                d = services.dossier_propose_result(
                    actor=admin,
                    dossier=d,
                    version=d.version,
                    outcome="granted",
                    note="Đủ điều kiện [mẫu]",
                    result_file=_pdf("ket-qua.pdf"),
                )
                d = services.dossier_approve(actor=admin, dossier=d, version=d.version)
            if stage == "returned":
                services.dossier_return_result(actor=admin, dossier=d, version=d.version)
            live += 1
    out.write(
        f"onestop: {made} synthetic dossiers 2018–{yesterday.year} and {live} live ones "
        f"({Dossier.objects.count()} in all) [mẫu]\n"
    )
