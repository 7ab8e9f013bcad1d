import logging
import signal
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections

from cchc.core.files import orphan_files_clean
from cchc.core.jobs import (
    Heartbeat,
    job_claim_next,
    job_run,
    jobs_reclaim_stale,
    worker_name,
    worker_register,
    worker_unregister,
)
from cchc.core.mail import mail_outbox_flush
from cchc.core.outbox import FLUSHERS

log = logging.getLogger(__name__)

ORPHAN_CLEAN_EVERY = 3600.0  # seconds between sweeps of unreferenced upload files


def deliver_mail() -> None:
    """Send the outbox's due e-mail; a failure is logged and retried on the next turn."""
    try:
        while mail_outbox_flush().sent:  # drain a burst, a batch per connection
            pass
    except Exception:
        log.exception("the e-mail outbox could not be flushed")
    for name, flush in FLUSHERS.items():  # other outboxes (edocs packages…), registered by their apps
        try:
            while flush().sent:
                pass
        except Exception:
            log.exception("the %s outbox could not be flushed", name)


def housekeeping(last_sweep: float) -> float:
    """Reclaim jobs of dead workers; now and then remove orphan upload files. Returns the sweep time."""
    try:
        jobs_reclaim_stale()
    except Exception:
        log.exception("stale jobs could not be reclaimed")
    if time.monotonic() - last_sweep < ORPHAN_CLEAN_EVERY:
        return last_sweep
    try:
        orphan_files_clean(timedelta(hours=settings.CCHC_ORPHAN_FILE_GRACE_HOURS))
    except Exception:
        log.exception("orphan files could not be cleaned")
    return time.monotonic()


class Command(BaseCommand):
    help = "Run background jobs (imports, reports) from the database queue and send queued e-mail, until stopped."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="run what is queued now, then exit")
        parser.add_argument("--poll", type=float, default=1.0, help="seconds between looks at an empty queue")

    def handle(self, *args, once=False, poll=1.0, **options):
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        name = worker_name()
        worker_register(name)
        heartbeat = Heartbeat(name)
        heartbeat.start()
        self.stdout.write(f"worker {name}: waiting for jobs")
        last_sweep = time.monotonic() - ORPHAN_CLEAN_EVERY + 60  # first sweep a minute after start
        try:
            while not stopping:
                close_old_connections()
                last_sweep = housekeeping(last_sweep)
                deliver_mail()
                job = job_claim_next(worker=name)
                if job is None:
                    if once:
                        break
                    time.sleep(poll)
                    continue
                self.stdout.write(f"worker: running {job} (attempt {job.attempts})")
                self.stdout.flush()
                heartbeat.job_id = job.pk
                try:
                    job = job_run(job)
                finally:
                    heartbeat.job_id = None
                self.stdout.write(f"worker: {job} {job.status}")
        finally:
            heartbeat.stop()
            close_old_connections()
            worker_unregister(name)
