"""Real cchc platforms side by side for the two-instance test and the exchange benchmark: each has its
own data folder and database (SQLite files, or `<name>_a` / `<name>_b` on the PostgreSQL server of
DATABASE_URL), its own agency and certificate from one test CA, and runs `cchc serve` (gunicorn and
the background worker that delivers the exchange outbox)."""

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Instance:
    name: str
    code: str
    org_name: str
    port: int = field(default_factory=free_port)
    data: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="cchc-edocs-")))
    process: subprocess.Popen | None = None
    token: str = ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def env(self) -> dict:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cchc.settings",
            "CCHC_DATA_DIR": str(self.data),
            "SECRET_KEY": f"two-instances-{self.name}-not-secret",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CCHC_SECURE_COOKIES": "0",
            "LOG_LEVEL": "WARNING",
        }
        if os.environ.get("DATABASE_URL", "").startswith("postgres"):
            env["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + f"_{self.name}"
        else:
            env.pop("DATABASE_URL", None)
        return env

    def cchc(self, *args: str, timeout: float = 300) -> str:
        done = subprocess.run(
            [str(BIN / "cchc"), *args], env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if done.returncode:
            raise RuntimeError(f"cchc {' '.join(args)} on {self.name} failed:\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def python(self, code: str) -> str:
        """Run `code` inside this platform (Django set up, its database) and return what it printed."""
        return self.cchc("shell", "-c", code)

    def migrate(self, like: "Instance | None" = None) -> None:
        """A fresh, migrated database; `like`: a copy of that instance's freshly migrated one (the
        machine is shared: migrating twice costs half a minute)."""
        env = self.env
        if env.get("DATABASE_URL"):
            import psycopg

            base, _, db = env["DATABASE_URL"].rpartition("/")
            template = f' TEMPLATE "{like.env["DATABASE_URL"].rpartition("/")[2]}"' if like else ""
            with psycopg.connect(base + "/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
                conn.execute(f'CREATE DATABASE "{db}"{template}')
        elif like is not None:
            shutil.copy(like.data / "db.sqlite3", self.data / "db.sqlite3")
        if like is None:
            self.cchc("migrate", "-v0")

    def prepare(self, ca_dir: Path, peers: list["Instance"]) -> None:
        args = ["edocs_setup", "--agency", self.code, "--name", self.org_name, "--ca", str(ca_dir)]
        args += ["--user", "vanthu:Van-Thu-2026-x"]
        for p in peers:
            args += ["--peer", f"{p.code}|{p.org_name}|{p.url}"]
        self.cchc(*args)

    def start(self, workers: int = 1) -> None:
        log = open(self.data / "serve.log", "ab")  # noqa: SIM115 (closed with the process)
        self.process = subprocess.Popen(
            [str(BIN / "cchc"), "serve", "--port", str(self.port), "--workers", str(workers)],
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                conn.request("GET", "/healthz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise RuntimeError(f"{self.name} did not start:\n{(self.data / 'serve.log').read_text()[-3000:]}")
        self.token = self.api_token()

    def api_token(self) -> str:
        status, body = self.request(
            "POST",
            "/api/v1/token/",
            json.dumps({"username": "vanthu", "password": "Van-Thu-2026-x"}),
            auth=False,
        )
        if status != 200:
            raise RuntimeError(f"no API token from {self.name}: {status} {body[:300]}")
        return json.loads(body)["token"]

    def request(self, method: str, path: str, body: str | None = None, *, auth: bool = True):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Token {self.token}"
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return response.status, response.read().decode()

    def get(self, path: str):
        status, body = self.request("GET", path)
        if status != 200:
            raise RuntimeError(f"GET {path} on {self.name}: {status} {body[:300]}")
        return json.loads(body)

    def cpu_seconds(self, *, system_only: bool = False) -> float:
        """User + system CPU of the processes now running in this instance's session (gunicorn master
        and workers, the background worker): what the platform itself spent, whatever else runs."""
        if self.process is None:
            return 0.0
        tick, total = os.sysconf("SC_CLK_TCK"), 0
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rpartition(")")[2].split()
            except OSError:
                continue
            if int(fields[3]) == self.process.pid:  # session id (field 6 of /proc/PID/stat)
                total += (0 if system_only else int(fields[11])) + int(fields[12])  # utime, stime
        return total / tick

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)  # our own session: gunicorn and its worker
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
        shutil.rmtree(self.data, ignore_errors=True)


def new_ca(folder: Path) -> Path:
    """A test CA written by `cchc edocs_setup --new-ca` (no database needed for that part)."""
    ca_dir = folder / "ca"
    from cchc.edocs import signing

    ca = signing.generate_ca("CCHC Test CA (two instances)")
    ca_dir.mkdir(parents=True, exist_ok=True)
    (ca_dir / "ca.pem").write_bytes(ca.cert_pem)
    (ca_dir / "ca.key").write_bytes(ca.key_pem)
    return ca_dir


def pair(tmp: Path, workers: int = 1) -> tuple[Instance, Instance]:
    a = Instance("a", "000.00.00.G04", "Bộ Nội vụ (A)")
    b = Instance("b", "000.00.00.G12", "Bộ Tư pháp (B)")
    ca_dir = new_ca(tmp)
    a.migrate()
    b.migrate(like=a)
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(2) as pool:  # subprocesses: the two set-ups overlap
        list(pool.map(lambda pr: pr[0].prepare(ca_dir, [pr[1]]), [(a, b), (b, a)]))
        list(pool.map(lambda i: i.start(workers), [a, b]))
    return a, b
