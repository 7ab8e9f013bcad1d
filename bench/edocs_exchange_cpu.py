"""CPU per document of the exchange, each side in process (no HTTP, no gunicorn): where it goes.

    python -m bench.edocs_exchange_cpu --count 500 [--profile]

Two platforms as in bench/edocs_exchange.py (tests/edocs/instances.py, their own databases), not
serving. A's outbox is filled with N signed packages; B receives each with `exchange.package_receive`
(safe parse, addressee, signature and chain, registration, the signed "arrived" answer); A checks each
answer and applies it as its outbox does (`status_check`, then `status_record_many` on chunks of 25, one
transaction each). CPU time (time.process_time) of each side per document, and with --profile the
functions that take it (cProfile, cumulative). Measured in CPU time so that it holds on a busy box.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

RECEIVE = """
import cProfile, io, pickle, pstats, time
from cchc.edocs import exchange
payloads = pickle.loads(open({src!r}, "rb").read())
exchange.package_receive(payloads[0])  # first use: imports, key and CA loading
prof = cProfile.Profile() if {profile} else None
answers = []
t = time.process_time()
if prof: prof.enable()
for data in payloads[1:]:
    out = exchange.package_receive(data)
    assert out.accepted, out.faults
    answers.append(out.answer)
if prof: prof.disable()
cpu = time.process_time() - t
open({dst!r}, "wb").write(pickle.dumps(answers))
print(f"B receive: {{1000 * cpu / len(answers):.2f}} ms CPU/document")
if prof:
    s = io.StringIO(); pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(45); print(s.getvalue())
"""

APPLY = """
import cProfile, inspect, io, pickle, pstats, time
from django.db import transaction
from cchc.edocs import exchange
from cchc.edocs.models import ExternalAgency
answers = pickle.loads(open({src!r}, "rb").read())
peer = ExternalAgency.objects.get()
cas = exchange.trusted_ca_pems()
prof = cProfile.Profile() if {profile} else None
t = time.process_time()
if prof: prof.enable()
kw = {{"peer": peer}} if "peer" in inspect.signature(exchange.status_check).parameters else {{}}
msgs = [exchange.status_check(a, cas=cas, **kw) for a in answers]
check = time.process_time() - t
many = getattr(exchange, "status_record_many", lambda ms: [exchange.status_record(m) for m in ms])
for start in range(0, len(msgs), 25):
    with transaction.atomic():
        assert all(many(msgs[start:start + 25]))
if prof: prof.disable()
cpu = time.process_time() - t
print(f"A answers: {{1000 * check / len(msgs):.2f}} ms CPU/document to check, "
      f"{{1000 * (cpu - check) / len(msgs):.2f}} ms to apply, {{1000 * cpu / len(msgs):.2f}} ms in all")
if prof:
    s = io.StringIO(); pstats.Stats(prof, stream=s).sort_stats("cumulative").print_stats(30); print(s.getvalue())
"""

DUMP = """
import pickle
from cchc.edocs.models import Package
open({dst!r}, "wb").write(pickle.dumps([bytes(p.payload) for p in Package.objects.order_by("id")]))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    from bench.edocs_exchange import FILL
    from tests.edocs.instances import Instance, new_ca

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    os.environ.pop("DATABASE_URL", None)
    tmp = Path(tempfile.mkdtemp(prefix="cchc-bench-edocs-cpu-"))
    a = Instance("a", "000.00.00.G04", "Bộ Nội vụ (A)")
    b = Instance("b", "000.00.00.G12", "Bộ Tư pháp (B)")
    try:
        ca_dir = new_ca(tmp)
        a.migrate()
        b.migrate(like=a)
        a.prepare(ca_dir, [b])
        b.prepare(ca_dir, [a])
        a.python(FILL.format(count=args.count + 1))
        a.python(DUMP.format(dst=str(tmp / "packages")))
        print(
            b.python(
                RECEIVE.format(src=str(tmp / "packages"), dst=str(tmp / "answers"), profile=args.profile)
            )
        )
        print(a.python(APPLY.format(src=str(tmp / "answers"), profile=args.profile)))
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        a.stop()
        b.stop()


if __name__ == "__main__":
    main()
