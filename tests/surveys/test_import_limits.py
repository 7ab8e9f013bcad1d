"""Survey response imports refuse hostile files before parsing, and never show a traceback (issue 14)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.exceptions import ImportRejected
from cchc.core.jobs import job_enqueue, run_pending_jobs
from cchc.core.models import Job
from cchc.surveys import services
from tests.import_limits_support import wide_csv, zip_bomb_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _small_limits(settings):
    settings.CCHC_IMPORT_MAX_UNZIPPED_BYTES = 16 * 1024 * 1024
    settings.CCHC_IMPORT_MAX_COLUMNS = 300


def test_zip_bomb_and_wide_csv_are_refused_before_pandas(officer, survey):
    with pytest.raises(ImportRejected, match="giải nén"):
        services.read_table(zip_bomb_xlsx(64), "tra-loi.xlsx")
    with pytest.raises(ImportRejected, match="100.000"):
        services.read_table(wide_csv(100_000), "tra-loi.csv")


def test_the_upload_page_refuses_them_without_queueing_a_job(client, officer, survey, settings):
    client.force_login(officer)
    url = f"/surveys/{survey.pk}/import/"
    page = client.post(url, {"file": SimpleUploadedFile("bom.xlsx", zip_bomb_xlsx(64))}).content.decode()
    assert "bom.xlsx" in page and "giải nén" in page
    page = client.post(url, {"file": SimpleUploadedFile("rong.csv", wide_csv(1000))}).content.decode()
    assert "1.000" in page and "cột" in page
    settings.CCHC_IMPORT_MAX_BYTES = 100
    page = client.post(
        url, {"file": SimpleUploadedFile("lon.csv", b"a,b\n" + b"1,2\n" * 100)}
    ).content.decode()
    assert "lon.csv" in page
    assert not Job.objects.exists()


def test_an_unexpected_error_in_the_import_job_shows_a_notice(officer, survey, monkeypatch):
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage

    def broken(**kwargs):
        raise KeyError("/srv/cchc/src/cchc/surveys/services.py")

    monkeypatch.setattr(services, "responses_import", broken)
    path = default_storage.save("surveys/imports/x.csv", ContentFile(b"a\n1\n"))
    job = job_enqueue(
        "surveys.import_responses",
        actor=officer,
        params={"survey": survey.pk, "path": path, "file_name": "x.csv"},
    )
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "/srv" not in job.error and "KeyError" not in job.error
    assert str(job.pk) in job.error and not default_storage.exists(path)
