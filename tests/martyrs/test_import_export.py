"""Import all-or-nothing with row and column errors; export with formula neutralisation; duplicate
candidates; metrics; query counts on lists."""

import csv
import io

import pandas as pd
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from cchc.core.exceptions import ImportRejected
from cchc.core.jobs import run_pending_jobs
from cchc.core.metrics import Period, get_metric
from cchc.martyrs import bulk, search, selectors, services
from cchc.martyrs.models import Grave, Martyr, Request


def frame(rows):
    cols = [
        "full_name",
        "agency_code",
        "birth_year",
        "native_place",
        "death_date",
        "cemetery_code",
        "zone",
        "row",
        "number",
        "next_of_kin",
    ]
    return pd.DataFrame([dict(zip(cols, r, strict=False)) for r in rows]).fillna("").astype(str)


@pytest.mark.django_db
def test_import_writes_everything_or_nothing_naming_rows_and_columns(officer, outsider, ministry, cemetery):
    a, b = ministry["a"].code, ministry["b"].code
    bad = frame(
        [
            ("Nguyễn Văn Hùng", a, "1948", "Xã Vũ Hội, Thái Bình", "12/8/1972", "NT-1", "A", "1", "1"),
            ("Lê Văn Tám", a, "19x5", "Nghệ An", "13/1970", "", "", "", ""),
            ("", a, "", "", "", "", "", "", ""),
            ("Trần Văn Bảy", b, "1950", "Hà Tây", "1970", "NT-9", "", "", ""),
            ("Phạm Văn Chín", a, "1951", "", "1971", "NT-1", "A", "1", "1"),
        ]
    )
    with pytest.raises(ImportRejected) as exc:
        bulk.import_martyrs(actor=officer, df=bad)
    where = {(e.row, e.field) for e in exc.value.errors}
    assert {
        (3, "birth_year"),
        (3, "death_date"),
        (4, "full_name"),
        (5, "agency_code"),
        (5, "cemetery_code"),
        (6, "number"),
    } <= where
    assert Martyr.objects.count() == 0 and Grave.objects.count() == 0
    good = frame(
        [
            (
                "Nguyễn Văn Hùng",
                a,
                "1948",
                "Xã Vũ Hội, Thái Bình",
                "12/8/1972",
                "NT-1",
                "A",
                "1",
                "1",
                "Lan 0912",
            ),
            ("Lê Văn Tám", a, "1935", "Hà Nam Ninh", "5/1970", "", "", "", ""),
            ("", a, "", "", "", "NT-1", "B", "2", "7"),
        ]
    )
    counts = bulk.import_martyrs(actor=officer, df=good)
    assert counts == {"martyrs": 2, "graves": 2}
    hung = Martyr.objects.get(full_name="Nguyễn Văn Hùng")
    assert (hung.death_year, hung.death_month, hung.death_day) == (
        1972,
        8,
        12,
    ) and hung.native_province_code == "34"
    assert (
        hung.grave.cemetery == cemetery
        and Martyr.objects.get(full_name="Lê Văn Tám").native_province_code == "35 36 37"
    )
    assert Grave.objects.get(number="7").martyr is None
    assert search.search_text("le van tam 1935 ninh binh")[0].martyr.full_name == "Lê Văn Tám"


@pytest.mark.django_db
def test_import_page_runs_the_job_and_shows_row_errors(client, officer, ministry):
    client.force_login(officer)
    content = f"full_name,agency_code,birth_year\nNguyễn Văn A,{ministry['a'].code},19x\n"
    upload = io.BytesIO(content.encode())
    upload.name = "ls.csv"
    r = client.post(reverse("martyrs:import"), {"file": upload})
    assert r.status_code == 302
    run_pending_jobs()
    job = client.get(r["Location"]).content.decode()
    assert "row 2" in job and "birth_year" in job and Martyr.objects.count() == 0


@pytest.mark.django_db
def test_export_neutralises_formulas_in_xlsx_and_csv(client, superuser, ministry, officer, leader):
    services.martyr_create(
        actor=superuser,
        agency=ministry["a"],
        full_name='=HYPERLINK("http://x")',
        birth_year=1950,
        military_unit="+SUM(A1)",
    )
    client.force_login(leader)
    wb = load_workbook(io.BytesIO(client.get(reverse("martyrs:export") + "?format=xlsx").content))
    values = [c.value for row in wb.active.iter_rows() for c in row]
    assert '\'=HYPERLINK("http://x")' in values and "'+SUM(A1)" in values
    text = client.get(reverse("martyrs:export") + "?format=csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][1] == '\'=HYPERLINK("http://x")'


@pytest.mark.django_db
def test_duplicate_candidates_group_variant_spellings(superuser, ministry, officer, client):
    for name in ("Nguyễn Văn Quý", "Nguyen Van Qui", "Nguyễn Văn Quý"):
        services.martyr_create(
            actor=superuser, agency=ministry["a"], full_name=name, birth_year=1946, native_place="Hà Tây"
        )
    services.martyr_create(actor=superuser, agency=ministry["a"], full_name="Nguyễn Văn Quý", birth_year=1950)
    groups = selectors.duplicate_candidates(officer)
    assert len(groups) == 1 and len(groups[0]["martyrs"]) == 3
    client.force_login(officer)
    assert "Nguyen Van Qui" in client.get(reverse("martyrs:duplicates")).content.decode()


@pytest.mark.django_db
def test_metrics_on_time_and_identified(hung, officer, cemetery, ministry):
    Grave.objects.create(cemetery=cemetery, headstone="Liệt sĩ chưa biết tên", info=Grave.Info.NONE)
    req = services.request_file(
        kind="grave_search", content="x", requester_name="y", email="z@example.invalid"
    )
    Request.objects.filter(pk=req.pk).update(agency=ministry["a"])
    services.request_answer(actor=officer, request=req, reply="ok")
    from django.utils import timezone

    period = Period.year(timezone.localdate().year)
    v = get_metric("martyrs.requests_on_time_rate").value(ministry["a"], period)
    assert (v.numerator, v.denominator) == (1, 1)
    g = get_metric("martyrs.graves_identified_rate").value(None, period)
    assert (g.numerator, g.denominator) == (1, 2)


@pytest.mark.django_db
def test_list_pages_run_a_fixed_number_of_queries(client, superuser, ministry, cemetery, officer):
    def add(n):
        for i in range(n):
            m = services.martyr_create(
                actor=superuser, agency=ministry["a"], full_name=f"Nguyễn Văn Hùng {i}", birth_year=1948
            )
            Grave.objects.create(cemetery=cemetery, number=str(Grave.objects.count() + 1), martyr=m)
            services.request_file(
                kind="documents", martyr=m, content="x", requester_name="y", email="z@example.invalid"
            )

    client.force_login(officer)
    pages = [
        reverse("martyrs:staff"),
        reverse("martyrs:cemeteries"),
        reverse("martyrs:cemetery", args=[cemetery.pk]),
        reverse("martyrs:home") + "?q=nguyen+van+hung+1948",
    ]
    add(3)
    for url in pages:  # warm the process-wide caches (gazetteer, vocabulary) first
        client.get(url)
    counts = []
    for url in pages:
        cache.clear()
        with CaptureQueriesContext(connection) as c:
            assert client.get(url).status_code == 200
        counts.append(len(c))
    add(12)
    for url, before in zip(pages, counts, strict=True):
        cache.clear()
        with CaptureQueriesContext(connection) as c:
            client.get(url)
        assert len(c) == before, url


@pytest.mark.django_db
def test_identifying_a_grave_from_the_cemetery_page(client, superuser, ministry, cemetery, officer, leader):
    unknown = Grave.objects.create(
        cemetery=cemetery, number="9", headstone="Liệt sĩ chưa biết tên", info=Grave.Info.NONE
    )
    m = services.martyr_create(actor=superuser, agency=ministry["a"], full_name="Lê Văn Tám", birth_year=1935)
    url = reverse("martyrs:cemetery", args=[cemetery.pk])
    client.force_login(leader)
    assert reverse("martyrs:grave_identify", args=[unknown.pk]) not in client.get(url).content.decode()
    client.force_login(officer)
    assert reverse("martyrs:grave_identify", args=[unknown.pk]) in client.get(url).content.decode()
    client.post(reverse("martyrs:grave_identify", args=[unknown.pk]), {"martyr": m.pk})
    unknown.refresh_from_db()
    assert unknown.martyr == m and unknown.info == Grave.Info.FULL and unknown.identified_at
    client.post(reverse("martyrs:grave_identify", args=[unknown.pk]), {"martyr": m.pk})  # twice: refused
    assert Grave.objects.filter(martyr=m).count() == 1
