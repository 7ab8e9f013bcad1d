"""Concurrent issue on PostgreSQL: clerks issuing at the same moment get distinct, consecutive numbers
(the counter row lock), never a duplicate (the unique constraint would refuse it)."""

import threading

import pytest
from django.db import connection, connections

from cchc.edocs import services
from cchc.edocs.models import OutgoingDocument

from .conftest import draft

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent connections"),
]


def test_concurrent_issue_gives_consecutive_unique_numbers(edocs):
    n = 8
    docs = []
    for _ in range(n):
        doc = draft(edocs)
        services.outgoing_approve(actor=edocs["leader"], document=doc)
        docs.append(doc)
    barrier = threading.Barrier(n)
    errors = []

    def issue(doc):
        try:
            barrier.wait()
            services.outgoing_issue(actor=edocs["clerk"], document=doc)
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(d,)) for d in docs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    numbers = sorted(OutgoingDocument.objects.values_list("number", flat=True))
    assert numbers == list(range(1, n + 1))
