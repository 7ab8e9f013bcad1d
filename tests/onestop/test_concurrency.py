"""Concurrent receipt and concurrent edits, on PostgreSQL (real row locks between connections)."""

import threading

import pytest
from django.db import connection, connections

from cchc.core.exceptions import Conflict
from cchc.onestop import services
from cchc.onestop.models import Dossier, Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def _parallel(fn, n):
    barrier = threading.Barrier(n)
    results, errors = [], []

    def run(i):
        try:
            barrier.wait()
            results.append(fn(i))
        except Exception as exc:  # collected and asserted by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def test_codes_unique_under_concurrent_receipt(procedure, staff, ministry):
    results, errors = _parallel(
        lambda i: (
            services.dossier_register(
                actor=staff["clerk"],
                agency=ministry["a"],
                procedure=procedure,
                channel=1,
                applicant_name=f"N {i}",
            ).code
        ),
        8,
    )
    assert not errors
    assert len(set(results)) == 8
    assert sorted(int(c.rsplit("-", 1)[1]) for c in results) == list(range(1, 9))


def test_two_officers_same_version_one_wins(procedure, staff, ministry):
    d = services.dossier_register(
        actor=staff["clerk"], agency=ministry["a"], procedure=procedure, channel=1, applicant_name="N"
    )
    version = d.version
    actions = [
        lambda: services.dossier_accept(actor=staff["clerk"], dossier=d, version=version),
        lambda: services.dossier_refuse(actor=staff["clerk"], dossier=d, version=version, reasons="Trùng"),
    ]
    results, errors = _parallel(lambda i: actions[i](), 2)
    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    assert Dossier.objects.get(pk=d.pk).status in (Status.ACCEPTED, Status.REFUSED)


def test_double_submit_in_parallel_creates_one_dossier(citizen, procedure):
    from .conftest import pdf

    d = services.dossier_draft_save(
        actor=citizen, procedure=procedure, data={}, files={"TK": pdf(), "CCCD": pdf()}
    )
    results, errors = _parallel(
        lambda i: services.dossier_submit_online(actor=citizen, dossier=d, idempotency_key="dup").pk, 4
    )
    assert not errors and len(set(results)) == 1
    assert Dossier.objects.filter(idempotency_key="dup").count() == 1


def test_online_filing_in_parallel_one_dossier_per_key_and_unique_codes(citizen, procedure):
    """The portal's one-step filing: the same key sent four times at once gives one dossier (the
    losers' transactions roll back on the unique key, files and audit events included); distinct
    keys at once get distinct consecutive codes."""
    from cchc.core.models import AuditEvent

    from .conftest import pdf

    def file(key):
        return services.dossier_file_online(
            actor=citizen,
            procedure=procedure,
            data={},
            files={"TK": pdf(), "CCCD": pdf()},
            idempotency_key=key,
        )

    results, errors = _parallel(lambda i: file("same-key").pk, 4)
    assert not errors and len(set(results)) == 1
    assert Dossier.objects.count() == 1 and Dossier.objects.get().files.count() == 2
    assert AuditEvent.objects.filter(target_type="onestop.dossier").count() == 2  # draft + submit, once
    results, errors = _parallel(lambda i: file(f"key-{i}").code, 6)
    assert not errors
    assert sorted(int(c.rsplit("-", 1)[1]) for c in results) == list(range(2, 8))
