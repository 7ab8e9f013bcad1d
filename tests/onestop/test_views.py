"""Back-office pages: queue, desk, dossier actions with stable ids, forms as PDF, statistics."""

import io

import openpyxl
import pytest
from django.utils import timezone

from cchc.core.models import AuditEvent
from cchc.onestop import services
from cchc.onestop.models import Dossier, Status

from .conftest import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(citizen, procedure):
    d = services.dossier_draft_save(
        actor=citizen,
        procedure=procedure,
        data={"applicant_address": "Số 1 Đào Duy Anh"},
        files={"TK": pdf(), "CCCD": pdf()},
    )
    return services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="v-1")


def test_clerk_accepts_from_the_page_and_prints_receipt(client, submitted, staff, ministry):
    client.force_login(staff["clerk"])
    page = client.get(f"/onestop/d/{submitted.pk}/").content.decode()
    assert 'id="accept-submit"' in page and "Tiếp nhận" in page  # Vietnamese UI
    r = client.post(
        f"/onestop/d/{submitted.pk}/act/accept/",
        {"version": submitted.version, "unit": ministry["a1"].pk, "quota_days": 3},
    )
    assert r.status_code == 302
    d = Dossier.objects.get(pk=submitted.pk)
    assert d.status == Status.PROCESSING and d.handling_unit == ministry["a1"]
    r = client.get(f"/onestop/d/{d.pk}/form/01.pdf")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    assert AuditEvent.objects.filter(action="onestop.dossier.personal_view", target_id=str(d.pk)).exists()


def test_accepting_without_a_unit_is_refused_and_success_is_told_precisely(
    client, submitted, staff, ministry
):
    client.force_login(staff["clerk"])
    page = client.post(f"/onestop/d/{submitted.pk}/act/accept/", {"version": submitted.version}, follow=True)
    page = page.content.decode()
    assert "Chuyển đến đơn vị" in page and "Đã lưu" not in page
    assert Dossier.objects.get(pk=submitted.pk).status == Status.SUBMITTED

    page = client.post(
        f"/onestop/d/{submitted.pk}/act/accept/",
        {"version": submitted.version, "unit": ministry["a1"].pk, "quota_days": 3},
        follow=True,
    ).content.decode()
    d = Dossier.objects.get(pk=submitted.pk)
    assert d.status == Status.PROCESSING
    assert f"Hồ sơ {d.code} đã được tiếp nhận" in page


def test_stale_form_shows_conflict_message(client, submitted, staff):
    client.force_login(staff["clerk"])
    old = submitted.version
    services.dossier_accept(actor=staff["clerk"], dossier=submitted, version=old)
    r = client.post(f"/onestop/d/{submitted.pk}/act/refuse/", {"version": old, "reason": "x"}, follow=True)
    assert "người khác" in r.content.decode() or "someone else" in r.content.decode()
    assert Dossier.objects.get(pk=submitted.pk).status == Status.ACCEPTED


def test_outsider_gets_404_and_no_personal_data(client, submitted, staff):
    client.force_login(staff["outsider"])
    assert client.get(f"/onestop/d/{submitted.pk}/").status_code == 404
    assert client.get(f"/onestop/d/{submitted.pk}/form/01.pdf").status_code == 404


def test_officer_not_handling_sees_no_personal_data(client, submitted, staff, ministry, make_staff):
    from cchc.org.models import Role

    services.dossier_accept(
        actor=staff["clerk"], dossier=submitted, version=submitted.version, unit=ministry["a1"]
    )
    other = make_staff("officer2", ministry["a1"], [(Role.PROCESSING_OFFICER, ministry["a1"], False)])
    client.force_login(other)
    page = client.get(f"/onestop/d/{submitted.pk}/").content.decode()
    assert "Số 1 Đào Duy Anh" not in page
    assert not AuditEvent.objects.filter(action="onestop.dossier.personal_view", actor_id=other.pk).exists()


def test_citizen_cannot_open_back_office(client, citizen, submitted):
    client.force_login(citizen)
    assert client.get("/onestop/").status_code == 403


def test_queue_filters_and_query_count(client, procedure, staff, ministry, django_assert_max_num_queries):
    for i in range(12):
        d = services.dossier_register(
            actor=staff["clerk"],
            agency=ministry["a"],
            procedure=procedure,
            channel=1,
            applicant_name=f"N {i}",
        )
        services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version, unit=ministry["a1"])
    client.force_login(staff["leader"])
    with django_assert_max_num_queries(12):
        r = client.get("/onestop/", {"scope": "unit"})
    assert r.content.decode().count("/onestop/d/") == 12
    r = client.get("/onestop/", {"scope": "unit", "status": 5})
    assert r.content.decode().count("/onestop/d/") == 0


def test_desk_registers_paper_dossier(client, procedure, staff):
    client.force_login(staff["clerk"])
    r = client.post(
        "/onestop/desk/",
        {
            "procedure": procedure.pk,
            "channel": 3,
            "applicant_name": "Trần Thị B",
            "accept_now": "on",
            "file:TK": pdf(),
        },
    )
    d = Dossier.objects.get(applicant_name="Trần Thị B")
    assert r.status_code == 302 and d.status == Status.ACCEPTED and d.channel == 3 and d.files.count() == 1


def test_statistics_page_and_excel(client, procedure, staff, ministry, superuser):
    d = services.dossier_register(
        actor=staff["clerk"], agency=ministry["a"], procedure=procedure, channel=1, applicant_name="N"
    )
    services.dossier_accept(actor=staff["clerk"], dossier=d, version=d.version)
    client.force_login(superuser)
    year = timezone.localdate().year
    r = client.get("/onestop/statistics/", {"year": year})
    assert r.status_code == 200 and "<svg" in r.content.decode()
    r = client.get("/onestop/statistics/", {"year": year, "format": "xlsx"})
    assert r["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(b"".join(r.streaming_content) if r.streaming else r.content))
    indices = [row for row in book["TT 01-2018"].iter_rows(min_row=5, values_only=True)]
    assert [row[0].split(".")[0] for row in indices] == [str(i) for i in range(1, 10)]  # all nine
    assert indices[8][3] == 1  # index 9 rests on the one dossier received
    codes = [row[0] for row in book["QĐ 766"].iter_rows(min_row=5, values_only=True)]
    assert codes == ["2.1", "2.2", "3.1", "3.3", "3.5", "4.1", "5.x"]


def test_metrics_registered():
    from cchc.core.metrics import get_metric

    for name in ("onestop.on_time_rate", "onestop.online_share", "onestop.online_payment_share"):
        assert get_metric(name) is not None


def test_api_queue_and_detail_scoped(client, procedure, staff, ministry):
    d = services.dossier_register(
        actor=staff["clerk"],
        agency=ministry["a"],
        procedure=procedure,
        channel=1,
        applicant_name="Nguyễn Bí Mật",
    )
    client.force_login(staff["clerk"])
    r = client.get("/api/v1/onestop/dossiers/", {"scope": "desk"})
    assert r.status_code == 200 and r.json()["results"][0]["code"] == d.code
    r = client.get(f"/api/v1/onestop/dossiers/{d.code}/")
    assert r.status_code == 200 and "Nguyễn Bí Mật" not in r.content.decode()
    client.force_login(staff["outsider"])
    assert client.get(f"/api/v1/onestop/dossiers/{d.code}/").status_code == 404
