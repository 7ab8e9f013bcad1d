"""Editing the one-stop rule sets: future versions only, clear field errors, ministry-level
permission, audited services, a form that follows the model's fields."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from cchc.core.models import AuditEvent
from cchc.onestop import services
from cchc.onestop.forms import RuleSetForm
from cchc.onestop.models import RuleSet
from cchc.org.models import Role
from tests.core.test_accessibility import PageAudit

pytestmark = pytest.mark.django_db


@pytest.fixture
def reform(ministry, make_staff):
    return make_staff("reform", ministry["ministry"], [(Role.REFORM_OFFICER, ministry["ministry"], True)])


def data(**changes):
    values = {
        "code": "ND-TEST-2027",
        "name": "Bộ quy định thử nghiệm",
        "legal_basis": "Nghị định thử nghiệm",
        "effective_from": date(2027, 1, 1),
        "cutoff_hour": 16,
        "supplement_request_days": 3,
        "apology_days_before_due": 1,
        "reschedules_allowed": 1,
        "note": "",
    }
    values.update(changes)
    return values


def post_data(**changes):
    """What the browser posts: every field of the form, the new ones with the model's defaults."""
    values = {
        f.name: f.get_default() for f in RuleSet._meta.concrete_fields if f.editable and not f.primary_key
    }
    values.update(data(**changes))
    return {k: ("" if v is None else v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


def test_form_has_every_editable_field_of_the_model():
    editable = {f.name for f in RuleSet._meta.concrete_fields if f.editable and not f.primary_key}
    assert set(RuleSetForm.base_fields) == editable


def test_list_highlights_the_rule_set_in_force(client, reform, clock):
    clock.set("2026-11-25 09:00")
    client.force_login(reform)
    r = client.get("/onestop/rules/")
    page = r.content.decode()
    in_force = services.rule_set_in_force(clock.set("2026-11-25 09:00"))
    assert r.status_code == 200 and 'class="highlight" aria-current="true"' in page
    highlighted = page.split('class="highlight" aria-current="true"', 1)[1].split("</tr>", 1)[0]
    assert in_force.code in highlighted and "Sửa" not in highlighted  # in force: no edit link
    audit = PageAudit()
    audit.feed(page)
    assert audit.problems() == []


def test_create_future_rule_set_and_field_errors(client, reform, clock):
    clock.set("2026-11-25 09:00")
    client.force_login(reform)
    form = client.get("/onestop/rules/new/").content.decode()
    assert all(f'name="{name}"' in form for name in RuleSetForm.base_fields)
    audit = PageAudit()
    audit.feed(form)
    assert audit.problems() == []
    assert 'value="15"' in form  # the numbers in force are the starting point
    r = client.post("/onestop/rules/new/", post_data(effective_from="2026-11-25"))
    assert r.status_code == 200 and "Ngày có hiệu lực phải sau hôm nay (25/11/2026)" in r.content.decode()
    r = client.post("/onestop/rules/new/", post_data(effective_from="2025-07-01"))
    assert "Đã có bộ quy định khác có hiệu lực từ ngày này" in r.content.decode()
    assert not RuleSet.objects.filter(code="ND-TEST-2027").exists()
    r = client.post("/onestop/rules/new/", post_data())
    assert r.status_code == 302 and r["Location"] == "/onestop/rules/"
    rs = RuleSet.objects.get(code="ND-TEST-2027")
    assert rs.cutoff_hour == 16 and rs.effective_from == date(2027, 1, 1)
    event = AuditEvent.objects.get(action="onestop.ruleset.create")
    assert event.actor_id == reform.pk and event.after["cutoff_hour"] == 16


def test_future_rule_set_edited_and_deleted_until_it_takes_effect(client, reform, clock):
    clock.set("2026-11-25 09:00")
    rs = services.rule_set_create(actor=reform, data=data())
    client.force_login(reform)
    r = client.post(f"/onestop/rules/{rs.pk}/", post_data(cutoff_hour=14))
    assert r.status_code == 302
    rs.refresh_from_db()
    assert rs.cutoff_hour == 14
    assert AuditEvent.objects.get(action="onestop.ruleset.update").before["cutoff_hour"] == 16
    # On 1 January 2027 it is in force: never edited again, not even through the service.
    clock.set("2027-01-01 08:00")
    client.force_login(reform)  # the session expired with the clock's jump
    r = client.get(f"/onestop/rules/{rs.pk}/", follow=True)
    assert "không được sửa" in r.content.decode()
    with pytest.raises(ValidationError):
        services.rule_set_update(actor=reform, rule_set=rs, data=data(effective_from=date(2027, 2, 1)))
    with pytest.raises(ValidationError):
        services.rule_set_delete(actor=reform, rule_set=rs)
    clock.set("2026-11-26 09:00")
    client.force_login(reform)
    r = client.post(f"/onestop/rules/{rs.pk}/delete/")
    assert r.status_code == 302 and not RuleSet.objects.filter(pk=rs.pk).exists()
    assert AuditEvent.objects.filter(action="onestop.ruleset.delete", target_id=str(rs.pk)).exists()


def test_rule_set_frozen_on_a_dossier_never_changes(reform, clock, staff, ministry, procedure):
    clock.set("2026-11-25 09:00")
    rs = services.rule_set_create(actor=reform, data=data())
    from cchc.onestop.models import Dossier

    d = services.dossier_register(
        actor=staff["clerk"], agency=ministry["a"], procedure=procedure, channel=1, applicant_name="A"
    )
    Dossier.objects.filter(pk=d.pk).update(rule_set=rs)  # as if received under it (e.g. an import)
    with pytest.raises(ValidationError, match="đã được áp dụng cho hồ sơ|already fixed on dossiers"):
        services.rule_set_update(actor=reform, rule_set=rs, data=data(cutoff_hour=12))


def test_only_ministry_reform_officers_and_administrators(
    client, ministry, make_staff, staff, clock, superuser
):
    clock.set("2026-11-25 09:00")
    department_reform = make_staff("creform", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)])
    admin = make_staff("admin2", ministry["ministry"], [(Role.ADMIN, ministry["ministry"], True)])
    for user in (department_reform, staff["clerk"], staff["leader"]):
        client.force_login(user)
        assert client.get("/onestop/rules/").status_code == 403
        assert client.post("/onestop/rules/new/", post_data()).status_code == 403
        with pytest.raises(PermissionDenied):
            services.rule_set_create(actor=user, data=data())
    client.force_login(admin)
    assert client.post("/onestop/rules/new/", post_data()).status_code == 302
