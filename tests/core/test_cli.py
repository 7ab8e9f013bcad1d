"""The `cchc` console script as operators run it: a real process on a throwaway SQLite database."""

import os
import subprocess
import sys
from pathlib import Path

CCHC = [sys.executable, "-m", "cchc.cli"]


def _run(args, data_dir, **kw):
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # always the embedded SQLite
    env.update(CCHC_DATA_DIR=str(data_dir), PYTHONPATH=str(Path(__file__).resolve().parents[2] / "src"))
    return subprocess.run(CCHC + args, env=env, capture_output=True, text=True, timeout=600, **kw)


def test_demo_loads_and_exits_then_the_audit_chain_verifies(tmp_path):
    result = _run(["demo", "--no-serve"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Demo accounts" in result.stdout and "admin" in result.stdout and "cchc-demo-2026" in result.stdout
    assert (tmp_path / "db.sqlite3").exists()

    again = _run(["demo", "--no-serve"], tmp_path)
    assert "already present" in again.stdout

    verify = _run(["audit", "verify"], tmp_path)
    assert verify.returncode == 0 and "intact" in verify.stdout

    import sqlite3

    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute("DROP TRIGGER core_auditevent_no_update")  # someone with database access
        db.execute("UPDATE core_auditevent SET target_label = 'forged' WHERE id = 7")
    broken = _run(["audit", "verify"], tmp_path)
    assert broken.returncode == 1 and "#7" in broken.stderr and "triggers are missing" in broken.stderr


def test_help_lists_the_operator_commands(tmp_path):
    result = _run(["help"], tmp_path)
    for command in ("demo", "serve", "backup", "restore", "audit", "worker", "migrate"):
        assert command in result.stdout
