"""Benchmark of the platform kernel: audit log writes and verification, scoped lists.

    python -m bench.core_platform [--events 100000] [--staff 5000]

Runs on a throwaway database: SQLite in a temporary folder, or DATABASE_URL if set (its
database is dropped and recreated as <name>_bench_core).
"""

import argparse
import statistics
import time

from bench.support import setup_django


def p95(samples):
    return sorted(samples)[int(len(samples) * 0.95) - 1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--staff", type=int, default=5_000)
    args = parser.parse_args()
    setup_django("core")

    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.test import Client

    from cchc.core.audit import audit_record, audit_verify
    from cchc.org import services
    from cchc.org.models import Agency, AgencyType, Role, RoleAssignment
    from cchc.org.services import AGENCY_RENAMED

    User = get_user_model()
    admin = User.objects.create_superuser(username="bench", password="x")
    root = services.agency_create(
        actor=admin,
        code="000.00.00.G99",
        name="Bộ",
        type=AgencyType.MINISTRY,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )
    units = [
        services.agency_create(
            actor=admin,
            code=f"000.00.{i:02d}.G99",
            name=f"Cục {i}",
            type=AgencyType.DEPARTMENT,
            parent=root,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )
        for i in range(1, 41)
    ]

    print(f"database: {connection.vendor}")
    # One transaction per event, as services write them. (Thousands of events inside one transaction
    # would re-update the chain head row each time; bulk imports write one event per import.)
    start = time.perf_counter()
    for i in range(args.events):
        with transaction.atomic():
            audit_record(
                AGENCY_RENAMED,
                actor=admin,
                target=units[i % 40],
                agency_id=units[i % 40].pk,
                before={"name": f"old {i}"},
                after={"name": f"new {i}"},
            )
    elapsed = time.perf_counter() - start
    print(f"audit_record: {args.events:,} events in {elapsed:.1f} s = {args.events / elapsed:,.0f} events/s")

    start = time.perf_counter()
    checked, broken = audit_verify()
    elapsed = time.perf_counter() - start
    assert broken is None
    print(f"audit verify: {checked:,} events in {elapsed:.1f} s = {checked / elapsed:,.0f} events/s")

    users = [User(username=f"u{i}", full_name=f"Cán bộ {i}", unit=units[i % 40]) for i in range(args.staff)]
    User.objects.bulk_create(users, batch_size=1000)
    leader = User.objects.create(username="leader", full_name="Lãnh đạo", unit=root)
    RoleAssignment.objects.create(user=leader, role=Role.UNIT_LEADER, agency=root, include_subtree=True)
    client = Client()
    client.force_login(leader)
    for url in ["/org/people/", "/org/people/?page=50", "/org/", "/audit/?page=100", "/api/v1/org/people/"]:
        if url.startswith("/audit"):
            client.force_login(admin)
        times = []
        for _ in range(30):
            t = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert response.status_code == 200, (url, response.status_code)
        print(
            f"GET {url:<24} median {statistics.median(times):6.1f} ms  p95 {p95(times):6.1f} ms "
            f"({args.staff:,} staff, {Agency.objects.count()} units, {checked:,} audit events)"
        )


if __name__ == "__main__":
    main()
