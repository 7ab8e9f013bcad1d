from datetime import date

import pytest

from cchc.org.models import Role
from cchc.workdays.models import CalendarOverride

pytestmark = pytest.mark.django_db


def test_calendar_page_vietnamese_and_calculator(client, superuser):
    client.force_login(superuser)
    r = client.get("/workdays/", {"year": 2026, "start": "2026-02-13T10:00", "days": 1, "apply_cutoff": "on"})
    html = r.content.decode()
    assert r.status_code == 200
    assert "Lịch ngày làm việc" in html
    assert "23/02/2026" in html
    assert "22/08/2026" in html  # the swapped Saturday is listed


def test_admin_records_and_revokes_override(client, superuser):
    client.force_login(superuser)
    r = client.post(
        "/workdays/overrides/",
        {
            "day": "2026-12-31",
            "kind": "day_off",
            "name": "Nghỉ bù",
            "source_document": "Thông báo 5/TB-BNV",
            "effective_from": "2026-11-01",
        },
    )
    assert r.status_code == 302
    o = CalendarOverride.objects.get(day=date(2026, 12, 31))
    r = client.post(f"/workdays/overrides/{o.pk}/revoke/", {"reason": "Thay thế"})
    o.refresh_from_db()
    assert o.revoked_on is not None


def test_clerk_cannot_record_override(client, ministry, make_staff):
    clerk = make_staff("clerk2", ministry["a"], [(Role.ONESTOP_CLERK, ministry["a"], False)])
    client.force_login(clerk)
    assert client.get("/workdays/").status_code == 200
    r = client.post(
        "/workdays/overrides/",
        {
            "day": "2026-12-31",
            "kind": "day_off",
            "name": "x",
            "source_document": "CV",
            "effective_from": "2026-11-01",
        },
    )
    assert r.status_code == 403
    assert not CalendarOverride.objects.exists()


def test_api_due(client, superuser):
    client.force_login(superuser)
    r = client.get("/api/v1/workdays/due/", {"from": "2025-04-29T10:00", "days": 1})
    assert r.status_code == 200 and r.json()["due"].startswith("2025-05-05T17:00")
    r = client.get("/api/v1/workdays/due/", {"from": "29/04/2025", "days": 1})
    assert r.status_code == 400 and "from" in r.json()["error"]["fields"]
