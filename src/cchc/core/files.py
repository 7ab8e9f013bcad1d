"""Strict upload handling: size limit, type recognised from the content, stored under a safe name."""

import uuid
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
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
