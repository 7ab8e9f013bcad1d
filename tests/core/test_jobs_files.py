import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from cchc.core.exceptions import JobFailed
from cchc.core.files import safe_upload_name, validate_upload
from cchc.core.jobs import job_enqueue, job_progress, register_job, run_pending_jobs
from cchc.core.models import Job


@register_job("tests.count")
def _count(progress, *, job, upto):
    for i in range(1, upto + 1):
        progress.update(i, upto, f"step {i}")
    return {"summary": f"counted to {upto}"}


@register_job("tests.fail")
def _fail(progress, *, job):
    progress.update(1, 2, "half way")
    raise JobFailed("the input file has no rows")


def test_a_job_runs_with_progress_and_records_its_result(db, superuser):
    job = job_enqueue("tests.count", actor=superuser, params={"upto": 3})
    assert job.status == Job.Status.QUEUED
    assert run_pending_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.result == {"summary": "counted to 3"}
    assert job_progress(job).percent == 100


def test_a_failed_job_keeps_its_error_and_last_progress(db):
    job = job_enqueue("tests.fail")
    run_pending_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "no rows" in job.error
    state = job_progress(job)
    assert (state.done, state.total, state.message) == (1, 2, "half way")


def test_job_page_is_only_for_its_owner(client, db, superuser, make_staff, ministry):
    job = job_enqueue("tests.count", actor=superuser, params={"upto": 1})
    other = make_staff("other", ministry["a"])
    client.force_login(other)
    assert client.get(f"/jobs/{job.pk}/").status_code == 404
    client.force_login(superuser)
    response = client.get(f"/jobs/{job.pk}/")
    assert response.status_code == 200
    assert b"<progress" in response.content  # still queued: a progress bar, refreshing itself


def test_unknown_job_kinds_are_refused(db):
    with pytest.raises(ValueError):
        job_enqueue("no.such.job")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _xlsx_bytes():
    from openpyxl import Workbook

    buf = io.BytesIO()
    Workbook().save(buf)
    return buf.getvalue()


def test_uploads_are_recognised_by_content():
    assert validate_upload(SimpleUploadedFile("a.pdf", PDF)).kind == "pdf"
    assert validate_upload(SimpleUploadedFile("t.xlsx", _xlsx_bytes())).kind == "xlsx"


@pytest.mark.parametrize(
    "name,content",
    [
        ("virus.pdf", b"MZ\x90\x00 this is an executable"),
        ("sheet.docx", None),  # an xlsx renamed to .docx
        ("doc.exe", PDF),
    ],
)
def test_disguised_or_unwanted_files_are_refused(name, content):
    content = content if content is not None else _xlsx_bytes()
    with pytest.raises(ValidationError) as err:
        validate_upload(SimpleUploadedFile(name, content))
    assert name in str(err.value)


def test_oversized_uploads_are_refused():
    with pytest.raises(ValidationError) as err:
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2_000_000), max_bytes=1_048_576)
    assert err.value.code == "too_large"
    assert "1,9 MB" in err.value.messages[0] and "1,0 MB" in err.value.messages[0]


def test_safe_names_hide_the_client_name():
    name = safe_upload_name("dossiers/2026", "PDF")
    assert name.startswith("dossiers/2026/") and name.endswith(".pdf") and ".." not in name


def test_job_status_over_the_api_is_private(client, db, superuser, make_staff, ministry):
    from rest_framework.authtoken.models import Token

    job = job_enqueue("tests.count", actor=superuser, params={"upto": 2})
    run_pending_jobs()
    body = client.get(
        f"/api/v1/core/jobs/{job.pk}/", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=superuser).key}"
    ).json()
    assert body["status"] == "done" and body["result"] == {"summary": "counted to 2"}
    other = make_staff("other", ministry["a"])
    response = client.get(
        f"/api/v1/core/jobs/{job.pk}/", HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=other).key}"
    )
    assert response.status_code == 404


def test_foreground_jobs_show_a_progress_bar(db, capsys):
    import io

    from cchc.core.jobs import job_run_foreground

    stream = io.StringIO()
    job = job_run_foreground("tests.count", params={"upto": 5}, stream=stream)
    assert job.status == Job.Status.DONE
    assert "step 5" in stream.getvalue()
