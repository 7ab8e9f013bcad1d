"""Benchmark of the martyrs search at national scale.

    python -m bench.martyrs_search [--martyrs 1200000] [--graves 1000000] [--queries 1000]
        [--db postgres://postgres@127.0.0.1:5432/cchc_martyrs_bench]

Generates the records with COPY on PostgreSQL (the database is dropped and created anew), then runs
queries with a known answer — each the record's name with one perturbation (missing diacritics, a typo,
a variant spelling) plus its year of birth and home province — through the search service, timing
each call and checking that the record is in the top 5. Figures go to docs/benchmarks.md.
"""

import argparse
import csv
import io
import os
import random
import statistics
import time


def setup(db_url: str) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ["DATABASE_URL"] = db_url
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    name = settings.DATABASES["default"]["NAME"]
    with connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    call_command("migrate", verbosity=0)


def copy_rows(cursor, table: str, columns: list[str], rows, chunk: int = 100_000, text=()) -> int:
    """COPY in CSV; an empty cell is NULL except in the `text` columns (empty strings there)."""
    force = f", FORCE_NOT_NULL ({', '.join(text)})" if text else ""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv{force})"
    n = 0
    with cursor.cursor.copy(sql) as copy:
        buf = io.StringIO()
        writer = csv.writer(buf)
        for row in rows:
            writer.writerow(row)
            n += 1
            if n % chunk == 0:
                copy.write(buf.getvalue())
                buf.seek(0)
                buf.truncate()
        copy.write(buf.getvalue())
    return n


def p(samples, q):
    return sorted(samples)[max(0, int(len(samples) * q) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--martyrs", type=int, default=1_200_000)
    parser.add_argument("--graves", type=int, default=1_000_000)
    parser.add_argument("--cemeteries", type=int, default=3_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--warmup", type=int, default=300)
    parser.add_argument("--db", default="postgres://postgres@127.0.0.1:5432/cchc_martyrs_bench")
    args = parser.parse_args()
    setup(args.db)

    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.utils import timezone

    from cchc.martyrs import generate, search
    from cchc.martyrs.text import name_key
    from cchc.org import services as org
    from cchc.org.models import AgencyType

    admin = get_user_model().objects.create_superuser(username="bench", password="x")
    agency = org.agency_create(
        actor=admin,
        code="000.00.13.G12",
        name="Cục Người có công",
        type=AgencyType.DEPARTMENT,
        valid_from=date(2010, 1, 1),
        record_change=False,
    )
    now = timezone.now().isoformat()
    t0 = time.perf_counter()
    records = list(generate.records(args.martyrs, seed=1948))
    t_gen = time.perf_counter() - t0

    t0 = time.perf_counter()
    tokens = set()
    with connection.cursor() as cursor:
        copy_rows(
            cursor,
            "martyrs_martyr",
            [
                "id",
                "created_at",
                "updated_at",
                "full_name",
                "aliases",
                "birth_year",
                "native_place",
                "native_province_code",
                "native_commune_code",
                "residence",
                "military_unit",
                "rank",
                "position",
                "death_place",
                "certificate_number",
                "next_of_kin",
                "agency_id",
                "is_synthetic",
                "death_year",
            ],
            (
                (
                    i,
                    now,
                    now,
                    r.full_name,
                    r.aliases,
                    r.birth_year,
                    r.native_place,
                    r.province_code,
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    agency.pk,
                    True,
                    r.birth_year + 22,
                )
                for i, r in enumerate(records, start=1)
            ),
            text=[
                "aliases",
                "native_commune_code",
                "residence",
                "military_unit",
                "rank",
                "position",
                "death_place",
                "certificate_number",
                "next_of_kin",
                "native_province_code",
            ],
        )

        def search_rows():
            for i, r in enumerate(records, start=1):
                names = [(r.full_name, False)] + ([(r.aliases, True)] if r.aliases else [])
                for text, alias in names:
                    key = name_key(text)
                    parts = key.split()
                    tokens.update(parts)
                    yield (i, key, parts[0], parts[-1], r.birth_year, r.province_code, alias)

        n_names = copy_rows(
            cursor,
            "martyrs_searchname",
            ["martyr_id", "name_key", "family_key", "given_key", "birth_year", "province_code", "is_alias"],
            search_rows(),
            text=["province_code"],
        )
        copy_rows(cursor, "martyrs_nametoken", ["token"], ((t,) for t in sorted(tokens)))
        rng = random.Random(5)
        copy_rows(
            cursor,
            "martyrs_cemetery",
            [
                "id",
                "created_at",
                "updated_at",
                "code",
                "name",
                "level",
                "province_code",
                "address",
                "latitude",
                "longitude",
                "manager",
                "agency_id",
                "is_synthetic",
            ],
            (
                (
                    c,
                    now,
                    now,
                    f"NT-{c:05d}",
                    f"Nghĩa trang liệt sĩ số {c}",
                    "commune",
                    rng.choice(generate.CODES),
                    "—",
                    "",
                    "",
                    "",
                    agency.pk,
                    True,
                )
                for c in range(1, args.cemeteries + 1)
            ),
            text=["manager"],
        )
        identified = int(args.graves * 0.7)  # about 300,000 graves lack information (reference §3)
        copy_rows(
            cursor,
            "martyrs_grave",
            [
                "created_at",
                "updated_at",
                "cemetery_id",
                "zone",
                "row",
                "number",
                "martyr_id",
                "headstone",
                "info",
            ],
            (
                (
                    now,
                    now,
                    1 + g % args.cemeteries,
                    "A",
                    str(g // 1000),
                    str(g),
                    g + 1 if g < identified else "",
                    "" if g < identified else "Liệt sĩ chưa biết tên",
                    "full" if g < identified else "none",
                )
                for g in range(args.graves)
            ),
            text=["headstone"],
        )
        for table in ("martyrs_martyr", "martyrs_cemetery"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
    with connection.cursor() as cursor:  # VACUUM cannot run in a transaction block: autocommit here
        cursor.execute("VACUUM ANALYZE")  # the visibility map lets the covering index answer alone
    t_load = time.perf_counter() - t0
    search.vocabulary_changed()

    rng = random.Random(2026)
    picks = rng.sample(range(len(records)), args.queries)
    timings, found = [], {k: [0, 0] for k in generate.KINDS}
    # Warm-up: other queries than the measured ones, as a running server's cache would be warm.
    for i in rng.sample(range(len(records)), args.warmup):
        search.search_text(generate.query_for(records[i], "typo", rng), limit=5)
    for n, i in enumerate(picks):
        kind = generate.KINDS[n % len(generate.KINDS)]
        q = generate.query_for(records[i], kind, rng)
        t = time.perf_counter()
        hits = search.search_text(q, limit=5)
        timings.append((time.perf_counter() - t) * 1000)
        found[kind][1] += 1
        found[kind][0] += (i + 1) in [h.martyr.pk for h in hits]
    ok = sum(v[0] for v in found.values())
    print(
        f"database: {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}"
    )
    print(
        f"records: {args.martyrs:,} martyrs ({n_names:,} search names, {len(tokens):,} syllables), "
        f"{args.graves:,} graves, {args.cemeteries:,} cemeteries"
    )
    print(f"generate {t_gen:.1f} s, COPY + VACUUM ANALYZE {t_load:.1f} s, warm-up {args.warmup} queries")
    print(
        f"search ({args.queries} queries): p50 {p(timings, 0.5):.1f} ms, p95 {p(timings, 0.95):.1f} ms, "
        f"p99 {p(timings, 0.99):.1f} ms, max {max(timings):.1f} ms, mean {statistics.mean(timings):.1f} ms"
    )
    print(f"top-5 relevance: {ok}/{args.queries} = {100 * ok / args.queries:.1f} %")
    for kind, (k, n) in found.items():
        print(f"  {kind}: {k}/{n} = {100 * k / n:.1f} %")


if __name__ == "__main__":
    main()
