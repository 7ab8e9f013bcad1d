"""Backup and restore round trip on whichever database the suite runs on (SQLite or PostgreSQL)."""

import tarfile
from datetime import date

import pytest
from django.core.management import call_command

from cchc.core.backup import BackupError, backup_restore
from cchc.org import services
from cchc.org.models import Agency, AgencyType

pytestmark = pytest.mark.django_db(transaction=True)


def test_backup_then_restore_brings_back_database_and_files(superuser, settings, tmp_path):
    settings.MEDIA_ROOT.mkdir(parents=True)
    (settings.MEDIA_ROOT / "evidence.pdf").write_bytes(b"%PDF-1.4 original")
    services.agency_create(
        actor=superuser,
        code="000.00.00.G77",
        name="Bộ Sao Lưu",
        type=AgencyType.MINISTRY,
        valid_from=date(2020, 1, 1),
    )
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "manifest.json" in names and "media/evidence.pdf" in names

    # Life goes on after the backup...
    Agency.objects.filter(code="000.00.00.G77").update(name="Đổi sau sao lưu")
    services.agency_create(
        actor=superuser,
        code="000.00.00.G78",
        name="Sau sao lưu",
        type=AgencyType.MINISTRY,
        valid_from=date(2021, 1, 1),
    )
    (settings.MEDIA_ROOT / "evidence.pdf").write_bytes(b"changed")
    (settings.MEDIA_ROOT / "later.pdf").write_bytes(b"later")

    call_command("restore", str(archive), yes=True)

    assert Agency.objects.get(code="000.00.00.G77").name == "Bộ Sao Lưu"
    assert not Agency.objects.filter(code="000.00.00.G78").exists()
    assert (settings.MEDIA_ROOT / "evidence.pdf").read_bytes() == b"%PDF-1.4 original"
    assert not (settings.MEDIA_ROOT / "later.pdf").exists()
    call_command("audit", "verify")  # the restored audit chain is intact


def test_restore_refuses_an_archive_of_another_engine(superuser, tmp_path, settings):
    import io
    import json

    archive = tmp_path / "other.tar.gz"
    manifest = json.dumps(
        {"format": 1, "engine": "oracle", "database_file": "db.x", "created_at": "x"}
    ).encode()
    with tarfile.open(archive, "w:gz") as tar:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        tar.addfile(info, io.BytesIO(manifest))
    with pytest.raises(BackupError, match="oracle"):
        backup_restore(archive)
