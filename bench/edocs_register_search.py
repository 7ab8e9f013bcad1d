"""Register search over a large incoming register on PostgreSQL: p50/p95 of the first page of
`selectors.incoming_register(q=…)` (what the register page and the API run), and of its count.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench python -m bench.edocs_register_search --rows 1000000

Rows are written with COPY in batches (synthetic subjects from a Vietnamese administrative vocabulary,
symbols, senders, and the search words edocs/search.py would store), then VACUUM ANALYZE. Each search is
timed through the ORM (first page, then the pager's capped count), and both statements are run again
under EXPLAIN ANALYZE: its execution time leaves out Python and the network and varies less with load.
"""

import argparse
import io
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.support import setup_django  # noqa: E402

WORDS = (
    "kế hoạch báo cáo triển khai thực hiện cải cách hành chính chỉ số năm quý đề nghị góp ý dự thảo quyết định "
    "thông tư nghị định hướng dẫn kiểm tra giám sát tổng kết đánh giá phối hợp tổ chức hội nghị tập huấn "
    "cán bộ công chức viên chức lao động việc làm bảo hiểm xã hội người có công giảm nghèo trẻ em bình đẳng "
    "giới an toàn vệ sinh dịch vụ công trực tuyến một cửa liên thông văn bản điện tử chữ ký số chuyển đổi số"
).split()
SENDERS = [
    ("000.00.00.G04", "Bộ Nội vụ"),
    ("000.00.00.G09", "Bộ Tài chính"),
    ("000.00.00.G12", "Bộ Tư pháp"),
    ("000.00.00.H26", "UBND tỉnh Hà Giang"),
    ("000.00.00.H01", "UBND TP Hà Nội"),
]


def fill(rows: int, agency_id: int, register_id: int) -> None:
    from django.db import connection

    from cchc.edocs.search import search_text

    rnd = random.Random(2026)
    columns = (
        "agency_id, register_id, year, arrival_number, received_at, electronic, sender_code, sender_name, "
        "document_id, code_number, notation, kind_name, subject, promulgation_date, signer_name, "
        "signature_subject, signed_digitally, package, status, result_note, search_text"
    )
    per_year = rows // 5 + 1
    with connection.cursor() as cursor:
        raw = cursor.cursor
        for start in range(0, rows, 100_000):
            buf = io.StringIO()
            for i in range(start, min(rows, start + 100_000)):
                year = 2022 + i // per_year
                number = i % per_year + 1
                code, name = SENDERS[i % len(SENDERS)]
                subject = "Về việc " + " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(6, 14)))
                notation = f"{rnd.choice(['BNV', 'BTC', 'BTP', 'UBND'])}-{rnd.choice(['VP', 'CCHC', 'TCCB', 'KHTC'])}"
                status = "completed" if i % 10 else "registered"
                document_id = f"{code},{year}/06/01,{i}/{notation}"
                words = search_text(i % 999 + 1, notation, subject, name, code, document_id)
                buf.write(
                    f"{agency_id}\t{register_id}\t{year}\t{number}\t{year}-06-01 08:00:00+07\tt\t{code}\t{name}\t"
                    f"{document_id}\t{i % 999 + 1}\t{notation}\tCông văn\t{subject}\t"
                    f"{year}-05-30\tNguyễn Văn A\t\tt\t\t{status}\t\t{words}\n"
                )
            buf.seek(0)
            with raw.copy(f"COPY edocs_incomingdocument ({columns}) FROM STDIN") as copy:
                copy.write(buf.read())
            print(f"  {min(rows, start + 100_000):,} rows")
        cursor.execute("VACUUM ANALYZE edocs_incomingdocument")  # as autovacuum would after a load


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--reuse", action="store_true", help="search the database a previous run filled")
    parser.add_argument("--cap", type=int, help="count up to this many rows (default: the pager's CAP)")
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("this benchmark needs DATABASE_URL pointing at PostgreSQL")
    if args.reuse:
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench_edocs_search"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
        import django

        django.setup()
    else:
        setup_django("edocs_search")
    from datetime import date

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cchc.edocs import selectors
    from cchc.edocs.models import Direction, Register
    from cchc.edocs.views import CappedPaginator
    from cchc.org.models import Agency

    if args.reuse:
        user = get_user_model().objects.get(username="bench")
        from cchc.edocs.models import IncomingDocument

        args.rows = IncomingDocument.objects.count()
    else:
        agency = Agency.objects.create(
            code="000.00.00.G99", name="Bộ Thử tải", type="ministry", valid_from=date(2020, 1, 1)
        )
        agency.path = f"/{agency.pk}/"
        agency.save()
        register = Register.objects.create(
            agency=agency, direction=Direction.INCOMING, code="VBDEN", name="Sổ đến"
        )
        user = get_user_model().objects.create_superuser("bench", None, None)
        t = time.time()
        fill(args.rows, agency.pk, register.pk)
        print(f"filled {args.rows:,} rows in {time.time() - t:.0f} s")

    rnd = random.Random(7)
    terms = [
        rnd.choice(WORDS) + " " + rnd.choice(WORDS) if i % 3 == 0 else rnd.choice(WORDS)
        for i in range(args.queries)
    ]
    # a symbol, a number/symbol, identifier codes (whole and a prefix), words typed without diacritics
    terms += ["BTP-CCHC", "125/BTP-CCHC", "000.00.00.H26", "000.00.00.H2", "chữ ký số", "cai cach hanh chinh"]
    # the searches run over every row (a superuser's scope), not a subset
    assert selectors.incoming_register(user).count() == args.rows
    if args.cap:
        CappedPaginator.CAP = args.cap
    timings = {"page": [], "count": [], "page_exec": [], "count_exec": []}
    for term in terms:
        qs = selectors.incoming_register(user, q=term)
        with CaptureQueriesContext(connection) as queries:
            t = time.perf_counter()
            list(qs[:50])
            timings["page"].append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            assert CappedPaginator(qs, 50).count >= 0  # what the register's pager counts
            timings["count"].append((time.perf_counter() - t) * 1000)
        with connection.cursor() as cursor:
            for key, query in zip(("page_exec", "count_exec"), queries.captured_queries, strict=True):
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + query["sql"])
                timings[key].append(cursor.fetchone()[0][0]["Execution Time"])
    for key, label in (
        ("page", "first page (50 rows)"),
        ("count", f"count (capped at {CappedPaginator.CAP + 1:,})"),
        ("page_exec", "first page, EXPLAIN ANALYZE execution"),
        ("count_exec", "count, EXPLAIN ANALYZE execution"),
    ):
        values = timings[key]
        q = statistics.quantiles(values, n=20)
        print(
            f"{label}: p50 {statistics.median(values):.1f} ms, p95 {q[18]:.1f} ms, max {max(values):.1f} ms"
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        print(cursor.fetchone()[0].split(",")[0])
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, {len(terms)} searches over {args.rows:,} rows"
    )


if __name__ == "__main__":
    main()
