"""Strict upload handling: size limit, type recognised from the content, stored under a safe name.

Files and rows stay together: `files_atomic()` is a transaction that deletes the files saved in it
(`file_saved`) when it rolls back, and `orphan_files` finds what a killed process left behind
(`cchc files_clean`, also run by the worker) — files no row names, older than a grace period.
"""

import logging
import uuid
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from .formatting import format_number

# kind → (extensions, content check)
_ZIP_MEMBERS = {"docx": "word/", "xlsx": "xl/", "odt": "content.xml", "ods": "content.xml"}


@dataclass(frozen=True)
class CheckedFile:
    kind: str
    extension: str
    size: int


def _sniff(head: bytes) -> str | None:
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"<?xml") or head.startswith(b"\xef\xbb\xbf<?xml"):
        return "xml"
    return None


EXTENSIONS = {
    "pdf": {"pdf"},
    "png": {"png"},
    "jpeg": {"jpg", "jpeg"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "odt": {"odt"},
    "ods": {"ods"},
    "xml": {"xml"},
    "csv": {"csv"},
}

DOCUMENT_KINDS = {"pdf", "png", "jpeg", "docx", "xlsx", "odt", "ods"}


def validate_upload(
    upload, *, allowed: set[str] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> CheckedFile:
    """Raise ValidationError unless the upload's content is one of the allowed kinds and small enough."""
    max_bytes = max_bytes or settings.CCHC_UPLOAD_MAX_BYTES
    name = getattr(upload, "name", "") or ""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > max_bytes:
        raise ValidationError(
            _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": format_number(upload.size / 1048576, 1),
                "limit": format_number(max_bytes / 1048576, 1),
            },
            code="too_large",
        )
    upload.seek(0)
    head = upload.read(2048)
    upload.seek(0)
    kind = _sniff(head)
    if kind == "zip":
        try:
            with zipfile.ZipFile(upload) as zf:
                names = zf.namelist()
        except zipfile.BadZipFile:
            names = []
        upload.seek(0)
        kind = next(
            (
                k
                for k, marker in _ZIP_MEMBERS.items()
                if ext in EXTENSIONS[k] and any(n.startswith(marker) for n in names)
            ),
            None,
        )
    if kind is None and ext == "csv":
        try:
            head.decode("utf-8")
            kind = "csv"
        except UnicodeDecodeError:
            kind = None
    if kind is None or kind not in allowed or ext not in EXTENSIONS.get(kind, set()):
        raise ValidationError(
            _("%(name)s is not an accepted file type (accepted: %(kinds)s).")
            % {"name": name, "kinds": ", ".join(sorted(allowed))},
            code="bad_type",
        )
    return CheckedFile(kind=kind, extension=ext, size=upload.size)


def safe_upload_name(prefix: str, extension: str) -> str:
    """A storage name that reveals nothing of the client's file name and cannot traverse paths."""
    return f"{prefix.strip('/')}/{uuid.uuid4().hex}.{extension.lower()}"


# --- files saved inside a transaction -------------------------------------------------------------
log = logging.getLogger(__name__)
_saved_in_block: ContextVar[list | None] = ContextVar("cchc_files_saved_in_block", default=None)


def file_saved(name: str, storage=None) -> None:
    """Record that `name` was just saved, so that the enclosing files_atomic() removes it on rollback."""
    block = _saved_in_block.get()
    if block is not None:
        block.append((storage or default_storage, name))


def _remove(saved) -> None:
    for storage, name in saved:
        try:
            storage.delete(name)
        except OSError:  # the orphan cleaner removes it later
            log.warning("could not remove %s after a rollback", name, exc_info=True)


@contextmanager
def files_atomic():
    """transaction.atomic() that also deletes the files saved inside it (`file_saved`) if it rolls
    back — a refused or failed request leaves no file behind. A nested block that succeeds hands its
    files to the enclosing one, whose rollback then removes them too."""
    saved: list = []
    token = _saved_in_block.set(saved)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        _saved_in_block.reset(token)
        _remove(saved)
        raise
    _saved_in_block.reset(token)
    outer = _saved_in_block.get()
    if outer is not None:
        outer.extend(saved)


# --- orphans: files no row names --------------------------------------------------------------------
def _strings(value) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


def referenced_files() -> set[str]:
    """Storage names the database refers to: every FileField value, and the paths that background
    jobs carry in their parameters or results (an import's upload, a generated book)."""
    from django.apps import apps
    from django.db import models

    from .models import Job

    names: set[str] = set()
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, models.FileField):
                names.update(
                    model._default_manager.exclude(**{field.name: ""})
                    .values_list(field.name, flat=True)
                    .iterator(chunk_size=5000)
                )
    root = str(Path(settings.MEDIA_ROOT).resolve())
    for params, result in Job.objects.values_list("params", "result").iterator(chunk_size=2000):
        for text in _strings([params, result]):
            if text.startswith(root + "/"):  # absolute paths under the upload folder
                text = text[len(root) + 1 :]
            names.add(text)
    return names


def orphan_files(grace: timedelta, now: datetime | None = None) -> list[Path]:
    """Files in the upload folder that no row names and that are older than `grace` (a younger file
    may belong to a transaction that has not committed yet)."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    cutoff = (now.timestamp() if now else datetime.now().timestamp()) - grace.total_seconds()
    referenced = referenced_files()
    found = []
    for path in root.rglob("*"):
        if not path.is_file() or path.stat().st_mtime > cutoff:
            continue
        if path.relative_to(root).as_posix() not in referenced:
            found.append(path)
    return sorted(found)


def orphan_files_clean(grace: timedelta | None = None, *, dry_run: bool = False) -> list[Path]:
    """Delete the orphan files (see orphan_files); returns what was (or, dry, would be) deleted."""
    if grace is None:
        grace = timedelta(hours=settings.CCHC_ORPHAN_FILE_GRACE_HOURS)
    found = orphan_files(grace)
    if not dry_run:
        for path in found:
            path.unlink(missing_ok=True)
        if found:
            log.info("removed %s orphan upload file(s)", len(found))
    return found


# --- limits on tables to import, checked before a parser reads them --------------------------------
HEADER_READ_LIMIT = 1024 * 1024  # a header line longer than this is not a table of ours


def _reject(name: str, message: str):
    from .exceptions import ImportRejected, RowError

    return ImportRejected([RowError(None, "", f"{name}: {message}")])


def table_limits_check(source, name: str, *, size: int | None = None) -> None:
    """Refuse, before pandas or openpyxl reads it, a table file (CSV, XLSX, Parquet) that is too
    big, unzips too big, or has too many columns; raises ImportRejected with a message that names
    the file and the limit. `source`: a path or a binary file object (read from the start, rewound).

    Limits: CCHC_IMPORT_MAX_BYTES on disk, CCHC_IMPORT_MAX_UNZIPPED_BYTES for an XLSX's members
    (the sizes the zip declares: Python's zipfile never inflates a member past its declared size,
    so a zip bomb is caught without inflating anything), CCHC_IMPORT_MAX_COLUMNS for the header."""
    from .exceptions import ImportRejected

    path = Path(source) if isinstance(source, str | Path) else None
    fh = open(path, "rb") if path else source  # noqa: SIM115  (closed below)
    try:
        if size is None:
            size = path.stat().st_size if path else fh.seek(0, 2)
        fh.seek(0)
        ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        limit = settings.CCHC_IMPORT_MAX_BYTES
        if size > limit:
            raise _reject(
                name,
                _("the file is %(size)s MB; the limit for imports is %(limit)s MB.")
                % {"size": format_number(size / 1048576, 1), "limit": format_number(limit / 1048576, 1)},
            )
        if ext in {"xlsx", "xlsm"}:
            _check_xlsx(fh, name)
        elif ext == "csv":
            _check_csv_header(fh, name)
        elif ext == "parquet":
            _check_parquet(fh, name)
    except ImportRejected:
        raise
    except (OSError, ValueError) as exc:
        log.warning("table check of %s failed", name, exc_info=True)
        raise _reject(name, _("the file cannot be read.")) from exc
    finally:
        if path:
            fh.close()
        else:
            fh.seek(0)


def _too_many_columns(name: str, count: int):
    return _reject(
        name,
        _("the table has %(count)s columns; at most %(limit)s are accepted.")
        % {"count": format_number(count), "limit": format_number(settings.CCHC_IMPORT_MAX_COLUMNS)},
    )


def _check_xlsx(fh, name: str) -> None:
    try:
        members = zipfile.ZipFile(fh).infolist()
    except zipfile.BadZipFile as exc:
        raise _reject(name, _("the file is not a valid Excel workbook (.xlsx).")) from exc
    unzipped = sum(member.file_size for member in members)
    limit = settings.CCHC_IMPORT_MAX_UNZIPPED_BYTES
    if unzipped > limit:
        raise _reject(
            name,
            _(
                "the workbook unpacks to %(size)s MB; at most %(limit)s MB are accepted. Save it as CSV or split it."
            )
            % {"size": format_number(unzipped / 1048576, 1), "limit": format_number(limit / 1048576, 1)},
        )


def _check_csv_header(fh, name: str) -> None:
    import csv

    head = fh.read(HEADER_READ_LIMIT + 1)
    line, newline, _rest = head.partition(b"\n")
    if not newline and len(head) > HEADER_READ_LIMIT:
        raise _reject(
            name,
            _("the first line (the column names) is longer than %(limit)s MB.")
            % {"limit": format_number(HEADER_READ_LIMIT / 1048576, 0)},
        )
    text = line.decode("utf-8-sig", errors="replace").rstrip("\r")
    count = len(next(csv.reader([text]), []))
    if count > settings.CCHC_IMPORT_MAX_COLUMNS:
        raise _too_many_columns(name, count)


def _check_parquet(fh, name: str) -> None:
    import pyarrow.parquet as pq

    try:
        count = pq.ParquetFile(fh).metadata.num_columns
    except Exception as exc:  # pyarrow raises its own error types for damaged files
        raise _reject(name, _("the file is not a valid Parquet file.")) from exc
    if count > settings.CCHC_IMPORT_MAX_COLUMNS:
        raise _too_many_columns(name, count)
