"""Fixtures of the one-stop tests: a procedure of 5 working days with two components, a clerk, an
officer and a leader of Cục A, and helpers to travel in time."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.org.models import Role
from cchc.procedures import services as procedures

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name="giay-to.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def at(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=VN)


@pytest.fixture
def procedure(superuser, ministry):
    return procedures.procedure_create(
        actor=superuser,
        agency=ministry["a"],
        code="1.000001",
        name="Cấp giấy phép thử nghiệm",
        field="Việc làm",
        level="central",
        version={
            "effective_from": date(2018, 1, 1),
            "steps": ["Nộp hồ sơ", "Thẩm định", "Trả kết quả"],
            "channels": ["in_person", "online", "postal"],
            "processing_time_value": 5,
            "processing_time_unit": "working_days",
            "fee": 200000,
            "charge": 0,
            "applicants": "Công dân, tổ chức",
            "result": "Giấy phép",
            "online_level": "full",
            "legal_basis": [{"number": "61/2018/NĐ-CP"}],
            "components": [
                {"code": "TK", "name": "Tờ khai"},
                {"code": "CCCD", "name": "Bản sao CCCD"},
                {"code": "KHAC", "name": "Giấy tờ khác", "required": False},
            ],
        },
    )


@pytest.fixture
def staff(ministry, make_staff):
    a, a1 = ministry["a"], ministry["a1"]
    return {
        "clerk": make_staff("clerk", a, [(Role.ONESTOP_CLERK, a, False)]),
        "officer": make_staff("officer", a1, [(Role.PROCESSING_OFFICER, a1, False)]),
        "leader": make_staff("leader", a1, [(Role.UNIT_LEADER, a1, False)]),
        "outsider": make_staff(
            "outsider",
            ministry["b"],
            [(Role.ONESTOP_CLERK, ministry["b"], False), (Role.UNIT_LEADER, ministry["b"], False)],
        ),
    }


@pytest.fixture
def clock(monkeypatch):
    """clock.set("2026-11-23 09:00") fixes timezone.now() for the services."""

    class Clock:
        def set(self, text):
            moment = at(text)
            monkeypatch.setattr("cchc.onestop.services._now", lambda: moment)
            monkeypatch.setattr("django.utils.timezone.now", lambda: moment)
            return moment

    return Clock()


@pytest.fixture(autouse=True)
def _fresh_statistics_cache():
    """The dashboard keeps grouped figures two minutes in the shared cache; tests start without them."""
    from django.core.cache import cache

    cache.clear()
