import os
import signal
import subprocess
import sys
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

# A worker that dies is started again after RESTART_DELAY seconds, doubled while it keeps dying
# within STABLE seconds of its start (at most MAX_DELAY): a crash loop does not spin the CPU.
RESTART_DELAY, MAX_DELAY, STABLE = 1.0, 60.0, 30.0


class Command(BaseCommand):
    help = "Serve the platform with gunicorn, with a supervised background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("CCHC_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CCHC_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        # 2 processes × 8 threads measured best on a 2-core machine (docs/portal.md, Benchmarks).
        parser.add_argument("--threads", type=int, default=int(os.environ.get("CCHC_THREADS", "8")))
        parser.add_argument("--no-worker", action="store_true", help="do not start a background worker")

    def _start_worker(self) -> subprocess.Popen:
        worker = subprocess.Popen([sys.executable, "-m", "cchc.cli", "worker"])
        self.stdout.write(f"serve: background worker started (pid {worker.pid})")
        self.stdout.flush()
        return worker

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        call_command("i18n_compile", verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        web_cmd = [
            os.path.join(bin_dir, "gunicorn"),
            "cchc.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--timeout",
            "120",
        ]
        web = subprocess.Popen(web_cmd)
        worker = None if no_worker else self._start_worker()
        started, delay = time.monotonic(), RESTART_DELAY
        self.stdout.write(self.style.SUCCESS(f"cchc is serving at http://{host}:{port}/  (Ctrl+C stops)"))
        self.stdout.flush()
        stopping = False

        def stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            # Supervise: the web server ending ends serve; a worker ending (killed, crashed) is
            # started again, and the new worker re-queues the job the dead one held (its lease ran out).
            while not stopping and web.poll() is None:
                if worker is not None and worker.poll() is not None:
                    code = worker.returncode
                    lived = time.monotonic() - started
                    delay = RESTART_DELAY if lived > STABLE else min(delay * 2, MAX_DELAY)
                    self.stderr.write(
                        f"serve: background worker (pid {worker.pid}) ended with {code}; "
                        f"starting another in {delay:.0f} s"
                    )
                    self._sleep(delay, lambda: stopping)
                    if stopping:
                        break
                    worker, started = self._start_worker(), time.monotonic()
                time.sleep(0.5)
        finally:
            for p in (web, worker):
                if p is not None and p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in (web, worker):
                if p is not None:
                    try:
                        p.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        p.kill()

    @staticmethod
    def _sleep(seconds: float, stopped) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not stopped():
            time.sleep(0.2)
