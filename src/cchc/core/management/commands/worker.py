import logging
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from cchc.core.jobs import job_claim_next, job_run
from cchc.core.mail import mail_outbox_flush
from cchc.core.outbox import FLUSHERS

log = logging.getLogger(__name__)


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
        self.stdout.write("worker: waiting for jobs")
        while not stopping:
            close_old_connections()
            deliver_mail()
            job = job_claim_next()
            if job is None:
                if once:
                    break
                time.sleep(poll)
                continue
            self.stdout.write(f"worker: running {job}")
            job = job_run(job)
            self.stdout.write(f"worker: {job} {job.status}")
