"""ProcedureVersion.posted_at_desk_on (niêm yết tại Bộ phận một cửa; TT 01/2018 index 6): stored,
carried over to a new version, edited in the version form, and kept through export and import."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from cchc.procedures import services, transfer
from cchc.procedures.models import Procedure
from cchc.procedures.validation import clean_version

from .factories import version_data

pytestmark = pytest.mark.django_db


def _create(superuser, ministry, **kw):
    return services.procedure_create(
        actor=superuser,
        agency=ministry["a"],
        code="1.000009",
        name="Thủ tục niêm yết",
        field="Việc làm",
        level="central",
        version=version_data(**kw),
    )


def test_posted_date_round_trips_through_json_and_excel(superuser, ministry):
    p = _create(superuser, ministry, posted_at_desk_on=date(2018, 1, 3))
    services.procedure_version_add(
        actor=superuser, procedure=p, effective_from=date(2019, 7, 1), charge=50000
    )
    assert [v.posted_at_desk_on for v in p.versions.order_by("number")] == [
        date(2018, 1, 3)
    ] * 2  # carried over
    exported = transfer.export_records(Procedure.objects.all())
    assert "posted_at_desk_on" in transfer.PROCEDURE_COLUMNS
    for records in (
        transfer.read_json(transfer.export_json(exported)),
        transfer.read_xlsx(transfer.export_xlsx(exported)),
    ):
        errors = {}
        assert clean_version(records[-1], errors)["posted_at_desk_on"] == date(2018, 1, 3) and not errors
    # a file from before the column existed still imports (the column is optional)
    old = [{k: v for k, v in r.items() if k != "posted_at_desk_on"} for r in exported]
    transfer.read_xlsx(transfer.export_xlsx(old))


def test_bad_posted_date_names_the_field(superuser, ministry):
    with pytest.raises(ValidationError) as e:
        _create(superuser, ministry, posted_at_desk_on="31/02/2018")
    assert "posted_at_desk_on" in e.value.message_dict


def test_version_form_edits_the_posted_date(client, superuser, ministry):
    p = _create(superuser, ministry)
    client.force_login(superuser)
    url = reverse("procedures:version-new", args=[p.code])
    assert 'name="posted_at_desk_on"' in client.get(url).content.decode()
    latest = p.versions.get()
    r = client.post(
        url,
        {
            "effective_from": "2020-01-01",
            "processing_time_value": "15",
            "processing_time_unit": "working_days",
            "fee": "0",
            "charge": "100000",
            "channels": ["in_person", "online", "postal"],
            "online_level": "full",
            "publication_decision": latest.publication_decision,
            "published_on": "2017-12-01",
            "posted_at_desk_on": "2020-01-02",
            "change_note": "Niêm yết lại",
        },
    )
    assert r.status_code == 302, r.content.decode()[:500]
    assert p.versions.order_by("-number").first().posted_at_desk_on == date(2020, 1, 2)
    assert "02/01/2020" in client.get(reverse("procedures:detail", args=[p.code])).content.decode()
