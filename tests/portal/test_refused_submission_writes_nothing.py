"""A refused API submission (400) writes nothing: no dossier, no file (issue 14)."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.urls import reverse

from cchc.core.files import file_saved, files_atomic
from cchc.onestop.models import Dossier, DossierFile

from .conftest import pdf

pytestmark = pytest.mark.django_db

ANSWERS = {
    "applicant_name": "Nguyễn Văn A",
    "applicant_identity": "001099001234",
    "applicant_address": "Hà Nội",
    "applicant_phone": "0912345678",
    "applicant_email": "a@example.invalid",
    "summary": "Xin cấp giấy phép",
}


def _files_on_disk() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_refused_api_submission_leaves_no_dossier_and_no_file(client, citizen, procedure):
    client.force_login(citizen)
    url = reverse("portal-api-submission")
    response = client.post(
        url, {**ANSWERS, "procedure": procedure.code, "file_TK": pdf()}, HTTP_IDEMPOTENCY_KEY="refused-1"
    )
    assert response.status_code == 400 and "Bản sao CCCD" in response.json()["error"]["message"]
    assert Dossier.objects.count() == 0 and DossierFile.objects.count() == 0
    assert _files_on_disk() == []
    # the same request with every component goes through, and its files are kept
    ok = client.post(
        url,
        {**ANSWERS, "procedure": procedure.code, "file_TK": pdf(), "file_CCCD": pdf()},
        HTTP_IDEMPOTENCY_KEY="refused-1",
    )
    assert ok.status_code == 201, ok.content
    assert len(_files_on_disk()) == 2


def test_a_submission_whose_transaction_fails_removes_the_files_it_wrote(
    client, citizen, procedure, monkeypatch
):
    """A failure after the files were written (here the dossier code cannot be taken) rolls back
    the rows and deletes the files: nothing half-written."""
    from cchc.onestop import services

    def no_code(agency, at):
        raise IntegrityError("counter locked")

    monkeypatch.setattr(services, "_next_code", no_code)
    client.force_login(citizen)
    response = client.post(
        reverse("portal-api-submission"),
        {**ANSWERS, "procedure": procedure.code, "file_TK": pdf(), "file_CCCD": pdf()},
        HTTP_IDEMPOTENCY_KEY="fails-1",
    )
    assert response.status_code == 500 and response.json()["error"]["code"] == "server_error"
    assert Dossier.objects.count() == 0 and _files_on_disk() == []


def test_files_atomic_removes_files_on_rollback_nested_too():
    def save(text):
        name = default_storage.save(f"t/{text}.txt", ContentFile(text.encode()))
        file_saved(name)
        return name

    with files_atomic():
        kept = save("kept")
    with pytest.raises(ValueError):
        with files_atomic():
            save("inner-ok")  # its savepoint succeeds, the outer block fails: removed too
            with files_atomic():
                save("nested")
            raise ValueError
    with files_atomic():
        with pytest.raises(KeyError):
            with files_atomic():
                save("inner-fails")
                raise KeyError
        also_kept = save("outer")
    assert sorted(p.name for p in _files_on_disk()) == sorted([Path(kept).name, Path(also_kept).name])
