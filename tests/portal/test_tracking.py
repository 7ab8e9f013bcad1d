"""Following a dossier without an account: dossier code + a one-time code e-mailed to the applicant,
stored hashed, expiring, with limited attempts."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from cchc.core.mail import mail_outbox_flush
from cchc.core.models import AuditEvent
from cchc.portal.models import TrackingCode

pytestmark = pytest.mark.django_db


def _ask(client, code):
    mail.outbox.clear()
    response = client.post(reverse("portal:track"), {"dossier_code": code})
    assert response.status_code == 200
    mail_outbox_flush()  # what the worker does within a second
    return response


def _otp():
    return re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)


def test_code_by_email_opens_the_status(client, submitted):
    _ask(client, submitted.code)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["c1@example.invalid"]
    otp = _otp()
    row = TrackingCode.objects.get()
    assert otp not in row.code_hash and len(row.code_hash) == 64  # only a keyed hash is stored
    response = client.post(reverse("portal:track_verify"), {"dossier_code": submitted.code, "code": otp})
    assert response["Location"] == reverse("portal:tracked", args=[submitted.code])
    page = client.get(response["Location"]).content.decode()
    assert submitted.code in page and "Cấp giấy phép thử nghiệm" in page
    assert AuditEvent.objects.filter(action="portal.tracking.verify").count() == 1
    # One-time: the same code does not work twice.
    client2 = client.__class__()
    again = client2.post(reverse("portal:track_verify"), {"dossier_code": submitted.code, "code": otp})
    assert (
        again.status_code == 200
        and client2.get(reverse("portal:tracked", args=[submitted.code])).status_code == 302
    )


def test_unknown_dossier_gets_the_same_answer(client, submitted):
    known = _ask(client, submitted.code).content.decode().replace(submitted.code, "X")
    unknown = (
        _ask(client, "000.00.01.G99-991231-9999").content.decode().replace("000.00.01.G99-991231-9999", "X")
    )
    assert len(mail.outbox) == 0
    strip = lambda html: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)  # noqa: E731
    assert strip(known) == strip(unknown)


def test_wrong_codes_are_limited(client, submitted):
    _ask(client, submitted.code)
    otp = _otp()
    wrong = "000000" if otp != "000000" else "111111"
    for left in (4, 3, 2, 1):
        response = client.post(
            reverse("portal:track_verify"), {"dossier_code": submitted.code, "code": wrong}
        )
        assert f"{left}" in response.content.decode()
    client.post(reverse("portal:track_verify"), {"dossier_code": submitted.code, "code": wrong})
    # Five failures spend the code: even the right one no longer opens the dossier.
    client.post(reverse("portal:track_verify"), {"dossier_code": submitted.code, "code": otp})
    assert client.get(reverse("portal:tracked", args=[submitted.code])).status_code == 302
    assert TrackingCode.objects.get().attempts == 5


def test_codes_expire_and_sending_is_rate_limited(client, submitted):
    _ask(client, submitted.code)
    otp = _otp()
    TrackingCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    client.post(reverse("portal:track_verify"), {"dossier_code": submitted.code, "code": otp})
    assert client.get(reverse("portal:tracked", args=[submitted.code])).status_code == 302
    _ask(client, submitted.code)
    _ask(client, submitted.code)
    assert TrackingCode.objects.count() == 3
    _ask(client, submitted.code)
    assert len(mail.outbox) == 0 and TrackingCode.objects.count() == 3  # three per hour


def test_one_address_cannot_probe_codes_or_flood_mailboxes(client, submitted):
    from cchc.portal.views import TRACK_REQUESTS_PER_IP_HOUR

    for i in range(TRACK_REQUESTS_PER_IP_HOUR - 1):  # codes that match no dossier: nothing is sent
        assert (
            client.post(
                reverse("portal:track"), {"dossier_code": f"000.00.01.G99-260101-{i:04d}"}
            ).status_code
            == 200
        )
    _ask(client, submitted.code)  # the 20th request from this address still works
    assert len(mail.outbox) == 1
    mail.outbox.clear()
    response = client.post(reverse("portal:track"), {"dossier_code": submitted.code})
    mail_outbox_flush()
    assert response.status_code == 429 and "Quá nhiều yêu cầu" in response.content.decode()
    assert mail.outbox == [] and TrackingCode.objects.count() == 1
    other = client.post(reverse("portal:track"), {"dossier_code": submitted.code}, REMOTE_ADDR="203.0.113.9")
    assert other.status_code == 200  # another address is not held back


def test_signed_in_applicant_follows_by_account(client, citizen, other_citizen, submitted):
    client.force_login(citizen)
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert submitted.code in html
    client.force_login(other_citizen)
    assert submitted.code not in client.get(reverse("portal:my_dossiers")).content.decode()


def test_lists_do_not_degrade_with_more_rows(client, citizen, procedure, django_assert_max_num_queries):
    from cchc.onestop import services as onestop
    from cchc.portal.models import Notification

    for i in range(12):
        onestop.dossier_draft_save(actor=citizen, procedure=procedure, data={"applicant_address": f"Số {i}"})
    Notification.objects.bulk_create(
        [Notification(user=citizen, subject=f"Thông báo {i}", body="…") for i in range(40)]
    )
    client.force_login(citizen)
    for url in (reverse("portal:my_dossiers"), reverse("portal:notifications"), reverse("portal:procedures")):
        with django_assert_max_num_queries(12):
            assert client.get(url).status_code == 200
