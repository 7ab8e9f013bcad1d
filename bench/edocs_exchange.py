"""Exchange benchmark: N signed documents from platform A to platform B, two real `cchc serve`
processes with two databases (tests/edocs/instances.py), counting lost and duplicated documents.

    python -m bench.edocs_exchange --count 10000            # SQLite files
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench python -m bench.edocs_exchange

A's outbox is filled first (documents numbered through the register counter, each package built and
signed by the same code as `outgoing_issue`), with both servers stopped. Then B starts, A starts, and
the clock runs until B has registered every document and A has applied every "arrived" answer.
Throughput = documents / that time: sending, receiving (safe parse, signature check, registration,
the signed "arrived" answer) and applying the answers, end to end.
"""

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

FILL = """
import time
from datetime import date
from django.db import transaction
from django.utils import timezone
from cchc.edocs import exchange, services
from cchc.edocs.models import DocumentKind, OutgoingDocument, Package, Recipient, Register
from cchc.org.models import Agency
from django.contrib.auth import get_user_model
N = {count}
u = get_user_model().objects.get(username="vanthu")
m = Agency.objects.get(code="000.00.00.G04")
reg = Register.objects.get(agency=m, direction="out")
kind = DocumentKind.objects.get(code="B18")
ext = services.ExternalAgency.objects.get(code="000.00.00.G12")
identity = exchange.identity_for(m)
today = timezone.localdate()
t = time.time()
for start in range(0, N, 500):
    with transaction.atomic():
        docs = []
        for i in range(start, min(N, start + 500)):
            number = services.next_number(reg, today.year)
            docs.append(OutgoingDocument(agency=m, register=reg, kind=kind, status="issued", year=today.year,
                number=number, notation="BNV-VP", subject=f"Văn bản thử tải số {{i}}", place="Hà Nội",
                issued_on=today, issued_at=timezone.now(), signer_name="Nguyễn Văn A", signer_position="Bộ trưởng",
                document_id=services.document_identifier(m.code, today, number, "BNV-VP"), signed_digitally=True,
                drafted_by=u, issued_by=u))
        OutgoingDocument.objects.bulk_create(docs)
        rcpts = Recipient.objects.bulk_create([Recipient(document=d, org_code=ext.code, external=ext) for d in docs])
        Package.objects.bulk_create([
            Package(kind="document", key=f"document|{{ext.code}}|{{d.document_id}}", to_code=ext.code,
                    document_id=d.document_id, payload=exchange.outgoing_package(d, [r], identity),
                    next_attempt_at=timezone.now())
            for d, r in zip(docs, rcpts)])
print(f"filled {{N}} in {{time.time() - t:.1f}} s")
"""

COUNTS = """
from cchc.edocs.models import Package, Recipient
print(Package.objects.filter(kind="document", sent_at__isnull=False).count(),
      Recipient.objects.filter(status_code="01").count(),
      Package.objects.filter(kind="document", next_attempt_at__isnull=True, sent_at__isnull=True).count())
"""

CHECK_B = """
from django.db.models import Count
from cchc.edocs.models import Hop, IncomingDocument
print(IncomingDocument.objects.count(), IncomingDocument.objects.values("document_id").distinct().count(),
      Hop.objects.filter(step="duplicate").count(), Hop.objects.filter(step="refused").count())
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per platform")
    args = parser.parse_args()
    from tests.edocs.instances import Instance, new_ca

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-edocs-"))
    a = Instance("a", "000.00.00.G04", "Bộ Nội vụ (A)")
    b = Instance("b", "000.00.00.G12", "Bộ Tư pháp (B)")
    if os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/") + "_bench_edocs"
    try:
        ca_dir = new_ca(tmp)
        a.migrate()
        b.migrate(like=a)
        a.prepare(ca_dir, [b])
        b.prepare(ca_dir, [a])
        print(a.python(FILL.format(count=args.count)).strip().splitlines()[-1])
        b.start(args.workers)
        cpu_b0, sys_b0 = b.cpu_seconds(), b.cpu_seconds(system_only=True)
        t0 = time.time()
        a.start(args.workers)
        cpu_a0 = a.cpu_seconds()  # A's start-up (its worker may already be sending: a slight undercount)
        last, stalled_since = -1, time.time()
        while True:
            registered = b.get("/api/v1/edocs/incoming/?page_size=1")["count"]
            if registered >= args.count:
                break
            if registered != last:
                last, stalled_since = registered, time.time()
            elif time.time() - stalled_since > 120:
                print(f"stalled at {registered} registered")
                break
            print(f"  {time.time() - t0:6.1f} s: {registered} registered at B")
            time.sleep(1)
        elapsed = time.time() - t0
        time.sleep(3)  # the last answers are applied at A
        cpu_a, cpu_b = a.cpu_seconds() - cpu_a0, b.cpu_seconds() - cpu_b0
        sys_b = b.cpu_seconds(system_only=True) - sys_b0
        load = os.getloadavg()
        sent, arrived, given_up = map(int, a.python(COUNTS).split()[-3:])
        registered, distinct, duplicates, refused = map(int, b.python(CHECK_B).split()[-4:])
        lost = args.count - distinct
        print(
            f"documents: {args.count}; registered at B: {registered} ({distinct} distinct); lost: {lost}; "
            f"duplicated: {registered - distinct}; repeated deliveries absorbed: {duplicates}; refused: {refused}"
        )
        print(f"at A: {sent} packages delivered, {arrived} recipients with 'arrived', {given_up} given up")
        print(
            f"elapsed {elapsed:.1f} s (includes A's start-up); throughput {args.count / elapsed:.1f} documents/s"
        )
        print(
            f"CPU after start-up: A (sender) {cpu_a:.1f} s = {1000 * cpu_a / args.count:.1f} ms/document, "
            f"B (receiver) {cpu_b:.1f} s = {1000 * cpu_b / args.count:.1f} ms/document "
            f"({1000 * sys_b / args.count:.1f} ms in the kernel), "
            f"together {1000 * (cpu_a + cpu_b) / args.count:.1f} ms/document "
            f"(≈ {2 * args.count / (cpu_a + cpu_b):.0f}/s on two free cores); "
            f"load average at the end {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
        )
        print(
            f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}, "
            f"{'PostgreSQL' if os.environ.get('DATABASE_URL') else 'SQLite'}"
        )
    finally:
        a.stop()
        b.stop()


if __name__ == "__main__":
    main()
