"""Demo data of the portal: an e-form for the online procedures of Cục Việc làm and the fee of the
demo citizen's online dossier paid through the sandbox gateway. Synthetic, marked "[mẫu]"."""

from django.contrib.auth import get_user_model
from django.utils import timezone

from cchc.onestop.models import Dossier
from cchc.procedures.models import OnlineLevel, Procedure, ProcedureVersion

from . import selectors, services
from .eforms import eform_define
from .payments import SandboxGateway

DEMO_FIELDS = [
    {"code": "nganh_nghe", "label": "Ngành, nghề đề nghị [mẫu]", "kind": "text"},
    {"code": "so_lao_dong", "label": "Số lao động dự kiến [mẫu]", "kind": "number", "required": False},
    {
        "code": "nhan_ket_qua",
        "label": "Hình thức nhận kết quả",
        "kind": "choice",
        "choices": ["Trực tuyến", "Qua dịch vụ bưu chính công ích", "Trực tiếp tại Bộ phận Một cửa"],
    },
]


def load(out) -> None:
    admin = get_user_model().objects.get(username="admin")
    today = timezone.localdate()
    versions = (
        ProcedureVersion.objects.filter(
            ProcedureVersion.in_force_on(today),
            online_level__in=[OnlineLevel.FULL, OnlineLevel.PARTIAL],
            procedure__agency__code="000.00.12.G12",
            procedure__status=Procedure.Status.ACTIVE,
        )
        .select_related("procedure__agency")
        .order_by("procedure__code")[:5]
    )
    for version in versions:
        eform_define(actor=admin, version=version, fields=DEMO_FIELDS)
    _file_one(versions)
    paid = 0
    gateway = SandboxGateway()
    for dossier in Dossier.objects.filter(idempotency_key__startswith="demo-", applicant__isnull=False):
        if selectors.dossier_payable(dossier):
            payment, _url = services.payment_start(
                actor=dossier.applicant, dossier=dossier, site_url="http://127.0.0.1:8000/", gateway=gateway
            )
            order = {"reference": payment.reference, "amount": f"{payment.amount:f}"}
            services.payment_answer_record(params=gateway.answer(order, "00"), gateway=gateway)
            paid += 1
    out.write(
        f"portal: e-forms for {len(versions)} online procedures, {paid} fee(s) paid in the sandbox [mẫu]\n"
    )


def _file_one(versions) -> None:
    """The demo citizen files one more dossier online, for a procedure with a fee, through the portal."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cchc.core.exports import pdf_table_document

    citizen = get_user_model().objects.filter(username="citizen").first()
    version = next((v for v in versions if v.fee + v.charge > 0), None)
    if citizen is None or version is None:
        return
    pdf = pdf_table_document("Giấy tờ mẫu [mẫu]", ["Nội dung"], [["Tài liệu minh họa"]])
    uploads = {
        c.code: SimpleUploadedFile(f"{c.code}.pdf", pdf, content_type="application/pdf")
        for c in version.components.all()
        if c.required
    }
    answers = {
        "applicant_name": citizen.display_name,
        "applicant_identity": citizen.identity_number or "001099000001",
        "applicant_address": "Số 12 Ngô Quyền, Hà Nội [mẫu]",
        "applicant_phone": citizen.phone or "0900000001",
        "applicant_email": citizen.email or "citizen@example.invalid",
        "summary": "Đề nghị giải quyết [mẫu]",
        "f_nganh_nghe": "Dịch vụ việc làm [mẫu]",
        "f_nhan_ket_qua": "Trực tuyến",
    }
    services.online_filing_save(
        actor=citizen,
        procedure=version.procedure,
        version=version,
        answers=answers,
        uploads=uploads,
        submit=True,
        idempotency_key="demo-portal-1",
    )
