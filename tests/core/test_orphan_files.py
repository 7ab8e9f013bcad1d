"""The orphan cleaner: files in the upload folder that no row names, older than the grace period."""

import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command

from cchc.core.files import orphan_files, orphan_files_clean
from cchc.core.models import Job

pytestmark = pytest.mark.django_db

DAY = 24 * 3600


def _file(relative: str, age_seconds: float) -> Path:
    path = Path(settings.MEDIA_ROOT) / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"%PDF-1.4 test")
    then = time.time() - age_seconds
    os.utime(path, (then, then))
    return path


def test_cleaner_removes_old_unreferenced_files_and_keeps_the_rest(superuser):
    job = Job.objects.create(kind="x", created_by=superuser)
    job.output_file.save("report.xlsx", ContentFile(b"x"), save=True)
    referenced_by_field = Path(settings.MEDIA_ROOT) / job.output_file.name
    old = time.time() - 3 * DAY
    os.utime(referenced_by_field, (old, old))
    queued_upload = _file("households/imports/abc.csv", 3 * DAY)
    Job.objects.create(kind="households.import", params={"households_path": str(queued_upload)})
    book = _file("onestop/book/7/so-theo-doi.pdf", 3 * DAY)
    Job.objects.create(
        kind="onestop.book", status=Job.Status.DONE, result={"file": "onestop/book/7/so-theo-doi.pdf"}
    )
    orphan = _file("onestop/2026/11/dead.pdf", 3 * DAY)
    young = _file("onestop/2026/11/in-flight.pdf", 60)

    assert orphan_files(timedelta(hours=24)) == [orphan]
    assert orphan_files_clean(timedelta(hours=24), dry_run=True) == [orphan] and orphan.exists()
    assert orphan_files_clean(timedelta(hours=24)) == [orphan]
    assert not orphan.exists()
    assert all(p.exists() for p in (referenced_by_field, queued_upload, book, young))


def test_files_clean_command(capsys):
    orphan = _file("parindex/evidence/lost.pdf", 2 * DAY)
    call_command("files_clean", "--grace-hours", "1")
    assert not orphan.exists() and "removed 1 orphan file(s)" in capsys.readouterr().out
