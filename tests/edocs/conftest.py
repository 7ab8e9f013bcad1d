"""Two "platforms" in one database for in-process tests: our ministry (G99 tree from the shared
fixtures) with a certificate, and an external agency whose key we also hold, so tests can build
packages it would send and check the statuses we send it."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.edocs import services, signing
from cchc.edocs.models import Direction, DocumentKind
from cchc.org.models import Role

PEER = "000.00.00.G12"


@pytest.fixture(scope="session")
def ca():
    return signing.generate_ca("Test CA")


@pytest.fixture(scope="session")
def peer_pair(ca):
    return signing.issue_agency_certificate(ca, PEER, "Bộ Đối tác")


@pytest.fixture
def edocs(settings, tmp_path, superuser, ministry, ca, peer_pair, make_staff):
    settings.CCHC_EDOCS_KEY_DIR = str(tmp_path / "keys")
    m = ministry["ministry"]
    own = signing.issue_agency_certificate(ca, m.code, m.name)
    services.trusted_ca_add(actor=superuser, name="Test CA", cert_pem=ca.cert_pem)
    services.certificate_install(actor=superuser, agency=m, cert_pem=own.cert_pem, key_pem=own.key_pem)
    peer = services.peer_save(
        actor=superuser, code=PEER, name="Bộ Đối tác", endpoint_url="http://127.0.0.1:9"
    )
    out = services.register_create(
        actor=superuser, agency=m, direction=Direction.OUTGOING, code="VBDI", name="Sổ đi"
    )
    services.register_create(
        actor=superuser, agency=m, direction=Direction.INCOMING, code="VBDEN", name="Sổ đến"
    )
    clerk = make_staff("vanthu", m, [(Role.DOCUMENT_CLERK, m, True)])
    leader = make_staff("leader", m, [(Role.UNIT_LEADER, m, True)])
    officer = make_staff("officer", ministry["a"], [(Role.PROCESSING_OFFICER, ministry["a"], True)])
    kind = DocumentKind.objects.get(code="B18", valid_from=date(2022, 4, 1))
    return {
        "ministry": m,
        "units": ministry,
        "peer": peer,
        "register": out,
        "clerk": clerk,
        "leader": leader,
        "officer": officer,
        "kind": kind,
        "own": own,
        "root": superuser,
    }


def pdf_upload(name="vb.pdf"):
    import io

    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.drawString(72, 720, "Cong van thu nghiem")
    c.save()
    return SimpleUploadedFile(name, buf.getvalue(), content_type="application/pdf")


def draft(e, recipients=(PEER,), **kw):
    return services.outgoing_draft(
        actor=e["clerk"],
        agency=e["ministry"],
        register=e["register"],
        kind=e["kind"],
        notation=kw.pop("notation", "BTN-VP"),
        subject=kw.pop("subject", "Về việc thử nghiệm liên thông"),
        place="Hà Nội",
        signer_name="Nguyễn Văn A",
        signer_position="Bộ trưởng",
        recipients=list(recipients),
        **kw,
    )


def issued(e, **kw):
    doc = draft(e, **kw)
    services.outgoing_approve(actor=e["leader"], document=doc)
    return services.outgoing_issue(actor=e["clerk"], document=doc)
