"""Benchmark of the procedure catalogue: importing 5,000 procedures with their dossier components
(one all-or-nothing JSON import), then diacritic-insensitive catalogue search over them.

    python -m bench.procedures_catalog [--procedures 5000] [--searches 200]

Runs on a throwaway database: SQLite in a temporary folder, or DATABASE_URL if set (its
database is dropped and recreated as <name>_bench_procedures). Targets (issue 3): import < 30 s,
search p95 < 100 ms.
"""

import argparse
import json
import random
import time

from bench.support import setup_django

WORDS = [
    "Cấp",
    "giấy phép",
    "đăng ký",
    "hợp đồng",
    "lao động",
    "việc làm",
    "trợ cấp",
    "thất nghiệp",
    "bảo hiểm",
    "người có công",
    "liệt sĩ",
    "giáo dục nghề nghiệp",
    "trường cao đẳng",
    "an toàn",
    "kiểm định",
    "trẻ em",
    "cai nghiện",
    "bảo trợ xã hội",
    "nước ngoài",
    "thỏa ước",
    "gia hạn",
    "thu hồi",
    "xác nhận",
    "điều chỉnh",
]
FIELDS = [
    "Việc làm",
    "Lao động, tiền lương",
    "An toàn, vệ sinh lao động",
    "Giáo dục nghề nghiệp",
    "Người có công",
    "Bảo trợ xã hội",
    "Trẻ em",
    "Phòng, chống tệ nạn xã hội",
]


def records(n: int, agency_code: str, rng: random.Random) -> list[dict]:
    out = []
    for i in range(n):
        out.append(
            {
                "code": f"9.{i:06d}",
                "name": " ".join(rng.sample(WORDS, 5)).capitalize(),
                "field": rng.choice(FIELDS),
                "level": rng.choice(["central", "provincial", "district", "commune"]),
                "agency_code": agency_code,
                "effective_from": "2018-01-01",
                "steps": ["Nộp hồ sơ", "Thẩm định", "Trả kết quả"],
                "channels": ["in_person", "online"],
                "processing_time_value": str(rng.choice([5, 10, 15, 20])),
                "processing_time_unit": "working_days",
                "fee": "0",
                "charge": str(rng.choice([0, 50000, 100000])),
                "applicants": "Tổ chức, cá nhân",
                "result": "Giấy phép",
                "online_level": "full",
                "legal_basis": [{"number": "38/2013/QH13", "title": "Luật Việc làm"}],
                "components": [
                    {"code": f"TP{k}", "name": f"Giấy tờ số {k}", "copies": 1} for k in range(1, 5)
                ],
            }
        )
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--procedures", type=int, default=5000)
    parser.add_argument("--searches", type=int, default=200)
    args = parser.parse_args()
    setup_django("procedures")

    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries

    from cchc.org.models import Agency, AgencyType
    from cchc.procedures import selectors, transfer

    admin = get_user_model().objects.create_superuser(username="bench", password="x-Bench-2026")
    agency = Agency.objects.create(
        code="000.00.00.G99",
        name="Bộ Đo hiệu năng",
        type=AgencyType.MINISTRY,
        valid_from="2010-01-01",
        path="/",
    )
    agency.path = f"/{agency.pk}/"
    agency.save()
    rng = random.Random(2018)
    content = json.dumps(
        {"procedures": records(args.procedures, agency.code, rng)}, ensure_ascii=False
    ).encode()

    started = time.perf_counter()
    result = transfer.catalog_import_file(actor=admin, content=content, fmt="json")
    elapsed = time.perf_counter() - started
    print(f"database: {connection.vendor}")
    print(
        f"import: {result['procedures_created']:,} procedures, {result['components']:,} components "
        f"in {elapsed:.1f} s (target < 30 s)"
    )

    queries = [
        "giay phep",
        "lao dong",
        "thất nghiệp",
        "dang ky hop dong",
        "tre em",
        "kiểm định an toàn",
        "cai nghien",
        "9.0012",
        "nguoi co cong liet si",
        "gia han",
    ]
    timings = []
    for i in range(args.searches):
        q = queries[i % len(queries)]
        field = FIELDS[i % len(FIELDS)] if i % 3 == 0 else ""
        reset_queries()
        t = time.perf_counter()
        page = list(selectors.procedure_search(q, field=field)[:25])
        count = selectors.procedure_search(q, field=field).count()  # the page shows the total too
        timings.append((time.perf_counter() - t) * 1000)
        assert count >= len(page)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"search: {len(timings)} searches (first page of 25 + total count), median {timings[len(timings) // 2]:.1f} ms, "
        f"p95 {p95:.1f} ms (target < 100 ms)"
    )


if __name__ == "__main__":
    main()
