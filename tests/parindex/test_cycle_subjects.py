"""A cycle's subjects: add, remove, block and ranking — from the CLI, the page and the API; audited."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from cchc.core.models import AuditEvent
from cchc.org.models import Agency
from cchc.parindex import services
from cchc.parindex.models import Result, Stage, Subject

A, B, VU = "000.00.01.G99", "000.00.02.G99", "000.00.03.G99"


def run(*args) -> str:
    out = io.StringIO()
    call_command("parindex", "--user", "root", "cycle", "--cycle", "DV-2018", *args, stdout=out)
    return out.getvalue()


def subjects(cycle) -> dict:
    return {s.agency.code: (s.block, s.ranked) for s in cycle.subjects.select_related("agency")}


def test_cli_lists_sets_removes_and_adds(superuser, units_cycle):
    assert run("subjects").splitlines()[1:] == [
        f"{A},Cục A,CUC,yes,",
        f"{B},Cục B,CUC,yes,",
        f"{VU},Vụ C,VU,yes,",
    ]
    run("set", VU, "--ranked", "no")
    run("remove", B)
    assert subjects(units_cycle) == {A: ("CUC", True), VU: ("VU", False)}
    run("add", B, "--block", "TC", "--not-ranked")
    assert subjects(units_cycle)[B] == ("TC", False)
    run("set", B, "--block", "CUC", "--ranked", "yes")
    assert subjects(units_cycle)[B] == ("CUC", True)
    actions = list(
        AuditEvent.objects.filter(action__startswith="parindex.subject").values_list("action", flat=True)
    )
    assert actions.count("parindex.subject.remove") == 1 and actions.count("parindex.subject.change") == 2


def test_cli_refuses_bad_block_unknown_codes_and_removing_scored_subjects(superuser, units_cycle):
    with pytest.raises(CommandError, match="CUC, TC, VU"):
        run("set", A, "--block", "XX")
    with pytest.raises(CommandError, match="not a subject"):
        run("remove", "000.99.99.G99")
    services.entry_record(
        actor=superuser,
        subject=units_cycle.subjects.get(agency__code=A),
        item_code="1.3",
        stage=Stage.SELF,
        points=4,
    )
    with pytest.raises(CommandError, match="Cục A"):
        run("remove", VU, A)  # all or nothing: VU stays too
    assert set(subjects(units_cycle)) == {A, B, VU}
    services.entry_record(
        actor=superuser,
        subject=units_cycle.subjects.get(agency__code=A),
        item_code="3.1",
        stage=Stage.SELF,
        points=4,
    )
    with pytest.raises(CommandError, match="3.*VU|VU.*3"):
        run("set", A, "--block", "VU")  # area 3 is not in block VU


def test_not_ranked_subject_is_scored_without_a_rank(superuser, units_cycle):
    run("set", B, "--ranked", "no")
    services.cycle_compute(actor=superuser, cycle=units_cycle)
    r = {x.subject.agency.code: x for x in Result.objects.select_related("subject__agency")}
    assert r[B].rank is None and r[A].rank is not None


def test_page_for_managers_only(client, superuser, units_cycle, officers):
    client.force_login(officers["a"])
    assert (
        '/parindex/cycles/DV-2018/subjects/"' not in client.get("/parindex/cycles/DV-2018/").content.decode()
    )
    assert client.get("/parindex/cycles/DV-2018/subjects/").status_code in (403, 404)
    assert client.post(f"/parindex/cycles/DV-2018/subjects/{B}/set/", {"remove": "1"}).status_code in (
        403,
        404,
    )
    assert B in subjects(units_cycle)

    client.force_login(superuser)
    assert (
        'href="/parindex/cycles/DV-2018/subjects/"'
        in client.get("/parindex/cycles/DV-2018/").content.decode()
    )
    page = client.get("/parindex/cycles/DV-2018/subjects/", HTTP_ACCEPT_LANGUAGE="vi")
    assert page.status_code == 200 and "Cục B" in page.content.decode()
    pk = units_cycle.subjects.get(agency__code=VU).pk
    client.post(f"/parindex/cycles/DV-2018/subjects/{VU}/set/", {f"s{pk}-block": "VU"})  # ranked unticked
    assert subjects(units_cycle)[VU] == ("VU", False)
    client.post(f"/parindex/cycles/DV-2018/subjects/{B}/set/", {"remove": "1"})
    assert B not in subjects(units_cycle)
    agency = Agency.objects.get(code=B)
    client.post(
        "/parindex/cycles/DV-2018/subjects/",
        {"add-agency": agency.pk, "add-block": "CUC", "add-ranked": "on"},
    )
    assert subjects(units_cycle)[B] == ("CUC", True)
    bad = client.post(
        "/parindex/cycles/DV-2018/subjects/", {"add-agency": agency.pk, "add-block": "CUC"}, follow=True
    )
    assert bad.status_code == 200 and Subject.objects.filter(agency=agency).count() == 1


def test_api_add_set_remove(superuser, units_cycle, officers):
    api = APIClient()
    api.force_authenticate(officers["a"])
    base = "/api/v1/parindex/cycles/DV-2018/do/"
    assert api.post(base + "subject-remove/", {"agency_code": B}, format="json").status_code in (403, 404)
    api.force_authenticate(superuser)
    r = api.post(base + "subject-set/", {"agency_code": B, "ranked": False}, format="json")
    assert r.status_code == 200 and r.json() == {"code": B, "name": "Cục B", "block": "CUC", "ranked": False}
    r = api.post(base + "subject-set/", {"agency_code": B, "block": "NOPE"}, format="json")
    assert r.status_code == 400 and "block" in r.json()["error"]["fields"]
    assert api.post(base + "subject-remove/", {"agency_code": B}, format="json").status_code == 204
    r = api.post(base + "subject-add/", {"agency_code": B, "block": "TC"}, format="json")
    assert r.status_code == 201 and r.json()["block"] == "TC" and r.json()["ranked"] is True
    assert AuditEvent.objects.filter(action="parindex.subject.add").count() == 4  # 3 by the fixture
    assert AuditEvent.objects.filter(action="parindex.subject.remove").count() == 1


def test_subjects_page_query_count_does_not_grow_with_subjects(
    client, superuser, ministries_cycle, django_assert_max_num_queries
):
    from datetime import date

    from cchc.org import services as org
    from cchc.org.models import AgencyType

    for n in range(12):
        agency = org.agency_create(
            actor=superuser,
            code=f"000.00.00.H{n:02d}",
            name=f"Bộ {n}",
            type=AgencyType.MINISTRY,
            valid_from=date(2010, 1, 1),
            record_change=False,
        )
        services.subject_add(actor=superuser, cycle=ministries_cycle, agency=agency)
    client.force_login(superuser)
    with django_assert_max_num_queries(15):
        page = client.get("/parindex/cycles/BO-2020/subjects/")
    assert page.status_code == 200 and page.content.decode().count('name="remove"') == 14
