"""Benchmark: validated all-or-nothing import of households and members into the database.

    .venv/bin/python -m bench.households_import [--households 20000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_households2 .venv/bin/python -m bench.households_import ...

SQLite: a throwaway database in a temporary directory (bulk_create path). PostgreSQL: a throwaway
database `<name>_bench` created on the server of DATABASE_URL and dropped at the end (COPY path).
Synthetic data in the import layout; the full path: validation report checks, then the writes in one
transaction, then one audit event per commune. Generation is not counted.
"""

import argparse
import os
import resource
import sys
import tempfile
import time
from urllib.parse import urlsplit, urlunsplit


def throwaway_postgres(url: str):
    """Create `<name>_bench` next to the given database; returns (its URL, a function dropping it)."""
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/") + "_bench"
    admin_url = urlunsplit(parts._replace(path="/postgres"))

    def run(sql):
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(sql)

    run(f'DROP DATABASE IF EXISTS "{name}"')
    run(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path="/" + name)), lambda: run(
        f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--households", type=int, default=20_000)
    args = parser.parse_args()
    drop = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"], drop = throwaway_postgres(os.environ["DATABASE_URL"])
    else:
        os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-import-")
    os.environ["DJANGO_SETTINGS_MODULE"] = "cchc.settings"
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
    import django

    django.setup()
    try:
        run(args.households)
    finally:
        if drop:
            from django.db import connections

            connections.close_all()
            drop()


def run(n: int) -> None:
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    from cchc.households.bulk import import_households, validate
    from cchc.households.generate import generate, to_import_tables
    from cchc.households.models import Household, Member
    from cchc.org.models import AdministrativeArea, Agency

    admin = get_user_model().objects.create_superuser(username="bench", password="x-Bench-2026")
    area = AdministrativeArea.objects.create(
        code="B1", name="Bench", level="commune", valid_from=date(2020, 1, 1)
    )
    Agency.objects.create(
        code="BENCH", name="Bench commune", type="commune", area=area, path="/", valid_from=date(2020, 1, 1)
    )
    h, m = to_import_tables(generate(n, communes=[("BENCH", "rural")]))
    rows = len(h) + len(m)
    t0 = time.perf_counter()
    validate(admin, h.copy(), m.copy())
    t1 = time.perf_counter()
    import_households(actor=admin, households=h, members=m)
    t2 = time.perf_counter()
    assert Household.objects.count() == len(h) and Member.objects.count() == len(m)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"{connection.vendor}: {len(h):,} households, {len(m):,} members ({rows:,} rows)")
    print(f"  validation alone       {t1 - t0:7.2f} s")
    print(f"  validation + write     {t2 - t1:7.2f} s  ({rows / (t2 - t1):,.0f} rows/s)")
    print(
        f"  write only (estimate)  {t2 - t1 - (t1 - t0):7.2f} s  ({rows / max(t2 - t1 - (t1 - t0), 1e-9):,.0f} rows/s)"
    )
    print(f"  peak RSS {peak:.2f} GB")


if __name__ == "__main__":
    main()
