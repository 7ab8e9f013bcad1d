"""Household imports refuse hostile files before parsing them, and never show a traceback (issue 14)."""

from pathlib import Path

import pandas as pd
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cchc.core.exceptions import ImportRejected
from cchc.core.jobs import job_enqueue, run_pending_jobs
from cchc.core.models import Job
from cchc.households import bulk
from cchc.households.models import Household
from tests.import_limits_support import wide_csv, zip_bomb_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.CCHC_IMPORT_MAX_UNZIPPED_BYTES = 16 * 1024 * 1024
    settings.CCHC_IMPORT_MAX_COLUMNS = 300


def _upload(client, **files):
    return client.post(
        "/households/import/", {k: SimpleUploadedFile(n, data) for k, (n, data) in files.items()}
    )


def test_a_zip_bomb_workbook_is_refused_before_openpyxl_reads_it(client, officer, tmp_path, monkeypatch):
    bomb = zip_bomb_xlsx(64)
    assert len(bomb) < 200_000  # small on disk, 64 MB unzipped

    def no_read(*args, **kwargs):
        raise AssertionError("the workbook reached the spreadsheet parser")

    monkeypatch.setattr(pd, "read_excel", no_read)
    client.force_login(officer)
    page = _upload(client, households=("ho-ngheo.xlsx", bomb)).content.decode()
    assert "ho-ngheo.xlsx" in page and "giải nén" in page and "16 MB" in page.replace(",0", "")
    assert not Job.objects.exists()
    # the job's own reader (and the CLI) refuse it the same way
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(bomb)
    with pytest.raises(ImportRejected, match="giải nén"):
        bulk.read_table(path, "households")


def test_a_very_wide_csv_is_refused_from_its_header(client, officer, tmp_path):
    client.force_login(officer)
    page = _upload(
        client, households=("rong.csv", wide_csv(100_000)), members=("m.csv", b"a,b\n")
    ).content.decode()
    assert "100.000" in page and "300" in page and "cột" in page
    assert not Job.objects.exists()
    path = tmp_path / "wide.csv"
    path.write_bytes(wide_csv(5_000))
    with pytest.raises(ImportRejected, match="5.000"):
        bulk.read_table(path, "households")


def test_an_oversize_upload_is_refused(client, officer, settings):
    settings.CCHC_IMPORT_MAX_BYTES = 1024
    client.force_login(officer)
    page = _upload(
        client, households=("lon.csv", b"a,b\n" + b"1,2\n" * 1000), members=("m.csv", b"a\n")
    ).content.decode()
    assert "lon.csv" in page and "giới hạn" in page
    assert not Job.objects.exists()


def test_an_unexpected_error_in_an_import_shows_no_traceback_or_path(
    client, officer, monkeypatch, caplog, tmp_path
):
    secret = "/srv/cchc/media/households/imports/4f1e.csv"

    def broken(**kwargs):
        raise FileNotFoundError(2, "No such file or directory", secret)

    monkeypatch.setattr(bulk, "import_households", broken)
    households = tmp_path / "h.csv"
    households.write_text("commune_code\n99001\n")
    members = tmp_path / "m.csv"
    members.write_text("household_code\nX\n")
    job = job_enqueue(
        "households.import",
        actor=officer,
        params={"households_path": str(households), "members_path": str(members)},
    )
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert f"số {job.pk}" in job.error and "quản trị" in job.error
    client.force_login(officer)
    page = client.get(f"/jobs/{job.pk}/").content.decode()
    api = APIClient()
    api.force_authenticate(officer)
    body = api.get(f"/api/v1/core/jobs/{job.pk}/").json()
    status = client.get(f"/jobs/{job.pk}/status/").json()
    for shown in (job.error, page, body["error"], status["error"]):
        assert secret not in shown and "Traceback" not in shown and "FileNotFoundError" not in shown
    assert body["error"] == job.error == status["error"]
    assert secret in caplog.text  # the administrator has it in the log
    assert not Household.objects.exists() and not Path(households).exists()
