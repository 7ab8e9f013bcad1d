"""Exchange settings pages: who may open and change them, the checks on an installed certificate and a
trusted CA (each refusal a Vietnamese error on the field), the 0600 key file, typed audit events, and
lists whose query count does not grow with their rows."""

import os
import stat
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.core.models import AuditEvent
from cchc.edocs import exchange, services, signing
from cchc.edocs.models import AgencyCertificate, ExternalAgency, Hop, Package, Register, TrustedCA
from cchc.org.models import Role

from .conftest import PEER

pytestmark = pytest.mark.django_db

LISTS = ["edocs:certificates", "edocs:peers", "edocs:trusted_cas", "edocs:registers"]


def pem(name, data):
    return SimpleUploadedFile(name, data, content_type="application/x-pem-file")


@pytest.fixture
def admin(edocs, make_staff):
    m = edocs["ministry"]
    return make_staff("edocs-admin", m, [(Role.ADMIN, m, True)])


def install(client, unit, cert_pem, key_pem):
    return client.post(
        reverse("edocs:certificate_new"),
        {"agency": unit.pk, "certificate": pem("c.pem", cert_pem), "private_key": pem("k.pem", key_pem)},
    )


def field_errors(response, field):
    return response.context["form"].errors.get(field, [])


# --- who may open what -----------------------------------------------------------------------------
def test_pages_refuse_those_without_the_permission(edocs, client):
    for user in (edocs["leader"], edocs["officer"]):
        client.force_login(user)
        for name in [*LISTS, "edocs:certificate_new", "edocs:register_new", "edocs:peer_new"]:
            assert client.get(reverse(name)).status_code == 403, (user, name)
        # and the registers' tabs do not offer the settings
        assert reverse("edocs:certificates") not in client.get(reverse("edocs:incoming")).content.decode()


def test_clerk_keeps_certificates_and_registers_but_not_peers_or_cas(edocs, client):
    client.force_login(edocs["clerk"])
    assert reverse("edocs:certificates") in client.get(reverse("edocs:incoming")).content.decode()
    for name in LISTS:
        page = client.get(reverse(name))
        assert page.status_code == 200, name
        body = page.content.decode()
        assert reverse("edocs:peer_new") not in body and reverse("edocs:trusted_ca_new") not in body
    assert client.get(reverse("edocs:peer_new")).status_code == 403
    assert client.get(reverse("edocs:trusted_ca_new")).status_code == 403
    peer = edocs["peer"]
    page = client.get(reverse("edocs:peer_edit", args=[peer.pk]))
    assert page.status_code == 200 and page.context["form"] is None  # read only
    assert (
        client.post(reverse("edocs:peer_edit", args=[peer.pk]), {"action": "deactivate"}).status_code == 403
    )
    assert ExternalAgency.objects.get(pk=peer.pk).active


# --- certificates ---------------------------------------------------------------------------------
def test_mismatched_key_is_refused_on_the_key_field(edocs, client, ca):
    m = edocs["ministry"]
    other = signing.issue_agency_certificate(ca, m.code, m.name)
    client.force_login(edocs["clerk"])
    r = install(client, m, edocs["own"].cert_pem, other.key_pem)
    assert r.status_code == 200
    assert field_errors(r, "private_key") == ["Khóa bí mật không khớp với chứng thư số."]
    assert AgencyCertificate.objects.filter(agency=m).count() == 1


def test_wrong_serial_number_is_refused_naming_both_codes(edocs, client, peer_pair):
    client.force_login(edocs["clerk"])
    m = edocs["ministry"]
    r = install(client, m, peer_pair.cert_pem, peer_pair.key_pem)
    [error] = field_errors(r, "certificate")
    assert PEER in error and m.code in error and "serialNumber" in error and "Chứng thư số" in error


def test_certificate_from_an_untrusted_ca_is_refused(edocs, client, ca):
    m = edocs["ministry"]
    rogue = signing.generate_ca("Rogue CA")
    pair = signing.issue_agency_certificate(rogue, m.code, m.name)
    client.force_login(edocs["clerk"])
    [error] = field_errors(install(client, m, pair.cert_pem, pair.key_pem), "certificate")
    assert "tổ chức chứng thực tin cậy" in error
    # the test CA, once deactivated, is no longer a trust anchor either
    services.trusted_ca_deactivate(actor=edocs["root"], ca=TrustedCA.objects.get())
    fresh = signing.issue_agency_certificate(ca, m.code, m.name)
    assert field_errors(install(client, m, fresh.cert_pem, fresh.key_pem), "certificate")


def test_expired_certificate_is_refused(edocs, client, ca):
    m = edocs["ministry"]
    old = signing.issue_agency_certificate(
        ca, m.code, m.name, valid_days=30, not_before=datetime.now(UTC) - timedelta(days=400)
    )
    client.force_login(edocs["clerk"])
    [error] = field_errors(install(client, m, old.cert_pem, old.key_pem), "certificate")
    assert "hiệu lực" in error


def test_garbage_files_are_refused_without_a_traceback(edocs, client):
    client.force_login(edocs["clerk"])
    m = edocs["ministry"]
    r = install(client, m, b"not a certificate", b"nor a key")
    assert r.status_code == 200 and field_errors(r, "certificate")
    r = install(
        client, m, edocs["own"].cert_pem, b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    )
    assert field_errors(r, "private_key")
    r = client.post(reverse("edocs:certificate_new"), {"agency": m.pk})
    assert field_errors(r, "certificate") and field_errors(r, "private_key")


def test_install_writes_a_0600_key_file_and_replaces_the_active_certificate(edocs, client, ca):
    m = edocs["ministry"]
    old = AgencyCertificate.objects.get(agency=m, active=True)
    pair = signing.issue_agency_certificate(ca, m.code, m.name)
    client.force_login(edocs["clerk"])
    r = install(client, m, pair.cert_pem, pair.key_pem)
    assert r.status_code == 302, r.context and r.context["form"].errors
    row = AgencyCertificate.objects.get(agency=m, active=True)
    assert row.pk != old.pk and not AgencyCertificate.objects.get(pk=old.pk).active
    path = exchange.key_dir() / row.key_file
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    assert key.public_key().public_numbers() == pair.certificate.public_key().public_numbers()
    assert "PRIVATE KEY" not in row.certificate_pem
    listing = client.get(reverse("edocs:certificates")).content.decode()
    assert "PRIVATE KEY" not in listing and row.key_file not in listing
    assert exchange.identity_for(m).certificate_pem == pair.cert_pem  # outgoing documents use it now
    event = AuditEvent.objects.get(action="edocs.cert_install", target_id=str(row.pk))
    assert event.agency_id == m.pk and "PRIVATE" not in str(event.after)


def test_pkcs12_install_and_wrong_password(edocs, client, ca):
    m = edocs["ministry"]
    pair = signing.issue_agency_certificate(ca, m.code, m.name)
    p12 = pkcs12.serialize_key_and_certificates(
        b"unit",
        serialization.load_pem_private_key(pair.key_pem, None),
        pair.certificate,
        None,
        serialization.BestAvailableEncryption(b"mat-khau"),
    )
    client.force_login(edocs["clerk"])
    url = reverse("edocs:certificate_new")
    r = client.post(url, {"agency": m.pk, "pkcs12": pem("u.p12", p12), "password": "sai"})
    assert field_errors(r, "pkcs12") == ["Tệp PKCS#12: không mở được; mật khẩu sai hoặc tệp bị hỏng."]
    r = client.post(url, {"agency": m.pk, "pkcs12": pem("u.p12", p12), "password": "mat-khau"})
    assert r.status_code == 302
    row = AgencyCertificate.objects.get(agency=m, active=True)
    assert row.certificate_pem.encode() == pair.cert_pem
    assert stat.S_IMODE(os.stat(exchange.key_dir() / row.key_file).st_mode) == 0o600


def test_clerk_of_a_department_acts_only_on_its_own_units(edocs, client, make_staff, ca):
    units = edocs["units"]
    clerk_a = make_staff("vanthu-a", units["a"], [(Role.DOCUMENT_CLERK, units["a"], True)])
    client.force_login(clerk_a)
    m = edocs["ministry"]
    # the ministry's certificate is neither listed nor deactivatable, nor can one be installed for it
    ministry_cert = AgencyCertificate.objects.get(agency=m, active=True)
    assert ministry_cert.subject not in client.get(reverse("edocs:certificates")).content.decode()
    assert client.post(reverse("edocs:certificate_deactivate", args=[ministry_cert.pk])).status_code == 404
    pair = signing.issue_agency_certificate(ca, m.code, m.name)
    assert field_errors(install(client, m, pair.cert_pem, pair.key_pem), "agency")
    own = signing.issue_agency_certificate(ca, units["a"].code, units["a"].name)
    assert install(client, units["a"], own.cert_pem, own.key_pem).status_code == 302
    assert AgencyCertificate.objects.filter(agency=m, active=True).count() == 1


def test_deactivate_and_expiry_warning(edocs, client, ca):
    m = edocs["ministry"]
    soon = signing.issue_agency_certificate(ca, m.code, m.name, valid_days=20)
    services.certificate_install(actor=edocs["root"], agency=m, cert_pem=soon.cert_pem, key_pem=soon.key_pem)
    client.force_login(edocs["clerk"])
    page = client.get(reverse("edocs:certificates")).content.decode()
    until = soon.certificate.not_valid_after_utc.astimezone().strftime("%d/%m/%Y")
    assert "badge-warn" in page and f"hết hạn ngày {until}" in page
    row = AgencyCertificate.objects.get(agency=m, active=True)
    assert client.post(reverse("edocs:certificate_deactivate", args=[row.pk])).status_code == 302
    assert not AgencyCertificate.objects.filter(agency=m, active=True).exists()
    assert AuditEvent.objects.filter(action="edocs.cert_deactivate", target_id=str(row.pk)).exists()


def test_certificate_list_query_count_does_not_grow(edocs, client, make_staff, ca):
    client.force_login(edocs["clerk"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("edocs:certificates")).status_code == 200
    for key in ("a", "b", "a1", "b1", "vu"):
        unit = edocs["units"][key]
        pair = signing.issue_agency_certificate(ca, unit.code, unit.name)
        services.certificate_install(
            actor=edocs["root"], agency=unit, cert_pem=pair.cert_pem, key_pem=pair.key_pem
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("edocs:certificates"))
    assert len(many) == len(few)
    assert page.content.decode().count("badge-ok") == 6


# --- trusted CAs ------------------------------------------------------------------------------------
def test_trusted_ca_must_be_a_ca_certificate(edocs, admin, client, peer_pair):
    client.force_login(admin)
    url = reverse("edocs:trusted_ca_new")
    r = client.post(url, {"name": "Not a CA", "certificate": pem("p.pem", peer_pair.cert_pem)})
    assert r.status_code == 200
    assert "không phải chứng thư số của tổ chức chứng thực" in field_errors(r, "certificate")[0]
    old = signing.generate_ca("Old CA", valid_days=10, not_before=datetime.now(UTC) - timedelta(days=20))
    assert field_errors(
        client.post(url, {"name": "Old", "certificate": pem("o.pem", old.cert_pem)}), "certificate"
    )
    new = signing.generate_ca("New CA")
    r = client.post(url, {"name": "CA mới", "certificate": pem("n.pem", new.cert_pem)})
    assert r.status_code == 302
    ca = TrustedCA.objects.get(name="CA mới")
    assert ca.active and AuditEvent.objects.filter(action="edocs.ca_add", target_id=str(ca.pk)).exists()
    assert client.post(reverse("edocs:trusted_ca_deactivate", args=[ca.pk])).status_code == 302
    assert not TrustedCA.objects.get(pk=ca.pk).active
    assert AuditEvent.objects.filter(action="edocs.ca_deactivate", target_id=str(ca.pk)).exists()


# --- peers --------------------------------------------------------------------------------------------
def test_peer_code_and_address_are_checked(edocs, admin, client):
    client.force_login(admin)
    url = reverse("edocs:peer_new")
    base = {
        "code": "000.00.00.H01",
        "name": "Bộ Mới",
        "endpoint_url": "https://vanban.example.gov.vn",
        "active": "on",
    }
    r = client.post(url, {**base, "code": "bad code!"})
    assert "không hợp lệ" in field_errors(r, "code")[0]
    r = client.post(url, {**base, "endpoint_url": "http://vanban.example.gov.vn"})
    assert "https://" in field_errors(r, "endpoint_url")[0]
    r = client.post(url, {**base, "endpoint_url": "ftp://x"})
    assert field_errors(r, "endpoint_url")
    r = client.post(url, {**base, "code": PEER})
    assert field_errors(r, "code") == ["Đã có cơ quan ngoài với mã định danh này: hãy sửa cơ quan đó."]
    r = client.post(url, {**base, "code": edocs["ministry"].code})
    assert field_errors(r, "code")
    r = client.post(url, {**base, "token": "bi-mat"})
    assert r.status_code == 302
    peer = ExternalAgency.objects.get(code="000.00.00.H01")
    assert peer.token == "bi-mat" and peer.endpoint_url == "https://vanban.example.gov.vn"
    event = AuditEvent.objects.get(action="edocs.peer_save", target_id=str(peer.pk))
    assert "bi-mat" not in str(event.after)
    # editing: an empty token keeps it; loopback http is allowed (tests, a local relay)
    edit = reverse("edocs:peer_edit", args=[peer.pk])
    assert "bi-mat" not in client.get(edit).content.decode()
    r = client.post(edit, {"name": "Bộ Mới (sửa)", "endpoint_url": "http://127.0.0.1:8001", "active": "on"})
    assert r.status_code == 302
    peer.refresh_from_db()
    assert (peer.name, peer.endpoint_url, peer.token) == ("Bộ Mới (sửa)", "http://127.0.0.1:8001", "bi-mat")
    client.post(edit, {"name": "Bộ Mới", "endpoint_url": "", "active": "on", "clear_token": "on"})
    peer.refresh_from_db()
    assert peer.token == "" and peer.endpoint_url == ""
    assert client.post(edit, {"action": "deactivate"}).status_code == 302
    peer.refresh_from_db()
    assert not peer.active
    assert AuditEvent.objects.filter(action="edocs.peer_deactivate", target_id=str(peer.pk)).exists()


def test_peer_list_search_activity_and_query_count(edocs, admin, client):
    client.force_login(edocs["clerk"])
    url = reverse("edocs:peers")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for i in range(8):
        services.peer_save(actor=admin, code=f"000.00.00.H{i:02d}", name=f"Cơ quan {i}")
    Package.objects.create(
        kind="document",
        key="k1",
        to_code=PEER,
        document_id="d1",
        payload=b"x",
        attempts=2,
        last_error="HTTP 503",
    )
    Package.objects.create(kind="document", key="k2", to_code=PEER, document_id="d2", payload=b"x")
    services.hop("d1", "out", "queued", PEER)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url)
    assert len(many) == len(few)
    row = next(p for p in page.context["page"] if p.code == PEER)
    assert (row.waiting, row.failing) == (2, 1) and row.last_activity == Hop.objects.get().at
    found = client.get(url, {"q": "Cơ quan 3"}).context["page"]
    assert [p.code for p in found] == ["000.00.00.H03"]
    detail = client.get(reverse("edocs:peer_edit", args=[edocs["peer"].pk])).content.decode()
    assert "HTTP 503" in detail and "d1" in detail


# --- registers -----------------------------------------------------------------------------------------
def test_register_create_and_list(edocs, client, make_staff):
    client.force_login(edocs["clerk"])
    url = reverse("edocs:register_new")
    m = edocs["ministry"]
    r = client.post(url, {"agency": m.pk, "direction": "out", "code": "VBDI", "name": "Trùng"})
    assert field_errors(r, "code")
    r = client.post(url, {"agency": m.pk, "direction": "out", "code": "QD", "name": "Sổ quyết định"})
    assert r.status_code == 302
    reg = Register.objects.get(agency=m, code="QD")
    assert AuditEvent.objects.filter(action="edocs.register_create", target_id=str(reg.pk)).exists()
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("edocs:registers"))
    for key in ("a", "b", "vu"):
        services.register_create(
            actor=edocs["root"], agency=edocs["units"][key], direction="in", code="VBDEN", name="Sổ đến"
        )
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("edocs:registers"))
    assert len(many) == len(few) and len(page.context["page"]) == 6


# --- the command calls the same services ----------------------------------------------------------------
def test_edocs_setup_uses_the_checks_of_the_pages(edocs, tmp_path, ca):
    folder = tmp_path / "ca"
    call_command("edocs_setup", "--new-ca", str(folder))
    assert stat.S_IMODE(os.stat(folder / "ca.key").st_mode) == 0o600
    unit = edocs["units"]["b"]
    call_command("edocs_setup", "--agency", unit.code, "--ca", str(folder))
    assert AgencyCertificate.objects.filter(agency=unit, active=True).exists()
    with pytest.raises(CommandError, match="https://"):
        call_command("edocs_setup", "--peer", "000.00.00.H09|Bộ X|http://example.com")
    # a certificate from a CA nobody trusts is refused here too
    rogue = signing.issue_agency_certificate(signing.generate_ca("Rogue"), unit.code, unit.name)
    (tmp_path / "c.pem").write_bytes(rogue.cert_pem)
    (tmp_path / "k.pem").write_bytes(rogue.key_pem)
    with pytest.raises(CommandError):
        call_command(
            "edocs_setup",
            "--agency",
            unit.code,
            "--cert",
            str(tmp_path / "c.pem"),
            "--key",
            str(tmp_path / "k.pem"),
        )
