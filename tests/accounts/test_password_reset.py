"""Password reset by e-mailed link, password change, and the organisation's name on the sign-in
pages (issues 11 and 14)."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse

from cchc.core.mail import mail_outbox_flush
from cchc.core.models import AuditEvent, OutboundEmail

NEW_PASSWORD = "Mat-khau-moi-2026!"


@pytest.fixture(autouse=True)
def _site(settings):
    settings.CCHC_SITE_URL = "https://dichvucong.example.gov.vn/"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _ask(client, email, addr="198.51.100.30"):
    return client.post(reverse("accounts:password_reset"), {"email": email}, REMOTE_ADDR=addr)


def test_a_reset_link_is_mailed_through_the_outbox_and_sets_a_new_password(client, citizen):
    response = _ask(client, citizen.email)
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    queued = OutboundEmail.objects.get()
    assert queued.to == [citizen.email] and "Đặt lại mật khẩu" in queued.subject
    assert mail_outbox_flush().sent == 1 and len(mail.outbox) == 1
    body = mail.outbox[0].body
    assert "citizen1" in body and "Nếu Ông/Bà không yêu cầu" in body
    link = re.search(r"https://dichvucong\.example\.gov\.vn(/accounts/password/reset/\S+/)", body).group(1)

    page = client.get(link, follow=True)  # Django moves the token into the session
    assert page.status_code == 200 and page.context["validlink"]
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302 and done.url == reverse("accounts:password_reset_complete")
    citizen.refresh_from_db()
    assert citizen.check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.password.reset", target_id=str(citizen.pk)).exists()
    signed_in = client.post(reverse("accounts:login"), {"username": "citizen1", "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    client.logout()
    again = client.get(link, follow=True)  # used once: the token died with the old password hash
    assert not again.context["validlink"]
    assert "không hợp lệ" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, citizen):
    known = _ask(client, citizen.email)
    unknown = _ask(client, "nobody@example.invalid")
    assert (unknown.status_code, unknown.url) == (known.status_code, known.url)
    assert OutboundEmail.objects.count() == 1


def test_reset_requests_are_limited_per_client_address(client, citizen, settings):
    settings.CCHC_PASSWORD_RESET_PER_IP_HOUR = 2
    assert [_ask(client, citizen.email).status_code for _ in range(2)] == [302, 302]
    refused = _ask(client, citizen.email)
    assert refused.status_code == 429 and "Quá nhiều" in refused.content.decode()
    assert OutboundEmail.objects.count() == 2
    assert _ask(client, citizen.email, addr="198.51.100.31").status_code == 302


def test_a_signed_in_user_changes_the_password_from_the_user_menu(client, citizen):
    client.force_login(citizen)
    menu = client.get("/portal/").content.decode()
    url = reverse("accounts:password_change")
    assert f'href="{url}"' in menu
    wrong = client.post(
        url, {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert wrong.status_code == 200 and wrong.context["form"].errors["old_password"]
    done = client.post(
        url,
        {"old_password": "x-Strong-Pass-2026", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done.url == reverse("accounts:password_change_done")
    assert client.get(done.url).status_code == 200  # still signed in
    assert get_user_model().objects.get(pk=citizen.pk).check_password(NEW_PASSWORD)
    assert AuditEvent.objects.filter(action="accounts.password.change", actor_id=citizen.pk).exists()


def test_password_change_needs_sign_in(client, db):
    response = client.get(reverse("accounts:password_change"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


def test_the_sign_in_and_reset_pages_name_the_organisation(client, db, settings):
    settings.CCHC_BRAND_NAME = "Bộ Nội vụ"
    for name in ("accounts:login", "accounts:password_reset"):
        page = client.get(reverse(name)).content.decode()
        assert "Bộ Nội vụ" in page
    assert reverse("accounts:password_reset") in client.get(reverse("accounts:login")).content.decode()
