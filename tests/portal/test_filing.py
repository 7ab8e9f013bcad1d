"""Filing online: the e-form of the procedure, one upload per component, draft and resume, submit,
double submit, bad uploads and who may file."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cchc.core.exceptions import ImportRejected
from cchc.onestop.models import Dossier, Status
from cchc.portal.eforms import eform_define

from .conftest import make_procedure, pdf

pytestmark = pytest.mark.django_db

ANSWERS = {
    "applicant_name": "Nguyễn Văn A",
    "applicant_identity": "001099001234",
    "applicant_address": "Hà Nội",
    "applicant_phone": "0912345678",
    "applicant_email": "a@example.invalid",
    "summary": "Xin cấp giấy phép",
}


def _post(client, procedure, files, *, submit, key=None, pk=None, extra=None):
    url = (
        reverse("portal:file_draft", args=[procedure.code, pk])
        if pk
        else reverse("portal:file", args=[procedure.code])
    )
    data = {
        **ANSWERS,
        **(extra or {}),
        "idempotency_key": key or uuid.uuid4().hex,
        **{f"file_{code}": f for code, f in files.items()},
    }
    data["submit" if submit else "save"] = "1"
    return client.post(url, data)


def test_form_shows_eform_fields_and_components(client, citizen, procedure, superuser):
    eform_define(
        actor=superuser,
        version=procedure.versions.get(),
        fields=[
            {"code": "nganh_nghe", "label": "Ngành nghề đề nghị cấp phép", "kind": "text"},
            {"code": "so_lao_dong", "label": "Số lao động", "kind": "number", "required": False},
        ],
    )
    client.force_login(citizen)
    html = client.get(reverse("portal:file", args=[procedure.code])).content.decode()
    for text in (
        "Ngành nghề đề nghị cấp phép",
        "Số lao động",
        "Tờ khai",
        "Bản sao CCCD",
        "Giấy tờ khác",
        'name="file_TK"',
        'name="idempotency_key"',
        "200.000",
    ):
        assert text in html
    assert 'lang="vi"' in html and "Nộp hồ sơ" in html  # Vietnamese first


def test_draft_save_resume_and_submit(client, citizen, procedure):
    client.force_login(citizen)
    response = _post(client, procedure, {"TK": pdf()}, submit=False)
    draft = Dossier.objects.get()
    assert response.status_code == 302 and draft.status == Status.DRAFT
    assert draft.applicant_name == "Nguyễn Văn A" and draft.form_data["summary"] == "Xin cấp giấy phép"
    # Resuming shows the answers and which components are already uploaded.
    html = client.get(response["Location"]).content.decode()
    assert "Nguyễn Văn A" in html and "Đã tải lên" in html
    # Submitting without the second required component keeps the draft and says what is missing.
    response = _post(client, procedure, {}, submit=True, pk=draft.pk)
    assert response.status_code == 302
    follow = client.get(response["Location"]).content.decode()
    assert "Bản sao CCCD" in follow
    assert Dossier.objects.get().status == Status.DRAFT
    response = _post(client, procedure, {"CCCD": pdf()}, submit=True, pk=draft.pk)
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("portal:dossier_detail", args=[dossier.pk])
    assert dossier.status == Status.SUBMITTED and dossier.code.startswith("000.00.01.G99-")
    assert set(dossier.files.filter(replaced=False).values_list("component_code", flat=True)) == {
        "TK",
        "CCCD",
    }
    stored = dossier.files.first().file.name
    assert re.fullmatch(r"onestop/\d{4}/\d{2}/[0-9a-f]{32}\.pdf", stored)  # safe names, a folder a month


def test_double_submit_creates_one_dossier(client, citizen, procedure):
    client.force_login(citizen)
    key = uuid.uuid4().hex
    first = _post(client, procedure, {"TK": pdf(), "CCCD": pdf()}, submit=True, key=key)
    second = _post(client, procedure, {"TK": pdf(), "CCCD": pdf()}, submit=True, key=key)
    assert Dossier.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_upload_checked_by_content_and_named_by_component(client, citizen, procedure):
    client.force_login(citizen)
    fake = SimpleUploadedFile("to-khai.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = _post(client, procedure, {"TK": fake, "CCCD": pdf()}, submit=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tờ khai" in html and "to-khai.pdf" in html
    assert Dossier.objects.count() == 0


def test_form_errors_name_the_field(client, citizen, procedure):
    client.force_login(citizen)
    response = _post(client, procedure, {}, submit=False, extra={"applicant_email": "not-an-email"})
    assert response.status_code == 200
    assert Dossier.objects.count() == 0
    assert 'id="id_applicant_email"' in response.content.decode()


def test_who_may_file(client, citizen, procedure, superuser, ministry, staff):
    url = reverse("portal:file", args=[procedure.code])
    assert client.get(url)["Location"].startswith(reverse("accounts:login"))
    client.force_login(staff["clerk"])
    assert client.get(url).status_code == 403
    offline = make_procedure(superuser, ministry["a"], code="1.000002", online_level="none")
    client.force_login(citizen)
    assert client.get(reverse("portal:file", args=[offline.code])).status_code == 404
    # The online catalogue lists only procedures that can be filed online.
    html = client.get(reverse("portal:procedures")).content.decode()
    assert procedure.code in html and offline.code not in html


def test_someone_elses_draft_is_not_found(client, citizen, other_citizen, procedure):
    client.force_login(citizen)
    _post(client, procedure, {"TK": pdf()}, submit=False)
    draft = Dossier.objects.get()
    client.force_login(other_citizen)
    assert client.get(reverse("portal:file_draft", args=[procedure.code, draft.pk])).status_code == 404
    assert client.get(reverse("portal:dossier_detail", args=[draft.pk])).status_code == 404


def test_eform_definitions_are_all_or_nothing(superuser, procedure, citizen):
    version = procedure.versions.get()
    with pytest.raises(ImportRejected) as exc:
        eform_define(
            actor=superuser,
            version=version,
            fields=[
                {"code": "ok", "label": "Được"},
                {"code": "bad code", "label": ""},
                {"code": "ok", "label": "Lặp"},
                {"code": "loai", "label": "Loại", "kind": "choice"},
            ],
        )
    problems = {(e.row, e.field) for e in exc.value.errors}
    assert problems == {(2, "code"), (2, "label"), (3, "code"), (4, "choices")}
    assert not version.eform_fields.exists()
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        eform_define(actor=citizen, version=version, fields=[{"code": "ok", "label": "Được"}])


def test_api_submission_is_idempotent(client, citizen, procedure):
    client.force_login(citizen)
    url = reverse("portal-api-submission")
    body = {**ANSWERS, "procedure": procedure.code}
    first = client.post(url, {**body, "file_TK": pdf(), "file_CCCD": pdf()}, HTTP_IDEMPOTENCY_KEY="api-1")
    assert first.status_code == 201, first.content
    again = client.post(url, {**body, "file_TK": pdf(), "file_CCCD": pdf()}, HTTP_IDEMPOTENCY_KEY="api-1")
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    missing = client.post(url, {**body, "file_TK": pdf()}, HTTP_IDEMPOTENCY_KEY="api-2")
    assert missing.status_code == 400 and "Bản sao CCCD" in missing.json()["error"]["message"]
    assert Dossier.objects.filter(status=Status.SUBMITTED).count() == 1


def test_one_api_submission_stays_lean(
    client, citizen, procedure, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    """The load target (docs/portal.md, Benchmarks) rests on this: one submission reads the
    procedure version, its components and the rule set once, writes each row once (the files in
    one insert), keeps the history, both audit events (chained in one write) and the in-app
    notification and the outbox e-mail. It was 53 queries, then 26; 15 here, session included
    (the procedure's filing data kept by the process since the first submission)."""
    from cchc.core.models import AuditEvent, OutboundEmail
    from cchc.portal.models import Notification

    client.force_login(citizen)
    url = reverse("portal-api-submission")
    body = {**ANSWERS, "procedure": procedure.code}
    client.post(url, {**body, "file_TK": pdf(), "file_CCCD": pdf()}, HTTP_IDEMPOTENCY_KEY="first-of-the-day")
    audited = AuditEvent.objects.count()
    # 15 for the submission, 2 for its notification rows, written in its transaction (outbox)
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(17):
        response = client.post(
            url, {**body, "file_TK": pdf(), "file_CCCD": pdf()}, HTTP_IDEMPOTENCY_KEY="lean-1"
        )
    assert response.status_code == 201, response.content
    dossier = Dossier.objects.get(pk=response.json()["id"])
    assert dossier.status == Status.SUBMITTED and dossier.code.endswith("-0002") and dossier.version == 2
    assert dossier.procedure_version.procedure_id == procedure.pk and dossier.rule_set_id is not None
    assert sorted(dossier.files.values_list("component_code", flat=True)) == ["CCCD", "TK"]
    assert list(dossier.events.values_list("action", "from_status", "to_status")) == [("submit", 0, 1)]
    assert AuditEvent.objects.count() == audited + 2
    assert Notification.objects.filter(user=citizen, dossier=dossier).count() == 1
    assert OutboundEmail.objects.filter(subject__contains=dossier.code, sent_at__isnull=True).count() == 1
