"""Background jobs with visible progress, without a message broker.

A job is a row in the database. `cchc worker` (started beside the web server by `cchc serve`)
claims queued rows and runs the registered function. Progress goes to the shared cache, not the
row, so that a job running inside one long all-or-nothing transaction still shows its progress.
Command-line tools run the same functions in the foreground with a progress bar.
"""

import logging
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.utils import timezone, translation

from .models import Job

log = logging.getLogger(__name__)

JOB_FUNCTIONS: dict[str, Callable] = {}
JOB_LABELS: dict[str, str] = {}  # kind → what people call it (a lazy translation)


def register_job(kind: str, label=None):
    """Decorator: `@register_job("reform.report", _("Annual report")) def build(progress, **params)`."""

    def decorate(fn):
        JOB_FUNCTIONS[kind] = fn
        if label is not None:
            JOB_LABELS[kind] = label
        return fn

    return decorate


@dataclass
class ProgressState:
    done: int = 0
    total: int = 0
    message: str = ""

    @property
    def percent(self) -> int | None:
        return int(self.done * 100 / self.total) if self.total else None


class Progress:
    """What a job function reports through. Writes at most a few times a second."""

    def __init__(self, job: Job | None = None, bar=None):
        self.job = job
        self.bar = bar
        self.state = ProgressState()
        self._last_write = 0.0

    def update(self, done: int, total: int | None = None, message: str | None = None) -> None:
        if total is not None:
            self.state.total = total
            if self.bar is not None:
                self.bar.total = total
        if message is not None:
            self.state.message = message
            if self.bar is not None:
                self.bar.set_description(message)
        if self.bar is not None:
            self.bar.update(done - self.state.done)
        self.state.done = done
        now = time.monotonic()
        if self.job is not None and (now - self._last_write > 0.3 or done == self.state.total):
            self._last_write = now
            cache.set(progress_key(self.job.pk), self.state.__dict__, timeout=24 * 3600)

    def advance(self, step: int = 1, message: str | None = None) -> None:
        self.update(self.state.done + step, message=message)


def progress_key(job_id: int) -> str:
    return f"cchc:job:{job_id}:progress"


def job_progress(job: Job) -> ProgressState:
    if job.status == Job.Status.DONE:
        return ProgressState(done=1, total=1, message="")
    data = cache.get(progress_key(job.pk))
    return ProgressState(**data) if data else ProgressState()


def job_enqueue(kind: str, *, actor=None, params: dict | None = None) -> Job:
    if kind not in JOB_FUNCTIONS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind, params=params or {}, created_by=actor if getattr(actor, "pk", None) else None
    )
    if settings.CCHC_JOBS_EAGER:
        transaction.on_commit(lambda: job_run(Job.objects.get(pk=job.pk)))
    return job


def job_run(job: Job, bar=None) -> Job:
    """Run one claimed job to completion, recording its result or its error."""
    job.status = Job.Status.RUNNING
    job.started_at = timezone.now()
    job.save(update_fields=["status", "started_at"])
    progress = Progress(job, bar)
    try:
        # A job runs outside any request (worker, CLI) or after one in another language: the
        # texts it stores (notifications, e-mails, progress) are in the platform's language.
        with translation.override(settings.LANGUAGE_CODE):
            result = JOB_FUNCTIONS[job.kind](progress, job=job, **job.params)
    except Exception as exc:  # a job's failure is recorded and shown, never lost
        log.exception("job %s failed", job)
        job.status = Job.Status.FAILED
        job.error = str(exc) or exc.__class__.__name__
        if not getattr(exc, "code", None):
            job.error += "\n\n" + traceback.format_exc(limit=5)
    else:
        job.status = Job.Status.DONE
        job.result = result if isinstance(result, dict) else {"value": result}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "result", "error", "finished_at", "output_file"])
    return job


def job_run_foreground(kind: str, *, actor=None, params: dict | None = None, stream=None) -> Job:
    """Run a job now, in this process, with a progress bar on the terminal (CLI commands)."""
    import sys

    from tqdm import tqdm

    if kind not in JOB_FUNCTIONS:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind, params=params or {}, created_by=actor if getattr(actor, "pk", None) else None
    )
    with tqdm(total=0, file=stream or sys.stderr, dynamic_ncols=True, leave=False) as bar:
        return job_run(job, bar=bar)


def job_claim_next() -> Job | None:
    with transaction.atomic():
        qs = Job.objects.filter(status=Job.Status.QUEUED).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        job = qs.first()
        if job is None:
            return None
        job.status = Job.Status.RUNNING
        job.started_at = timezone.now()
        job.save(update_fields=["status", "started_at"])
        return job


def run_pending_jobs(limit: int | None = None) -> int:
    """Run queued jobs until none is left (or `limit` ran). Returns how many ran."""
    ran = 0
    while limit is None or ran < limit:
        job = job_claim_next()
        if job is None:
            break
        job_run(job)
        ran += 1
    return ran
