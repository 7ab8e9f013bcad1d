"""Demo exchange: a test CA generated for the demo (never a real one), certificates for the Ministry
(MOLISA) and the Ministry of Home Affairs, registers, a văn thư account, an external agency, and a few
documents taken through the real services — issued, received, assigned, completed. Marked "[mẫu]"."""

from datetime import date

from django.contrib.auth import get_user_model

from cchc.org import services as org_services
from cchc.org.demo import DEMO_PASSWORD, MOLISA_CODE
from cchc.org.models import Agency, Role

from . import services, signing
from .models import Direction, DocumentKind

MOHA_CODE = "000.00.00.G04"
EXTERNAL_CODE = "000.00.00.G09"
PEER_CODE = "000.00.00.H99"


def load(out) -> None:
    User = get_user_model()
    admin = User.objects.filter(username="admin").first()
    molisa = Agency.objects.filter(code=MOLISA_CODE).first()
    moha = Agency.objects.filter(code=MOHA_CODE).first()
    if admin is None or molisa is None or moha is None:
        out.write("edocs: no demo organisation; skipped\n")
        return
    ca = signing.generate_ca("CCHC Demo CA [mẫu] – không dùng thật")
    services.trusted_ca_add(actor=admin, name="CCHC Demo CA [mẫu]", cert_pem=ca.cert_pem)
    for agency in (molisa, moha):
        pair = signing.issue_agency_certificate(ca, agency.code, agency.name)
        services.certificate_install(actor=admin, agency=agency, cert_pem=pair.cert_pem, key_pem=pair.key_pem)
        for direction, code, name in (
            (Direction.OUTGOING, "VBDI", "Sổ văn bản đi"),
            (Direction.INCOMING, "VBDEN", "Sổ văn bản đến"),
        ):
            services.register_create(actor=admin, agency=agency, direction=direction, code=code, name=name)
    if not Agency.objects.filter(code=EXTERNAL_CODE).exists():
        # no address: its packages wait in the outbox, as for a peer not connected yet
        services.peer_save(actor=admin, code=EXTERNAL_CODE, name="Bộ Tài chính [mẫu]", endpoint_url="")
    # a peer outside the demo organisation, so the exchange settings list one (not connected yet)
    services.peer_save(actor=admin, code=PEER_CODE, name="UBND tỉnh Mẫu [mẫu]", endpoint_url="")
    clerk = org_services.staff_create(
        actor=admin,
        username="vanthu",
        full_name="Lê Thị Văn Thư [mẫu]",
        unit=molisa,
        position="Văn thư",
        email="vanthu@example.invalid",
        password=DEMO_PASSWORD,
        is_synthetic=True,
    )
    org_services.role_assign(
        actor=admin, user=clerk, role=Role.DOCUMENT_CLERK, agency=molisa, include_subtree=True
    )
    moha_clerk = org_services.staff_create(
        actor=admin,
        username="vanthu.bnv",
        full_name="Văn thư Bộ Nội vụ [mẫu]",
        unit=moha,
        password=DEMO_PASSWORD,
        is_synthetic=True,
    )
    for role in (Role.DOCUMENT_CLERK, Role.UNIT_LEADER):
        org_services.role_assign(actor=admin, user=moha_clerk, role=role, agency=moha, include_subtree=True)
    letter = DocumentKind.objects.get(code="B18", valid_from=date(2022, 4, 1))
    report = DocumentKind.objects.get(code="B10", valid_from=date(2022, 4, 1))

    def issue(by, agency, kind, notation, subject, recipients, approve_by=admin):
        from .models import Register

        doc = services.outgoing_draft(
            actor=by,
            agency=agency,
            register=Register.objects.get(agency=agency, direction=Direction.OUTGOING),
            kind=kind,
            notation=notation,
            subject=subject,
            place="Hà Nội",
            signer_name="Nguyễn Văn Mẫu",
            signer_position="Thứ trưởng",
            signer_competence="KT. BỘ TRƯỞNG",
            recipients=recipients,
        )
        services.outgoing_approve(actor=approve_by, document=doc)
        return services.outgoing_issue(actor=by, document=doc)

    issue(
        clerk,
        molisa,
        report,
        "BC-LĐTBXH",
        "Báo cáo kết quả cải cách hành chính quý IV [mẫu]",
        [MOHA_CODE, EXTERNAL_CODE],
    )
    issue(
        clerk,
        molisa,
        letter,
        "LĐTBXH-VP",
        "Về việc góp ý dự thảo quy chế liên thông văn bản [mẫu]",
        [MOHA_CODE],
    )
    asked = issue(
        moha_clerk,
        moha,
        letter,
        "BNV-CCHC",
        "Về việc báo cáo chỉ số CCHC năm nay [mẫu]",
        [MOLISA_CODE],
        moha_clerk,
    )
    issue(
        moha_clerk,
        moha,
        letter,
        "BNV-VP",
        "Về việc cử cán bộ dự tập huấn văn thư điện tử [mẫu]",
        [MOLISA_CODE],
        moha_clerk,
    )
    services.outgoing_draft(
        actor=clerk,
        agency=molisa,
        register=services.Register.objects.get(agency=molisa, direction=Direction.OUTGOING),
        kind=letter,
        notation="LĐTBXH-KHTC",
        subject="Dự thảo: đề nghị bổ sung kinh phí [mẫu]",
        place="Hà Nội",
        signer_name="Nguyễn Văn Mẫu",
        signer_position="Thứ trưởng",
        recipients=[MOHA_CODE],
    )
    incoming = services.IncomingDocument.objects.get(source=asked, agency=molisa)
    leader = (
        User.objects.filter(role_assignments__role=Role.UNIT_LEADER, role_assignments__agency=molisa).first()
        or admin
    )
    services.incoming_assign(actor=leader, document=incoming, unit=molisa, working_days=5)
    services.incoming_complete(actor=leader, document=incoming, result="Đã gửi báo cáo [mẫu]")
    out.write(
        "edocs: demo CA, 2 agency certificates, 4 documents issued, 1 draft, a văn thư account 'vanthu' [mẫu]\n"
    )
