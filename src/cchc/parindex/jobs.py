"""Background jobs of the PAR index: imports run by the worker, with progress; the CLI runs the same."""

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.utils.translation import gettext_lazy

from cchc.core.jobs import register_job

from . import imports, services
from .models import Cycle


def _actor(job):
    return get_user_model().objects.get(pk=job.created_by_id)


def _read(path: str) -> bytes:
    with default_storage.open(path, "rb") as fh:
        return fh.read()


@register_job("parindex.import_methodology", gettext_lazy("PAR methodology import"))
def import_methodology(
    progress, *, job=None, path: str, filename: str, allow_unavailable_metrics: bool = False
):
    progress.update(0, 1, "methodology")
    m = services.methodology_import(
        actor=_actor(job),
        filename=filename,
        data=_read(path),
        allow_unavailable_metrics=allow_unavailable_metrics,
    )
    progress.update(1)
    return {"methodology": m.code, "items": m.items.count()}


@register_job("parindex.import_scores", gettext_lazy("PAR scores import"))
def import_scores(progress, *, job=None, path: str, filename: str, cycle: str):
    return imports.scores_import(
        actor=_actor(job),
        cycle=Cycle.objects.get(code=cycle),
        filename=filename,
        data=_read(path),
        progress=progress,
    )
