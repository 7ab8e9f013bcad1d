"""Every API error, a defect's 500 too, answers the documented JSON format without a traceback."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import include, path
from rest_framework.test import APIClient

from cchc.core.models import Job

pytestmark = pytest.mark.django_db


def _explode(request):
    raise RuntimeError("/srv/cchc/secret/path.py: boom")


def _fine(request):
    return HttpResponse("ok")


# A URL map for the non-DRF test: a plain Django view under /api/ that fails.
urlpatterns = [
    path("api/plain-boom/", _explode),
    path("web-boom/", _explode),
    path("api/v1/", include("cchc.urls")),
]
handler500 = "cchc.core.views.error_500"
handler404 = "cchc.core.views.error_404"


def _assert_error_shape(response, status: int, code: str) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"} and body["error"]["code"] == code and body["error"]["message"]
    text = response.content.decode()
    assert "Traceback" not in text and "/srv/cchc" not in text and "boom" not in text
    return body


def test_unknown_register_row_is_a_json_404(superuser):
    api = APIClient()
    api.force_authenticate(superuser)
    _assert_error_shape(api.get("/api/v1/reform/registers/no-such-register/1/"), 404, "not_found")
    _assert_error_shape(api.get("/api/v1/reform/registers/no-such-register/"), 404, "not_found")


def test_unexpected_exception_in_an_api_view_is_a_json_500(superuser, monkeypatch, caplog):
    job = Job.objects.create(kind="x", created_by=superuser)

    def broken(job):
        raise RuntimeError("/srv/cchc/secret/path.py: boom")

    monkeypatch.setattr("cchc.core.api_views.job_progress", broken)
    api = APIClient()
    api.force_authenticate(superuser)
    _assert_error_shape(api.get(f"/api/v1/core/jobs/{job.pk}/"), 500, "server_error")
    assert "boom" in caplog.text  # the traceback is in the server's log, not in the answer


def test_non_drf_failure_under_api_answers_json_and_pages_keep_html(settings, superuser):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    _assert_error_shape(client.get("/api/plain-boom/"), 500, "server_error")
    _assert_error_shape(client.get("/api/nothing-here/"), 404, "not_found")
    page = client.get("/web-boom/")
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
