"""Fixtures of the portal tests: an online procedure with a fee and two required components, the
back-office staff of Cục A, and helpers to file a dossier through the services."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.onestop import services as onestop
from cchc.org.models import Role
from cchc.procedures import services as procedures

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def make_procedure(actor, agency, code="1.000001", online_level="full", fee=200000):
    return procedures.procedure_create(
        actor=actor,
        agency=agency,
        code=code,
        name="Cấp giấy phép thử nghiệm",
        field="Việc làm",
        level="central",
        version={
            "effective_from": date(2018, 1, 1),
            "steps": ["Nộp hồ sơ", "Thẩm định", "Trả kết quả"],
            "channels": ["in_person", "online"] if online_level != "none" else ["in_person"],
            "processing_time_value": 5,
            "processing_time_unit": "working_days",
            "fee": fee,
            "charge": 0,
            "applicants": "Công dân, tổ chức",
            "result": "Giấy phép",
            "online_level": online_level,
            "online_partial_reason": "Cần đối chiếu bản gốc" if online_level == "partial" else "",
            "legal_basis": [{"number": "61/2018/NĐ-CP"}],
            "components": [
                {"code": "TK", "name": "Tờ khai"},
                {"code": "CCCD", "name": "Bản sao CCCD"},
                {"code": "KHAC", "name": "Giấy tờ khác", "required": False},
            ],
        },
    )


@pytest.fixture
def procedure(superuser, ministry):
    return make_procedure(superuser, ministry["a"])


@pytest.fixture
def staff(ministry, make_staff):
    a, a1 = ministry["a"], ministry["a1"]
    return {
        "clerk": make_staff("clerk", a, [(Role.ONESTOP_CLERK, a, False)]),
        "officer": make_staff("officer", a1, [(Role.PROCESSING_OFFICER, a1, False)]),
        "leader": make_staff("leader", a1, [(Role.UNIT_LEADER, a1, False)]),
    }


@pytest.fixture
def other_citizen(db):
    from django.contrib.auth import get_user_model

    User = get_user_model()
    return User.objects.create_user(
        username="citizen2",
        password="x-Strong-Pass-2026",
        kind=User.Kind.CITIZEN,
        full_name="Công Dân Hai",
        email="c2@example.invalid",
    )


@pytest.fixture
def submitted(citizen, procedure):
    """A dossier the citizen filed online (status 1, with its code)."""
    d = onestop.dossier_draft_save(
        actor=citizen,
        procedure=procedure,
        data={"applicant_address": "Hà Nội", "summary": "Xin cấp phép"},
        files={"TK": pdf(), "CCCD": pdf()},
    )
    d = onestop.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="fixture-key")
    # The submission's own notice is written with it (transactional outbox); the tests count the
    # notices of what they do next, so the fixture's is taken away.
    from cchc.core.models import OutboundEmail
    from cchc.portal.models import Notification

    Notification.objects.filter(dossier=d).delete()
    OutboundEmail.objects.all().delete()
    return d
