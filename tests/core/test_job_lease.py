"""Leases on background jobs (issue 14): a real worker process killed with SIGKILL mid-job; its job
is reclaimed and run again, /healthz reports the dead worker meanwhile; `cchc serve` restarts it."""

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from cchc.core.jobs import jobs_health, jobs_reclaim_stale
from cchc.core.models import Job, Worker

REPO = Path(__file__).resolve().parents[2]
LEASE = 2  # seconds, for the processes started here


@pytest.fixture
def shared_db(transactional_db, tmp_path):
    """A DATABASE_URL other processes can open with the test database's schema: PostgreSQL's test
    database itself, or a file copy of SQLite's in-memory test database."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


def _env(tmp_path, database_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cchc.settings",
        "PYTHONPATH": f"{REPO / 'src'}{os.pathsep}{REPO}",
        "DATABASE_URL": database_url,
        "CCHC_DATA_DIR": str(tmp_path / "data"),
        "CCHC_JOB_MODULES": "tests.core.slow_jobs",
        "CCHC_JOB_LEASE_SECONDS": str(LEASE),
        "ALLOWED_HOSTS": "testserver,127.0.0.1,localhost",
        "CCHC_SECURE_COOKIES": "0",
        "PYTHONUNBUFFERED": "1",
    }


def _snippet(env: dict, code: str):
    """Run Python with Django set up on the shared database; returns what it printed as JSON."""
    out = subprocess.run(
        [sys.executable, "-c", "import django, json; django.setup()\n" + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


ENQUEUE = """
from cchc.core.jobs import job_enqueue
print(json.dumps(job_enqueue("tests.slow_first_attempt", params={"marker": %r}).pk))
"""
STATE = """
from django.test import Client
from cchc.core.models import Job
job = Job.objects.get(pk=%d)
health = Client().get("/healthz")
print(json.dumps({"status": job.status, "attempts": job.attempts, "error": job.error,
                  "health": health.status_code, "detail": health.json()}))
"""


def _wait(condition, seconds: float, what: str):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


def test_killed_worker_job_is_reclaimed_and_healthz_reports_the_stale_worker(shared_db, tmp_path):
    env = _env(tmp_path, shared_db)
    marker = tmp_path / "running.pid"
    job_id = _snippet(env, ENQUEUE % str(marker))
    log = open(tmp_path / "worker.log", "w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "cchc.cli", "worker", "--poll", "0.2"], env=env, stdout=log, stderr=log
    )
    try:
        _wait(marker.exists, 90, "the worker to start the job")
        assert int(marker.read_text()) == worker.pid
        os.kill(worker.pid, signal.SIGKILL)  # mid-job: no clean-up of any kind
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
        log.close()

    time.sleep(LEASE + 0.5)
    state = _snippet(env, STATE % job_id)
    assert state["status"] == "running" and state["attempts"] == 1  # nobody has looked yet
    assert state["health"] == 503 and state["detail"]["status"] == "degraded"
    assert state["detail"]["workers"]["stale"] == [f"{socket.gethostname()}:{worker.pid}"]
    assert state["detail"]["jobs"]["stale"] == [job_id]

    # The next worker reclaims the job (its lease ran out) and runs it again.
    again = subprocess.run(
        [sys.executable, "-m", "cchc.cli", "worker", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"tests.slow_first_attempt #{job_id} (attempt 2)" in again.stdout
    state = _snippet(env, STATE % job_id)
    assert (state["status"], state["attempts"], state["health"]) == ("done", 2, 200)
    assert state["detail"]["workers"] == {"alive": 0, "stale": []}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _healthz(port: int):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())
    except OSError:
        return None


def test_serve_restarts_a_killed_worker_which_finishes_the_job(shared_db, tmp_path):
    env = _env(tmp_path, shared_db)
    port = _free_port()
    log_path = tmp_path / "serve.log"
    log = open(log_path, "w")
    serve = subprocess.Popen(
        [sys.executable, "-m", "cchc.cli", "serve", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=env,
        stdout=log,
        stderr=log,
    )

    def worker_pids() -> list[int]:
        return [
            int(line.rsplit("pid ", 1)[1].rstrip(")\n"))
            for line in log_path.read_text().splitlines()
            if "background worker started (pid" in line
        ]

    try:
        _wait(lambda: (_healthz(port) or (0,))[0] == 200, 90, "the web server")
        first = _wait(worker_pids, 30, "the worker")[0]
        marker = tmp_path / "running.pid"
        job_id = _snippet(env, ENQUEUE % str(marker))
        _wait(marker.exists, 90, "the worker to start the job")
        assert int(marker.read_text()) == first
        os.kill(first, signal.SIGKILL)
        second = _wait(lambda: worker_pids()[1:], 30, "serve to start another worker")[0]
        assert second != first
        _wait(
            lambda: _snippet(env, STATE % job_id)["status"] == "done", 120, "the new worker to finish the job"
        )
        state = _snippet(env, STATE % job_id)
        assert state["attempts"] == 2 and state["health"] == 200
        assert f"background worker (pid {first}) ended with -9" in log_path.read_text()
    finally:
        serve.send_signal(signal.SIGTERM)
        try:
            serve.wait(timeout=40)
        except subprocess.TimeoutExpired:
            serve.kill()
        log.close()
    assert serve.returncode == 0


# --- the reclaim rules, in this process -----------------------------------------------------------
@pytest.mark.django_db
def test_reclaim_requeues_then_fails_and_leaves_live_and_foreground_jobs(settings):
    settings.CCHC_JOB_LEASE_SECONDS = 60
    settings.CCHC_JOB_MAX_ATTEMPTS = 2
    old = timezone.now() - timedelta(minutes=5)
    running = {"status": Job.Status.RUNNING, "started_at": old}
    dead_once = Job.objects.create(kind="k", worker="h:1", attempts=1, heartbeat_at=old, **running)
    dead_twice = Job.objects.create(kind="k", worker="h:1", attempts=2, heartbeat_at=old, **running)
    alive = Job.objects.create(kind="k", worker="h:2", attempts=1, heartbeat_at=timezone.now(), **running)
    foreground = Job.objects.create(kind="k", worker="", attempts=0, **running)  # CLI: no lease
    Worker.objects.create(name="h:1", started_at=old, heartbeat_at=old)
    Worker.objects.create(name="h:2", started_at=old, heartbeat_at=timezone.now())

    health = jobs_health()
    assert health["workers"] == {"alive": 1, "stale": ["h:1"]}
    assert sorted(health["jobs"]["stale"]) == [dead_once.pk, dead_twice.pk]

    result = jobs_reclaim_stale()
    assert (result.requeued, result.failed, result.dead_workers) == ([dead_once.pk], [dead_twice.pk], ["h:1"])
    dead_once.refresh_from_db()
    dead_twice.refresh_from_db()
    assert dead_once.status == Job.Status.QUEUED and dead_once.worker == ""
    assert dead_twice.status == Job.Status.FAILED and f"{dead_twice.pk}" in dead_twice.error
    assert "Traceback" not in dead_twice.error
    assert Job.objects.get(pk=alive.pk).status == Job.Status.RUNNING
    assert Job.objects.get(pk=foreground.pk).status == Job.Status.RUNNING
    assert jobs_health()["workers"] == {"alive": 1, "stale": []}


@pytest.mark.django_db
def test_a_job_that_lost_its_lease_does_not_overwrite_the_next_attempt():
    from cchc.core.jobs import job_claim_next, job_run, register_job

    @register_job("tests.lease_lost")
    def lost(progress, *, job):
        # meanwhile the job was reclaimed and claimed again by another worker
        Job.objects.filter(pk=job.pk).update(worker="other:9", attempts=2)
        return {"summary": "stale outcome"}

    Job.objects.create(kind="tests.lease_lost")
    job = job_claim_next(worker="me:1")
    job_run(job)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING and job.result is None and job.worker == "other:9"
