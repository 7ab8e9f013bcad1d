"""The catalogue import as a background job (web) and a foreground run (CLI)."""

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from cchc.core.jobs import register_job

from .transfer import catalog_import_file


@register_job("procedures.import", gettext_lazy("Procedure catalogue import"))
def import_job(progress, *, job=None, file: str, fmt: str, actor_id: int) -> dict:
    actor = get_user_model().objects.get(pk=actor_id)
    with default_storage.open(file, "rb") as fh:
        content = fh.read()
    try:
        return catalog_import_file(actor=actor, content=content, fmt=fmt, progress=progress)
    finally:
        default_storage.delete(file)  # the upload is not kept: the catalogue and the audit log are the record
