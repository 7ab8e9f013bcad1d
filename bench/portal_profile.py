"""Cost of one online submission in-process (no HTTP server): queries and CPU time.

    python -m bench.portal_profile [--submissions 200] [--profile]

Builds the same throwaway database as bench.portal_load (SQLite in a temporary folder, or
DATABASE_URL + "_bench_portal"), then posts `submissions` API submissions (e-form + two PDFs,
Idempotency-Key) through Django's test client, counting the queries of one submission (the
notification after commit included) and timing all of them; `--profile` prints the cProfile
functions with the largest cumulative time. Use it to see where a submission's time goes before
running the load test.
"""

import argparse
import cProfile
import pstats
import time
import uuid

from bench.portal_load import BOUNDARY, PDF, build_data, multipart, setup_django


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--submissions", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print the top cProfile entries")
    args = parser.parse_args()
    setup_django()
    token = build_data(1)[0]
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections, connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.portal_load import ANSWERS

    client = Client(HTTP_AUTHORIZATION=f"Token {token}", HTTP_HOST="127.0.0.1")
    body = multipart(ANSWERS, {"file_TK": ("to-khai.pdf", PDF), "file_CCCD": ("cccd.pdf", PDF)})

    def submit():
        response = client.post(
            "/api/v1/portal/submissions/",
            data=body,
            HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
            content_type=f"multipart/form-data; boundary={BOUNDARY}",
        )
        assert response.status_code == 201, response.content
        return response

    for _ in range(5):  # warm up: imports, caches, first rows
        submit()
    # Keep one connection for the captured request (the server closes it after each request on SQLite).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with CaptureQueriesContext(connection) as capture:
        submit()
    queries = list(capture.captured_queries)  # read now: a new connection clears the log
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    profiler = cProfile.Profile() if args.profile else None
    start_cpu, start_wall = time.process_time(), time.perf_counter()
    if profiler:
        profiler.enable()
    for _ in range(args.submissions):
        submit()
    if profiler:
        profiler.disable()
    cpu = (time.process_time() - start_cpu) / args.submissions * 1000
    wall = (time.perf_counter() - start_wall) / args.submissions * 1000
    print(f"database: {connection.vendor}; {args.submissions} submissions in-process")
    print(f"one submission: {len(queries)} queries; {cpu:.1f} ms CPU (this process), {wall:.1f} ms wall")
    if args.profile:
        for i, q in enumerate(queries, 1):
            print(f"{i:3d} {q['sql'][:150]}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


if __name__ == "__main__":
    main()
