"""Load test of online submissions against the real app server (gunicorn) on loopback.

    python -m bench.portal_load [--rate 100] [--seconds 20] [--workers 2] [--threads 8] [--clients 48]

Builds a throwaway database (SQLite in a temporary folder, or DATABASE_URL + "_bench_portal"),
an online procedure with two required components and one citizen account per client connection,
starts gunicorn on 127.0.0.1, then sends `rate` submissions per second for `seconds` seconds
(open loop: requests are sent on schedule, whatever the server's pace) to
POST /api/v1/portal/submissions/ — multipart e-form answers, two PDF uploads, token auth and an
Idempotency-Key. Each submission saves the draft, stores and checks both files, submits (dossier
code, audit events, history) and notifies the applicant (in-app, and e-mail queued in the outbox
that a `cchc worker` started beside the server delivers, as `cchc serve` does; its CPU counts
with the app server's, and the run waits for every e-mail to be delivered).
Reports achieved rate, latency percentiles, errors, and checks the database holds exactly one
dossier per request, and the CPU time per submission of the app server, the PostgreSQL backends
serving it and this load generator (from /proc), with the CPU-bound ceiling it implies on this
machine's cores. Bounded: at most rate × seconds requests, only to 127.0.0.1.
"""

import argparse
import atexit
import http.client
import os
import queue
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

BOUNDARY = "cchcbenchboundary"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ANSWERS = {
    "procedure": "1.999999",
    "applicant_name": "Công dân thử tải",
    "applicant_identity": "001099000000",
    "applicant_address": "Hà Nội",
    "applicant_phone": "0900000000",
    "applicant_email": "load@example.invalid",
    "summary": "Đề nghị cấp phép (thử tải)",
}


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost"
    os.environ["CCHC_SECURE_COOKIES"] = "0"
    os.environ.setdefault("SECRET_KEY", "bench-" + uuid.uuid4().hex)
    os.environ["LOG_LEVEL"] = "WARNING"
    if "DATABASE_URL" in os.environ:
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench_portal"
    os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-portal-")
    atexit.register(shutil.rmtree, os.environ["CCHC_DATA_DIR"], True)  # database, uploads, mail
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        name = settings.DATABASES["default"]["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def build_data(clients: int):
    from datetime import date

    from django.contrib.auth import get_user_model
    from rest_framework.authtoken.models import Token

    from cchc.org import services as org
    from cchc.org.models import AgencyType
    from cchc.procedures import services as procedures

    User = get_user_model()
    admin = User.objects.create_superuser(username="bench-admin", password="x-Strong-Pass-2026")
    ministry = org.agency_create(
        actor=admin,
        code="000.00.00.G99",
        name="Bộ thử tải",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )
    unit = org.agency_create(
        actor=admin,
        code="000.00.12.G99",
        name="Cục thử tải",
        type=AgencyType.DEPARTMENT,
        parent=ministry,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )
    procedures.procedure_create(
        actor=admin,
        agency=unit,
        code="1.999999",
        name="Thủ tục thử tải (tổng hợp)",
        field="Việc làm",
        level="central",
        version={
            "effective_from": date(2018, 1, 1),
            "steps": ["Nộp", "Xử lý", "Trả"],
            "channels": ["online"],
            "processing_time_value": 5,
            "processing_time_unit": "working_days",
            "fee": 100000,
            "charge": 0,
            "applicants": "Công dân",
            "result": "Giấy phép",
            "online_level": "full",
            "legal_basis": [{"number": "61/2018/NĐ-CP"}],
            "components": [{"code": "TK", "name": "Tờ khai"}, {"code": "CCCD", "name": "Bản sao CCCD"}],
        },
    )
    tokens = []
    for i in range(clients):
        user = User.objects.create_user(
            username=f"load{i}",
            password=None,
            kind=User.Kind.CITIZEN,
            full_name=f"Công dân thử tải {i}",
            email=f"load{i}@example.invalid",
            is_synthetic=True,
        )
        tokens.append(Token.objects.create(user=user).key)
    return tokens


def multipart(fields: dict, files: dict) -> bytes:
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        )
    for name, (filename, content) in files.items():
        parts.append(
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            f"Content-Type: application/pdf\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    parts.append(f"--{BOUNDARY}--\r\n".encode())
    return b"".join(parts)


def cpu_seconds(match) -> float:
    """User + system CPU time of the live processes for which match(pid, ppid, cmdline) holds."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if match(int(pid), int(fields[1]), cmdline):
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def machine_busy_seconds() -> float:
    """CPU time the whole machine spent busy (all processes, kernel and interrupts; /proc/stat)."""
    with open("/proc/stat") as f:
        user, nice, system, idle, iowait, irq, softirq, steal = map(int, f.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rate", type=float, default=100, help="submissions per second to send")
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (one per core)")
    parser.add_argument("--threads", type=int, default=8, help="threads per gunicorn worker")
    parser.add_argument(
        "--clients", type=int, default=48, help="concurrent client connections (one account each)"
    )
    args = parser.parse_args()
    total = int(args.rate * args.seconds)
    if total > 20000:
        sys.exit("refusing more than 20,000 requests; lower --rate or --seconds")

    setup_django()
    tokens = build_data(args.clients)
    from django.db import close_old_connections, connection

    from cchc.onestop.models import Dossier, Status

    vendor = connection.vendor
    db_name = connection.settings_dict["NAME"]
    connection.close()
    port = free_port()
    env = {**os.environ}
    server = subprocess.Popen(
        [
            os.path.join(os.path.dirname(sys.executable), "gunicorn"),
            "cchc.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(args.workers),
            "--threads",
            str(args.threads),
            "--timeout",
            "60",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    # The background worker delivers the notification e-mail from the outbox, as beside `cchc serve`.
    worker = subprocess.Popen(
        [os.path.join(os.path.dirname(sys.executable), "cchc"), "worker"], env=env, stdout=subprocess.DEVNULL
    )
    try:
        wait_ready(port)
        body = multipart(ANSWERS, {"file_TK": ("to-khai.pdf", PDF), "file_CCCD": ("cccd.pdf", PDF)})
        schedule: queue.Queue = queue.Queue()
        latencies, errors, lock = [], [], threading.Lock()
        lags = []

        def client(token):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            while True:
                due = schedule.get()
                if due is None:
                    return
                lag = time.perf_counter() - due
                headers = {
                    "Authorization": f"Token {token}",
                    "Idempotency-Key": uuid.uuid4().hex,
                    "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                }
                start = time.perf_counter()
                for attempt in (1, 2):
                    try:
                        conn.request("POST", "/api/v1/portal/submissions/", body=body, headers=headers)
                        response = conn.getresponse()
                        payload = response.read()
                        ok = response.status == 201 or (attempt == 2 and response.status == 200)  # a replay
                        break
                    except OSError as exc:
                        # The server closed an idle keep-alive connection (gunicorn's keepalive is 2 s):
                        # reconnect and send again once, as HTTP clients do — safe with the same
                        # Idempotency-Key.
                        ok, payload = False, repr(exc).encode()
                        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                elapsed = time.perf_counter() - start
                with lock:
                    latencies.append(elapsed + lag)
                    lags.append(lag)
                    if not ok:
                        errors.append(payload[:200])

        def of_server(pid, ppid, cmd):
            return pid in (server.pid, worker.pid) or ppid == server.pid

        def of_database(pid, ppid, cmd):
            return cmd.startswith("postgres:") and f" {db_name} " in cmd

        threads = [threading.Thread(target=client, args=(t,), daemon=True) for t in tokens]
        # Every worker boots (imports the app) after the first answers: wait until the server is idle.
        server_cpu = cpu_seconds(of_server)
        while True:
            time.sleep(0.5)
            previous, server_cpu = server_cpu, cpu_seconds(of_server)
            if server_cpu - previous < 0.02:
                break
        db_cpu, client_cpu, machine_cpu = (
            cpu_seconds(of_database),
            time.process_time(),
            machine_busy_seconds(),
        )
        for t in threads:
            t.start()
        begin = time.perf_counter()
        for i in range(total):
            due = begin + i / args.rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)
            schedule.put(due)
        for _ in threads:
            schedule.put(None)
        for t in threads:
            t.join()
        wall = time.perf_counter() - begin
        # The submissions' e-mail is part of their cost: wait (at most a minute) for the worker.
        from cchc.core.models import OutboundEmail

        deadline = time.perf_counter() + 60
        while OutboundEmail.objects.filter(sent_at__isnull=True).exists() and time.perf_counter() < deadline:
            time.sleep(0.2)
        mailed = OutboundEmail.objects.filter(sent_at__isnull=False).count()
        close_old_connections()
        connection.close()
        # CPU spent per submission by the app server, the database server (its backends for this
        # database; SQLite runs inside the app server) and this load generator, read before the
        # server stops (its workers and their database connections are still alive).
        server_cpu = cpu_seconds(of_server) - server_cpu
        db_cpu = cpu_seconds(of_database) - db_cpu
        client_cpu = time.process_time() - client_cpu
        machine_cpu = machine_busy_seconds() - machine_cpu
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=30)

    close_old_connections()
    stored = Dossier.objects.filter(status=Status.SUBMITTED).count()
    lat = sorted(latencies)
    pct = lambda p: lat[min(len(lat) - 1, int(len(lat) * p))] * 1000  # noqa: E731
    print(
        f"database: {vendor}; gunicorn {args.workers} workers × {args.threads} threads; {args.clients} clients; "
        f"{os.cpu_count()} CPUs"
    )
    print(
        f"sent {total} submissions at a target of {args.rate:g}/s in {wall:.1f} s "
        f"→ achieved {total / wall:.1f} submissions/s"
    )
    print(
        f"latency (from scheduled send) ms: p50 {pct(0.50):.0f}, p95 {pct(0.95):.0f}, p99 {pct(0.99):.0f}, "
        f"max {lat[-1] * 1000:.0f}; mean client queueing {statistics.mean(lags) * 1000:.0f} ms"
    )
    print(
        f"errors: {len(errors)}; dossiers stored: {stored} (expected {total}); notification e-mails delivered "
        f"by the worker: {mailed}"
    )
    per = lambda seconds: seconds / total * 1000  # noqa: E731
    spent = per(server_cpu) + per(db_cpu) + per(client_cpu)
    print(
        f"CPU per submission ms: app server and worker {per(server_cpu):.1f}, database server {per(db_cpu):.1f}, "
        f"load generator {per(client_cpu):.1f} → total {spent:.1f}; "
        f"CPU-bound ceiling on {os.cpu_count()} cores ≈ {os.cpu_count() * 1000 / spent:.0f}/s "
        "with nothing else running"
    )
    print(
        f"whole machine busy per submission (everything on the box, kernel included): {per(machine_cpu):.1f} ms "
        f"→ {os.cpu_count() * 1000 / per(machine_cpu):.0f}/s if the box did nothing else"
    )
    for e in errors[:5]:
        print("  ", e)
    if errors or stored != total or mailed != total:
        sys.exit(1)


if __name__ == "__main__":
    main()
