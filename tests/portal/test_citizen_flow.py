"""The citizen's way through the portal on the demo data: from any list to the procedure's page, its
forms downloadable, required fields marked, absolute links in e-mails, and a clear word after each action."""

import io
import zipfile

import pytest
from django.contrib.auth import get_user_model
from django.core import checks
from django.test import override_settings

from cchc.onestop.models import Dossier, Status
from cchc.portal.notifications import EmailChannel, Message

pytestmark = pytest.mark.django_db


def test_procedure_forms_are_downloadable_word_files(client, demo_data):
    page = client.get("/procedures/tthc/9.900001/").content.decode()
    assert "/procedures/forms/" in page
    href = page.split('href="/procedures/forms/', 1)[1].split('"', 1)[0]
    response = client.get(f"/procedures/forms/{href}")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('.docx"')
    body = b"".join(response.streaming_content)
    document = zipfile.ZipFile(io.BytesIO(body)).read("word/document.xml").decode()
    assert "ĐƠN ĐỀ NGHỊ" in document and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in document


def test_lists_lead_to_the_procedure_page_and_filing_shows_forms(client, demo_data):
    listing = client.get("/portal/procedures/").content.decode()
    assert 'href="/procedures/tthc/9.900001/"' in listing
    assert 'href="/portal/file/9.900001/"' in listing  # visitors are offered filing (then sign in)

    client.force_login(get_user_model().objects.get(username="citizen"))
    page = client.get("/portal/file/9.900001/").content.decode()
    assert 'href="/procedures/tthc/9.900001/"' in page
    assert "/procedures/forms/" in page  # the application form, to fill in before uploading
    assert 'class="required-mark"' in page and "Trường có dấu * là bắt buộc." in page

    mine = client.get("/portal/dossiers/").content.decode()
    dossier = Dossier.objects.filter(applicant__username="citizen").exclude(status=Status.DRAFT).first()
    assert f'href="/procedures/tthc/{dossier.procedure.code}/"' in mine


def test_staff_are_not_offered_online_filing(client, demo_data):
    client.force_login(get_user_model().objects.get(username="clerk"))
    for url in ("/portal/procedures/", "/procedures/tthc/9.900001/"):
        assert "/portal/file/" not in client.get(url).content.decode(), url


@override_settings(CCHC_SITE_URL="https://dichvucong.example.gov.vn/")
def test_links_in_emails_are_absolute_and_in_app_links_stay_relative(demo_data):
    from cchc.core.models import OutboundEmail

    EmailChannel().send(Message(subject="S", body="B", email="a@example.invalid", url="/portal/dossiers/1/"))
    assert OutboundEmail.objects.latest("id").body.endswith(
        "\n\nhttps://dichvucong.example.gov.vn/portal/dossiers/1/"
    )


def test_deploy_check_warns_while_links_point_at_this_machine():
    from cchc.core.apps import site_url_check

    with override_settings(CCHC_SITE_URL="http://127.0.0.1:8000"):
        assert [w.id for w in site_url_check()] == ["core.W002"]
    with override_settings(CCHC_SITE_URL="https://dichvucong.example.gov.vn"):
        assert site_url_check() == []
    assert all(isinstance(w, checks.Warning) for w in site_url_check())
