"""Backup and restore of the database and uploaded files, for SQLite and PostgreSQL.

An archive is a .tar.gz holding manifest.json, the database (an SQLite copy made with SQLite's
online backup API, or a pg_dump custom-format dump) and media/ (the uploaded files).
"""

import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

import cchc

FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def _db() -> dict:
    return settings.DATABASES["default"]


def _sqlite_connect(name) -> sqlite3.Connection:
    name = str(name)
    return sqlite3.connect(name, uri=name.startswith("file:"))


def _engine() -> str:
    engine = _db()["ENGINE"]
    if engine.endswith("sqlite3"):
        return "sqlite"
    if "postgresql" in engine:
        return "postgresql"
    raise BackupError(f"unsupported database engine {engine}")


def _pg_env() -> tuple[list[str], dict]:
    db = _db()
    args = ["--dbname", db["NAME"]]
    if db.get("HOST"):
        args += ["--host", db["HOST"]]
    if db.get("PORT"):
        args += ["--port", str(db["PORT"])]
    if db.get("USER"):
        args += ["--username", db["USER"]]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def _run(cmd: list[str], env: dict) -> None:
    tool = cmd[0]
    if shutil.which(tool) is None:
        raise BackupError(f"{tool} is not installed (PostgreSQL client tools are needed)")
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{tool} failed: {result.stderr.strip()}")


def backup_create(output: Path | None = None) -> Path:
    engine = _engine()
    if output is None:
        output = settings.DATA_DIR / "backups" / f"cchc-{datetime.now():%Y%m%d-%H%M%S}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        if engine == "sqlite":
            db_file = tmp / "db.sqlite3"
            src = _sqlite_connect(_db()["NAME"])
            dst = sqlite3.connect(db_file)
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        else:
            db_file = tmp / "db.dump"
            args, env = _pg_env()
            _run(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    "--file",
                    str(db_file),
                    *args,
                ],
                env,
            )
        last = MigrationRecorder.Migration.objects.order_by("-id").values_list("app", "name").first()
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": datetime.now().isoformat(timespec="seconds"),
            "cchc_version": cchc.__version__,
            "last_migration": list(last) if last else None,
            "database_file": db_file.name,
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
        with tarfile.open(output, "w:gz") as tar:
            tar.add(tmp / "manifest.json", arcname="manifest.json")
            tar.add(db_file, arcname=db_file.name)
            media = Path(settings.MEDIA_ROOT)
            if media.exists():
                tar.add(media, arcname="media")
    return output


def backup_restore(archive: Path) -> dict:
    """Replace the database and uploaded files with the archive's. Returns the manifest."""
    engine = _engine()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp, filter="data")  # refuses absolute paths, .. and links out of tmp
        manifest = json.loads((tmp / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"unknown backup format {manifest.get('format')}")
        if manifest["engine"] != engine:
            raise BackupError(
                f"the backup is of a {manifest['engine']} database; this installation uses {engine}"
            )
        db_file = tmp / manifest["database_file"]
        connections.close_all()
        if engine == "sqlite":
            src = sqlite3.connect(db_file)
            dst = _sqlite_connect(_db()["NAME"])
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        else:
            args, env = _pg_env()
            _run(
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *args,
                    str(db_file),
                ],
                env,
            )
        media = Path(settings.MEDIA_ROOT)
        if media.exists():
            shutil.rmtree(media)
        if (tmp / "media").exists():
            shutil.copytree(tmp / "media", media)
        else:
            media.mkdir(parents=True, exist_ok=True)
    connection.close()
    return manifest
