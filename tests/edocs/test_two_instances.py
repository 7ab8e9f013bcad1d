"""Two cchc platforms as two server processes with two databases exchange a signed document: A issues
it to B over HTTP, B's receive endpoint verifies and registers it, B's clerk assigns and completes it,
and A sees every status (arrived … completed) come back through B's outbox."""

import time

import pytest

from .instances import pair

ISSUE = """
from cchc.edocs import services
from cchc.edocs.models import DocumentKind, Register
from cchc.org.models import Agency
from django.contrib.auth import get_user_model
u = get_user_model().objects.get(username="vanthu")
m = Agency.objects.get(code="000.00.00.G04")
doc = services.outgoing_draft(actor=u, agency=m, register=Register.objects.get(agency=m, direction="out"),
    kind=DocumentKind.objects.get(code="B18"), notation="BNV-VP", subject="Về việc liên thông văn bản thử nghiệm",
    place="Hà Nội", signer_name="Nguyễn Văn A", signer_position="Bộ trưởng", recipients=["000.00.00.G12"])
services.outgoing_approve(actor=u, document=doc)
doc = services.outgoing_issue(actor=u, document=doc)
print(doc.document_id)
"""

PROCESS = """
from cchc.edocs import services
from cchc.edocs.models import IncomingDocument
from django.contrib.auth import get_user_model
u = get_user_model().objects.get(username="vanthu")
doc = IncomingDocument.objects.get()
doc = services.incoming_assign(actor=u, document=doc, unit=doc.agency, assignee=u, working_days=5)
doc = services.incoming_start(actor=u, document=doc)
services.incoming_complete(actor=u, document=doc, result="Đã xử lý")
print(doc.arrival_number)
"""


def wait_for(check, timeout=30.0):
    deadline = time.time() + timeout
    while True:
        value = check()
        if value or time.time() > deadline:
            return value
        time.sleep(0.3)


def test_signed_document_and_its_statuses_between_two_platforms(tmp_path):
    a, b = pair(tmp_path)
    try:
        document_id = a.python(ISSUE).strip().splitlines()[-1]
        assert document_id.startswith("000.00.00.G04,")
        # A's worker posts the package to B; B registers it and answers "arrived" at once
        incoming = wait_for(lambda: b.get("/api/v1/edocs/incoming/")["results"])
        assert len(incoming) == 1
        got = incoming[0]
        assert (got["document_id"], got["sender_code"], got["arrival_number"]) == (
            document_id,
            "000.00.00.G04",
            1,
        )
        assert got["signed_digitally"] and got["code"] == "01/BNV-VP"

        def statuses():
            doc = a.get("/api/v1/edocs/outgoing/")["results"][0]
            return doc

        assert wait_for(lambda: statuses()["recipients"][0]["status_code"] == "01")
        b.python(PROCESS)
        # B's outbox posts 03…06; a post that fails is retried 30 s later (at least once, never lost),
        # so the wait allows one retry, and says what B's outbox saw if even that is not enough.
        if not wait_for(lambda: statuses()["recipients"][0]["status_code"] == "06", timeout=75):
            outbox = b.python(
                "from cchc.edocs.models import Package\n"
                "for p in Package.objects.order_by('id'): print(p.kind, p.attempts, p.sent_at, p.last_error)"
            )
            pytest.fail(f"A shows {statuses()['recipients'][0]['status_code']}; B's outbox:\n{outbox}")
        codes = [s["code"] for s in statuses()["statuses"]]
        assert codes == ["01", "03", "04", "05", "06"]
        # the package again (a retry after a lost answer): still one document at B
        a.python(
            "from cchc.edocs.models import Package; from django.utils import timezone; "
            "Package.objects.filter(kind='document').update(next_attempt_at=timezone.now(), sent_at=None)"
        )
        time.sleep(3)
        assert b.get("/api/v1/edocs/incoming/")["count"] == 1
    finally:
        a.stop()
        b.stop()
