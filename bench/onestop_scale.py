"""Benchmark of the one-stop back office at scale: an officer's work queue, a year's statistics
dashboard and lookup by dossier code, over a large set of synthetic dossiers.

    python -m bench.onestop_scale [--dossiers 1000000] [--keep]

Runs on PostgreSQL in the database cchc_bench_onestop (dropped and recreated; DATABASE_URL may point at
another server, the database name is always cchc_bench_onestop), or on SQLite in a temporary folder
with --sqlite. Dossiers are generated set-based (bulk_create in chunks of 5,000) by
cchc.onestop.synthetic, the same generator as the demo.
"""

import argparse
import os
import statistics
import tempfile
import time

DB_NAME = "cchc_bench_onestop"


def setup_django(sqlite: bool, fresh: bool = True):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    if sqlite:
        os.environ.pop("DATABASE_URL", None)
        os.environ["CCHC_DATA_DIR"] = tempfile.mkdtemp(prefix="cchc-bench-onestop-")
    else:
        base = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
        os.environ["DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + DB_NAME
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql" and fresh:
        name = settings.DATABASES["default"]["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def timed(fn, runs: int) -> list[float]:
    samples = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    return samples


def p95(samples):
    return sorted(samples)[max(0, int(len(samples) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--sqlite", action="store_true")
    parser.add_argument(
        "--measure-only",
        action="store_true",
        help="measure again on the data a previous run left in cchc_bench_onestop (PostgreSQL)",
    )
    args = parser.parse_args()
    setup_django(args.sqlite, fresh=not args.measure_only)
    if args.measure_only:
        measure()
        return
    build(args)
    measure()


def build(args):
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection

    from cchc.onestop.synthetic import Generator, generate
    from cchc.org import services as org
    from cchc.org.models import AgencyType, Role
    from cchc.procedures import services as procedures

    User = get_user_model()
    root = User.objects.create_superuser(username="bench", password="x-Strong-Pass-2026", full_name="Bench")
    ministry = org.agency_create(
        actor=root,
        code="000.00.00.G12",
        name="Bộ (bench)",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )
    agencies, units, officers = [], {}, {}
    officer_users = []
    for i in range(1, 5):
        cuc = org.agency_create(
            actor=root,
            code=f"000.00.1{i}.G12",
            name=f"Cục {i} (bench)",
            type=AgencyType.DEPARTMENT,
            parent=ministry,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )
        agencies.append(cuc)
        units[cuc.pk] = [cuc]
        for j in range(1, 4):
            div = org.agency_create(
                actor=root,
                code=f"000.{j:02d}.1{i}.G12",
                name=f"Phòng {j} – Cục {i}",
                type=AgencyType.DIVISION,
                parent=cuc,
                valid_from=date(2010, 1, 1),
                record_change=False,
            )
            units[cuc.pk].append(div)
            officers[div.pk] = []
            for k in range(5):  # 5 officers per division: 60 officers in all
                u = org.staff_create(
                    actor=root,
                    username=f"o{i}{j}{k}",
                    full_name=f"Officer {i}{j}{k}",
                    unit=div,
                    password="x-Strong-Pass-2026",
                )
                org.role_assign(
                    actor=root, user=u, role=Role.PROCESSING_OFFICER, agency=div, include_subtree=False
                )
                officers[div.pk].append(u)
                officer_users.append(u)
        leader = org.staff_create(
            actor=root,
            username=f"leader{i}",
            full_name=f"Leader {i}",
            unit=cuc,
            password="x-Strong-Pass-2026",
        )
        org.role_assign(actor=root, user=leader, role=Role.UNIT_LEADER, agency=cuc, include_subtree=True)
    procs = []
    for n in range(40):
        procs.append(
            procedures.procedure_create(
                actor=root,
                agency=agencies[n % 4],
                code=f"9.{n:06d}",
                name=f"Thủ tục {n} (bench)",
                field="Việc làm",
                level="central",
                version={
                    "effective_from": date(2018, 1, 1),
                    "steps": ["Nộp", "Xử lý"],
                    "channels": ["in_person", "online"],
                    "processing_time_value": [3, 5, 10, 15, 20][n % 5],
                    "processing_time_unit": "working_days",
                    "charge": [0, 100000, 200000][n % 3],
                    "applicants": "Công dân",
                    "result": "Giấy phép",
                    "online_level": "full",
                    "legal_basis": [{"number": "61/2018/NĐ-CP"}],
                    "components": [{"code": "TK", "name": "Tờ khai"}],
                },
            )
        )
    gen = Generator(procedures=procs, units_by_agency=units, officers_by_unit=officers, seed=1)
    t = time.perf_counter()
    last = [0.0]

    def progress(done, total):
        if time.perf_counter() - last[0] > 30:
            last[0] = time.perf_counter()
            print(f"  {done:,} / {total:,} dossiers, {time.perf_counter() - t:.0f} s", flush=True)

    made = generate(
        gen,
        count=args.dossiers,
        start=date(2018, 7, 1),
        end=date(2026, 11, 24),
        chunk=5000,
        progress=progress,
    )
    gen_s = time.perf_counter() - t
    if connection.vendor == "postgresql":
        # Real dossiers arrive in time order, so a period's rows sit together on disk; the generator
        # draws receipt dates at random, so restore that physical order once before measuring.
        with connection.cursor() as c:
            c.execute("CLUSTER onestop_dossier USING onestop_stats_period_idx")
            c.execute("VACUUM ANALYZE onestop_dossier")
    print(
        f"database: {connection.vendor}; generated {made:,} dossiers in {gen_s:.0f} s ({made / gen_s:,.0f}/s)"
    )


def measure():
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from cchc.onestop.models import Dossier

    User = get_user_model()
    root = User.objects.get(username="bench")
    officer_users = list(User.objects.filter(username__startswith="o"))
    print(f"dossiers in the database: {Dossier.objects.count():,}")

    client = Client()
    busiest = max(
        officer_users, key=lambda u: Dossier.objects.filter(assignee=u, status__in=[2, 4, 5, 6]).count()
    )
    open_n = Dossier.objects.filter(assignee=busiest, status__in=[2, 4, 5, 6]).count()
    client.force_login(busiest)
    client.get("/onestop/")  # warm up
    queue = timed(lambda: client.get("/onestop/?scope=mine"), 40)
    queue_unit = timed(lambda: client.get("/onestop/?scope=unit&overdue=1"), 40)
    client.force_login(root)
    from django.core.cache import cache

    def cold():
        cache.clear()  # the dashboard keeps its grouped figures two minutes; measure without them
        client.get("/onestop/statistics/?year=2025")

    cold()
    stats = timed(cold, 10)
    stats_warm = timed(lambda: client.get("/onestop/statistics/?year=2025"), 10)
    codes = (
        list(Dossier.objects.order_by("?").values_list("code", flat=True)[:200])
        if connection.vendor == "postgresql"
        else list(Dossier.objects.values_list("code", flat=True)[:200])
    )
    from cchc.onestop.selectors import dossier_by_code

    it = iter(codes * 2)
    lookup = timed(lambda: dossier_by_code(next(it)), 200)
    print(
        f"work queue page (officer with {open_n:,} open dossiers): p50 {statistics.median(queue):.0f} ms, "
        f"p95 {p95(queue):.0f} ms"
    )
    print(
        f"unit queue page, overdue filter: p50 {statistics.median(queue_unit):.0f} ms, p95 {p95(queue_unit):.0f} ms"
    )
    print(
        f"statistics dashboard, year 2025 (all units), cold: p50 {statistics.median(stats):.0f} ms, "
        f"max {max(stats):.0f} ms; cached: p50 {statistics.median(stats_warm):.0f} ms"
    )
    print(f"lookup by code: p50 {statistics.median(lookup):.2f} ms, p95 {p95(lookup):.2f} ms")


if __name__ == "__main__":
    main()
