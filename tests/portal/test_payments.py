"""Online payment through the gateway interface, with the sandbox gateway: redirect, signed answer,
idempotent confirmation, failure and timeout."""

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from cchc.core.models import AuditEvent
from cchc.onestop.models import Dossier
from cchc.portal import services
from cchc.portal.models import Payment
from cchc.portal.payments import InvalidAnswer, SandboxGateway

pytestmark = pytest.mark.django_db


def _start(client, citizen, dossier):
    client.force_login(citizen)
    response = client.post(reverse("portal:payment_start", args=[dossier.pk]))
    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert url.path == reverse("portal:sandbox_pay")
    return dict(parse_qsl(url.query))


def test_pay_in_sandbox_confirms_the_dossier(client, citizen, submitted):
    order = _start(client, citizen, submitted)
    assert order["amount"] == "200000"
    page = client.get(reverse("portal:sandbox_pay"), order)
    assert page.status_code == 200 and "200.000" in page.content.decode()
    response = client.post(reverse("portal:sandbox_pay"), {**order, "result": "00"})
    assert response.status_code == 302 and response["Location"].startswith(order["return_url"])
    # The payer comes back with the same signed answer the gateway already notified: recorded once.
    back = client.get(response["Location"])
    assert back.status_code == 302 and back["Location"] == reverse(
        "portal:dossier_detail", args=[submitted.pk]
    )
    payment = Payment.objects.get(reference=order["reference"])
    assert payment.status == Payment.Status.SUCCEEDED and payment.gateway == "sandbox"
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert (
        dossier.paid_online
        and dossier.paid_amount == 200000
        and dossier.payment_reference == payment.reference
    )
    assert AuditEvent.objects.filter(action="portal.payment.answer", target_id=str(payment.pk)).count() == 1
    assert AuditEvent.objects.filter(action="onestop.dossier.payment").count() == 1
    # Nothing left to pay: a new attempt is refused with a clear message.
    again = client.post(reverse("portal:payment_start", args=[submitted.pk]), follow=True)
    assert Payment.objects.count() == 1 and "đã được thanh toán" in again.content.decode()


def test_tampered_or_unsigned_answers_are_refused(client, citizen, submitted):
    order = _start(client, citizen, submitted)
    gateway = SandboxGateway()
    answer = gateway.answer(order, "00")
    forged = {**answer, "amount": "1"}
    assert client.post(reverse("portal:payment_notify"), forged).status_code == 400
    unsigned = {k: v for k, v in answer.items() if k != "signature"}
    assert client.post(reverse("portal:payment_notify"), unsigned).status_code == 400
    other_key = SandboxGateway(secret="not-the-platform-secret").answer(order, "00")
    assert client.post(reverse("portal:payment_notify"), other_key).status_code == 400
    assert Payment.objects.get(reference=order["reference"]).status == Payment.Status.PENDING
    # The authentic notification is accepted, and a replay changes nothing.
    assert client.post(reverse("portal:payment_notify"), answer).status_code == 200
    assert client.post(reverse("portal:payment_notify"), answer).status_code == 200
    late_failure = gateway.answer(order, "51")
    client.post(reverse("portal:payment_notify"), late_failure)
    assert Payment.objects.get(reference=order["reference"]).status == Payment.Status.SUCCEEDED
    assert AuditEvent.objects.filter(action="onestop.dossier.payment").count() == 1


def test_refused_card_fails_and_the_applicant_can_pay_again(client, citizen, submitted):
    order = _start(client, citizen, submitted)
    response = client.post(reverse("portal:sandbox_pay"), {**order, "result": "51"}, follow=True)
    assert "insufficient funds" in response.content.decode()
    assert Payment.objects.get(reference=order["reference"]).status == Payment.Status.FAILED
    assert not Dossier.objects.get(pk=submitted.pk).paid_online
    second = _start(client, citizen, submitted)
    assert second["reference"] != order["reference"]


def test_unanswered_payment_times_out(client, citizen, submitted):
    order = _start(client, citizen, submitted)
    assert services.payments_expire_stale() == 0
    assert services.payments_expire_stale(now=timezone.now() + timedelta(minutes=16)) == 1
    payment = Payment.objects.get(reference=order["reference"])
    assert payment.status == Payment.Status.EXPIRED
    page = client.get(reverse("portal:sandbox_pay"), order)
    assert "đã hết hạn" in page.content.decode()
    assert (
        client.post(reverse("portal:sandbox_pay"), {**order, "result": "00"}).status_code == 200
    )  # no payment
    assert Payment.objects.get(reference=order["reference"]).status == Payment.Status.EXPIRED


def test_money_taken_after_timeout_is_recorded_not_lost(citizen, submitted):
    gateway = SandboxGateway()
    first, _url = services.payment_start(actor=citizen, dossier=submitted, site_url="http://testserver/")
    services.payments_expire_stale(now=timezone.now() + timedelta(hours=1))
    second, _url = services.payment_start(actor=citizen, dossier=submitted, site_url="http://testserver/")
    order = lambda p: {"reference": p.reference, "amount": f"{p.amount:f}"}  # noqa: E731
    services.payment_answer_record(params=gateway.answer(order(second), "00"), gateway=gateway)
    # The bank pays the expired attempt late: kept, flagged for a refund, the dossier paid once.
    late = services.payment_answer_record(params=gateway.answer(order(first), "00"), gateway=gateway)
    assert late.status == Payment.Status.FAILED and "hoàn trả" in late.failure_reason
    assert Payment.objects.filter(dossier=submitted, status=Payment.Status.SUCCEEDED).count() == 1


def test_wrong_amount_is_not_accepted(citizen, submitted):
    gateway = SandboxGateway()
    payment, _url = services.payment_start(actor=citizen, dossier=submitted, site_url="http://testserver/")
    answer = gateway.answer({"reference": payment.reference, "amount": "1000"}, "00")
    recorded = services.payment_answer_record(params=answer, gateway=gateway)
    assert recorded.status == Payment.Status.FAILED
    assert not Dossier.objects.get(pk=submitted.pk).paid_online
    with pytest.raises(InvalidAnswer):
        services.payment_answer_record(params={**answer, "reference": "TT-unknown"}, gateway=gateway)


def test_only_the_applicant_pays(client, other_citizen, submitted, staff):
    client.force_login(other_citizen)
    assert client.post(reverse("portal:payment_start", args=[submitted.pk])).status_code == 404
    client.force_login(staff["clerk"])
    assert client.post(reverse("portal:payment_start", args=[submitted.pk])).status_code == 403
    client.logout()
    assert client.post(reverse("portal:payment_start", args=[submitted.pk])).status_code == 302  # to sign in
    assert Payment.objects.count() == 0


def test_a_real_gateway_is_chosen_by_setting(settings, citizen, submitted):
    class OtherGateway(SandboxGateway):
        code = "bank-x"

        def checkout_url(self, payment, *, return_url, notify_url):
            return f"https://pay.bank-x.invalid/checkout?ref={payment.reference}"

    import sys
    import types

    module = types.ModuleType("portal_test_gateways")
    module.OtherGateway = OtherGateway
    sys.modules["portal_test_gateways"] = module
    settings.CCHC_PAYMENT_GATEWAY = "portal_test_gateways.OtherGateway"
    payment, url = services.payment_start(actor=citizen, dossier=submitted, site_url="http://testserver/")
    assert payment.gateway == "bank-x" and url.startswith("https://pay.bank-x.invalid/")
