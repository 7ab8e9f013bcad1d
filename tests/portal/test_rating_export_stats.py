"""Rating the service on the citizen evaluation criteria, the applicant's data export, the public
statistics page, and downloading the electronic result."""

import json

import pytest
from django.urls import reverse

from cchc.core.metrics import Period, get_metric
from cchc.core.models import AuditEvent
from cchc.onestop import services as onestop
from cchc.portal.models import RatingScore, ServiceRating
from cchc.portal.rating import criteria_in_force

from .conftest import pdf

pytestmark = pytest.mark.django_db

GOOD = {c.code: "2" for c in criteria_in_force(__import__("datetime").date.today()).criteria}


@pytest.fixture
def returned(submitted, staff, ministry):
    d = onestop.dossier_accept(
        actor=staff["clerk"], dossier=submitted, version=submitted.version, unit=ministry["a1"]
    )
    d = onestop.dossier_propose_result(
        actor=staff["officer"],
        dossier=d,
        version=d.version,
        outcome="granted",
        note="Đủ điều kiện",
        result_file=pdf("giay-phep.pdf"),
    )
    d = onestop.dossier_approve(actor=staff["leader"], dossier=d, version=d.version)
    return onestop.dossier_return_result(actor=staff["clerk"], dossier=d, version=d.version)


def test_rating_only_when_finished_and_once(client, citizen, submitted, staff, ministry):
    client.force_login(citizen)
    url = reverse("portal:rate", args=[submitted.pk])
    client.post(url, GOOD)
    assert ServiceRating.objects.count() == 0  # not finished yet


def test_rate_the_service(client, citizen, other_citizen, returned):
    client.force_login(other_citizen)
    assert client.post(reverse("portal:rate", args=[returned.pk]), GOOD).status_code == 404
    client.force_login(citizen)
    page = client.get(reverse("portal:rate", args=[returned.pk])).content.decode()
    assert "NĐ 61/2018/NĐ-CP Điều 31" in page and 'type="radio"' in page
    missing = {k: v for k, v in GOOD.items() if k != "e_attitude"}
    response = client.post(reverse("portal:rate", args=[returned.pk]), missing)
    assert response.status_code == 200 and ServiceRating.objects.count() == 0
    scores = {**GOOD, "e_attitude": "0", "comment": "Cán bộ chậm trả lời"}
    assert client.post(reverse("portal:rate", args=[returned.pk]), scores).status_code == 302
    rating = ServiceRating.objects.get()
    assert rating.criteria_version == "nd61-2018-d31" and rating.satisfied is False
    assert RatingScore.objects.filter(rating=rating).count() == len(GOOD)
    assert AuditEvent.objects.filter(action="portal.rating.submit").count() == 1
    client.post(reverse("portal:rate", args=[returned.pk]), GOOD)
    assert ServiceRating.objects.count() == 1
    metric = get_metric("portal.satisfaction_rate").value(None, Period.year(rating.created_at.year))
    assert (metric.numerator, metric.denominator) == (0, 1)


def test_download_the_electronic_result(client, citizen, other_citizen, returned):
    result = returned.files.get(purpose="result")
    client.force_login(other_citizen)
    assert client.get(reverse("portal:dossier_file", args=[returned.pk, result.pk])).status_code == 404
    client.force_login(citizen)
    page = client.get(reverse("portal:dossier_detail", args=[returned.pk])).content.decode()
    assert reverse("portal:dossier_file", args=[returned.pk, result.pk]) in page
    response = client.get(reverse("portal:dossier_file", args=[returned.pk, result.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    assert returned.code in response["Content-Disposition"]


def test_export_my_data(client, citizen, other_citizen, returned, procedure):
    onestop.dossier_draft_save(actor=other_citizen, procedure=procedure, data={"applicant_address": "Huế"})
    client.force_login(citizen)
    response = client.get(reverse("portal:data_export"))
    data = json.loads(response.content)
    assert response["Content-Disposition"].startswith("attachment")
    assert data["account"]["username"] == "citizen1"
    assert [d["code"] for d in data["dossiers"]] == [returned.code]
    assert data["dossiers"][0]["history"][-1]["to_status"] == 10
    assert "Huế" not in response.content.decode()
    assert AuditEvent.objects.filter(action="portal.data.export", actor_id=citizen.pk).count() == 1


def test_public_statistics_change_with_the_records(client, citizen, returned, django_assert_max_num_queries):
    year = returned.received_at.year
    with django_assert_max_num_queries(12):
        before = client.get(reverse("portal:statistics"), {"year": year}).content.decode()
    assert 'id="stat-received">1<' in before and 'id="stat-ratings">0<' in before
    client.force_login(citizen)
    client.post(reverse("portal:rate", args=[returned.pk]), GOOD)
    client.logout()
    after = client.get(reverse("portal:statistics"), {"year": year}).content.decode()
    assert 'id="stat-ratings">1<' in after and "1/1 (100,00%)" in after
    assert "<svg" in after and "<caption>" in after
