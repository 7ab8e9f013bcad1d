import os
import signal
import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve the platform with gunicorn, with a background worker beside it."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("CCHC_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("CCHC_PORT", "8000")))
        parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "2")))
        # 2 processes × 8 threads measured best on a 2-core machine (docs/portal.md, Benchmarks).
        parser.add_argument("--threads", type=int, default=int(os.environ.get("CCHC_THREADS", "8")))
        parser.add_argument("--no-worker", action="store_true", help="do not start a background worker")

    def handle(self, *args, host, port, workers, threads, no_worker, **options):
        call_command("i18n_compile", verbosity=0)
        bin_dir = os.path.dirname(sys.executable)
        web = [
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
        procs = [subprocess.Popen(web)]
        if not no_worker:
            procs.append(subprocess.Popen([sys.executable, "-m", "cchc.cli", "worker"]))
        self.stdout.write(self.style.SUCCESS(f"cchc is serving at http://{host}:{port}/  (Ctrl+C stops)"))

        def stop(*_):
            for p in procs:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        try:
            procs[0].wait()
        finally:
            stop()
            for p in procs:
                p.wait(timeout=30)
