"""Background jobs with visible progress, without a message broker.

A job is a row in the database. `cchc worker` (started beside the web server by `cchc serve`)
claims queued rows and runs the registered function. Progress goes to the shared cache, not the
row, so that a job running inside one long all-or-nothing transaction still shows its progress.
Command-line tools run the same functions in the foreground with a progress bar.

A worker holds a lease on the job it runs: a heartbeat thread writes the time every quarter lease
to the job and worker rows and to the cache (the cache beat still goes through while a job holds
SQLite's write lock for a long import). A job whose worker stopped beating for a lease (killed,
machine lost) is queued again by the next worker that looks (`jobs_reclaim_stale`), or failed once
it has had CCHC_JOB_MAX_ATTEMPTS; /healthz answers 503 while a worker or job is stale.

A job's `error` is shown to its user: the message of an expected error (an import's row errors, a
validation error), otherwise a plain notice — the traceback goes only to the server's log.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext

from .exceptions import Conflict, ImportRejected, InvalidTransition, JobFailed
from .models import Job, Worker

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


# Errors whose message is written for the job's user (row and field named); anything else is a defect.
USER_ERRORS = (ImportRejected, ValidationError, PermissionDenied, Conflict, InvalidTransition, JobFailed)


def user_error_message(exc: Exception, job: Job) -> str:
    """What the job's page and the API show: the message of an expected error, otherwise a notice
    without traceback or server path (those are logged)."""
    if isinstance(exc, ValidationError):
        return "\n".join(exc.messages)
    if isinstance(exc, USER_ERRORS) and str(exc):
        return str(exc)
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(
            "The job stopped because of an unexpected error (job no. %(id)s). The details were "
            "recorded for the administrator; try again later or tell the administrator this number."
        ) % {"id": job.pk}


def job_run(job: Job, bar=None) -> Job:
    """Run one claimed job to completion, recording its result or its error."""
    if job.status != Job.Status.RUNNING:
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
        if isinstance(exc, USER_ERRORS):
            log.info("job %s refused its input: %s", job, exc)
        else:
            log.exception("job %s failed", job)
        job.status = Job.Status.FAILED
        job.error = user_error_message(exc, job)
    else:
        job.status = Job.Status.DONE
        job.result = result if isinstance(result, dict) else {"value": result}
    job.finished_at = timezone.now()
    fields = {
        "status": job.status,
        "result": job.result,
        "error": job.error,
        "finished_at": job.finished_at,
        "output_file": job.output_file.name or "",
    }
    if job.worker:
        # Only while the lease is still ours: a reclaimed job belongs to its next attempt.
        kept = Job.objects.filter(pk=job.pk, worker=job.worker, attempts=job.attempts).update(**fields)
        if not kept:
            log.warning("job %s finished after its lease was lost; its outcome is dropped", job)
    else:
        Job.objects.filter(pk=job.pk).update(**fields)
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


def job_claim_next(worker: str = "") -> Job | None:
    """Claim the oldest queued job for `worker` (host:pid; empty: no lease, as in tests)."""
    with transaction.atomic():
        qs = Job.objects.filter(status=Job.Status.QUEUED).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        job = qs.first()
        if job is None:
            return None
        now = timezone.now()
        job.status, job.started_at, job.worker, job.heartbeat_at = Job.Status.RUNNING, now, worker, now
        job.attempts += 1
        job.save(update_fields=["status", "started_at", "worker", "heartbeat_at", "attempts"])
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


# --- leases and heartbeats --------------------------------------------------------------------------
def lease() -> timedelta:
    return timedelta(seconds=settings.CCHC_JOB_LEASE_SECONDS)


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _beat_key(kind: str, ident) -> str:
    return f"cchc:{kind}:{ident}:beat"


def _fresh(kind: str, ident, db_beat: datetime | None, since: datetime) -> bool:
    """Beaten within the lease, in the database or (SQLite busy with a long job) in the cache."""
    if db_beat is not None and db_beat >= since:
        return True
    cached = cache.get(_beat_key(kind, ident))
    return cached is not None and cached >= since.timestamp()


class Heartbeat(threading.Thread):
    """Beats for one worker process and the job it runs, every quarter lease, on its own connection."""

    def __init__(self, name: str):
        super().__init__(name=f"heartbeat {name}", daemon=True)
        self.worker = name
        self.job_id: int | None = None
        self._stopped = threading.Event()

    def beat(self) -> None:
        now = timezone.now()
        job_id, timeout = self.job_id, int(lease().total_seconds() * 4) + 60
        try:
            cache.set(_beat_key("worker", self.worker), now.timestamp(), timeout=timeout)
            if job_id:
                cache.set(_beat_key("job", job_id), now.timestamp(), timeout=timeout)
        except Exception:  # a cache outage: the database beat still counts
            log.warning("heartbeat: the cache did not answer", exc_info=True)
        try:
            Worker.objects.filter(name=self.worker).update(heartbeat_at=now)
            if job_id:
                Job.objects.filter(pk=job_id, worker=self.worker, status=Job.Status.RUNNING).update(
                    heartbeat_at=now
                )
        except DatabaseError:  # SQLite busy with the job's long write: the cache beat counts
            log.warning("heartbeat: the database was busy", exc_info=True)

    def run(self) -> None:
        try:
            while not self._stopped.wait(lease().total_seconds() / 4):
                self.beat()
        finally:
            connection.close()

    def stop(self) -> None:
        self._stopped.set()


def worker_register(name: str) -> Worker:
    now = timezone.now()
    worker, _created = Worker.objects.update_or_create(
        name=name, defaults={"started_at": now, "heartbeat_at": now}
    )
    cache.set(_beat_key("worker", name), now.timestamp(), timeout=int(lease().total_seconds() * 4) + 60)
    return worker


def worker_unregister(name: str) -> None:
    Worker.objects.filter(name=name).delete()
    cache.delete(_beat_key("worker", name))


@dataclass
class ReclaimResult:
    requeued: list[int]
    failed: list[int]
    dead_workers: list[str]


def jobs_reclaim_stale(now: datetime | None = None) -> ReclaimResult:
    """Queue again (or fail, after CCHC_JOB_MAX_ATTEMPTS) the jobs whose worker stopped beating for
    a lease, and forget the dead workers. Any worker may call it: rows are taken under lock."""
    now = now or timezone.now()
    since = now - lease()
    result = ReclaimResult([], [], [])
    with transaction.atomic():
        qs = (
            Job.objects.filter(status=Job.Status.RUNNING)
            .exclude(worker="")
            .filter(Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True))
        )
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        for job in qs:
            if _fresh("job", job.pk, job.heartbeat_at, since):
                continue
            if job.attempts >= settings.CCHC_JOB_MAX_ATTEMPTS:
                with translation.override(settings.LANGUAGE_CODE):
                    error = gettext(
                        "The worker running this job stopped %(n)s times before it finished; it "
                        "will not be tried again. Tell the administrator (job no. %(id)s)."
                    ) % {"n": job.attempts, "id": job.pk}
                Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.FAILED, error=error, finished_at=now, heartbeat_at=None
                )
                result.failed.append(job.pk)
            else:
                Job.objects.filter(pk=job.pk).update(
                    status=Job.Status.QUEUED, worker="", heartbeat_at=None, started_at=None
                )
                result.requeued.append(job.pk)
            log.warning(
                "job %s lost its worker %s (attempt %s): %s",
                job,
                job.worker,
                job.attempts,
                "failed" if job.pk in result.failed else "queued again",
            )
        for worker in Worker.objects.filter(heartbeat_at__lt=since):
            if not _fresh("worker", worker.name, worker.heartbeat_at, since):
                worker.delete()
                result.dead_workers.append(worker.name)
                log.warning("worker %s stopped beating; forgotten", worker.name)
    return result


def jobs_health(now: datetime | None = None) -> dict:
    """For /healthz: workers alive and stale, jobs whose worker stopped beating."""
    now = now or timezone.now()
    since = now - lease()
    alive, stale = [], []
    for worker in Worker.objects.all():
        (alive if _fresh("worker", worker.name, worker.heartbeat_at, since) else stale).append(worker.name)
    stale_jobs = [
        pk
        for pk, beat in Job.objects.filter(status=Job.Status.RUNNING)
        .exclude(worker="")
        .filter(Q(heartbeat_at__lt=since) | Q(heartbeat_at__isnull=True))
        .values_list("pk", "heartbeat_at")
        if not _fresh("job", pk, beat, since)
    ]
    return {
        "lease_seconds": settings.CCHC_JOB_LEASE_SECONDS,
        "workers": {"alive": len(alive), "stale": stale},
        "jobs": {"stale": stale_jobs, "queued": Job.objects.filter(status=Job.Status.QUEUED).count()},
    }
