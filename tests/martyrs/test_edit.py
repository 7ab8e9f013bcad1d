"""Correcting a record and its grave: who may (403, links hidden), validation naming the field, two
officers editing at once, the audit event's content, search and the public page seeing the correction
at once, and a correction request's history."""

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from cchc.core.exceptions import Conflict
from cchc.core.models import AuditEvent
from cchc.martyrs import normalise, search, selectors, services
from cchc.martyrs.models import Cemetery, Grave, Martyr, Request


def edit_url(martyr, req=None):
    url = reverse("martyrs:martyr_edit", args=[martyr.pk])
    return f"{url}?request={req.pk}" if req else url


def form_data(martyr, **changes):
    """What the edit page posts when nothing is touched, with `changes` typed in."""
    grave = getattr(martyr, "grave", None)
    data = {
        "version": martyr.version,
        "full_name": martyr.full_name,
        "keep_old_name": "on",  # checked when the page opens
        "aliases": martyr.aliases,
        "birth_year": martyr.birth_year or "",
        "native_place": martyr.native_place,
        "native_province": "",
        "residence": martyr.residence,
        "enlisted_year": martyr.enlisted_year or "",
        "military_unit": martyr.military_unit,
        "rank": martyr.rank,
        "position": martyr.position,
        "death_day": martyr.death_day or "",
        "death_month": martyr.death_month or "",
        "death_year": martyr.death_year or "",
        "death_place": martyr.death_place,
        "certificate_number": martyr.certificate_number,
        "certificate_year": martyr.certificate_year or "",
        "next_of_kin": martyr.next_of_kin,
        "cemetery": grave.cemetery_id if grave else "",
        "zone": grave.zone if grave else "",
        "row": grave.row if grave else "",
        "number": grave.number if grave else "",
        "headstone": grave.headstone if grave else "",
        "info": grave.info if grave else "full",
    }
    data.update(changes)
    return data


def correction(martyr):
    return services.request_file(
        kind=Request.Kind.CORRECTION,
        martyr=martyr,
        content="Tên đúng là Nguyễn Đức Hùng, hy sinh 12/9/1972.",
        requester_name="Nguyễn Thị Lan",
        email="lan@example.invalid",
    )


@pytest.mark.django_db
def test_only_editors_of_the_unit_open_the_page_and_see_the_links(
    client, hung, officer, leader, outsider, citizen
):
    req = correction(hung)
    record, detail = (
        reverse("martyrs:martyr", args=[hung.pk]),
        reverse("martyrs:request_detail", args=[req.pk]),
    )
    for user in (leader, outsider, citizen):
        client.force_login(user)
        assert client.get(edit_url(hung)).status_code == 403
        assert client.post(edit_url(hung), form_data(hung, full_name="X")).status_code == 403
        assert edit_url(hung) not in client.get(record).content.decode()
    client.force_login(leader)  # sees the request, may not edit: no button
    body = client.get(detail).content.decode()
    assert "Sửa hồ sơ liệt sĩ" not in body and edit_url(hung) not in body
    client.force_login(outsider)  # a request of another department is not theirs either
    assert client.get(edit_url(hung, req)).status_code == 403
    client.logout()
    assert edit_url(hung) not in client.get(record).content.decode()
    client.force_login(officer)
    assert edit_url(hung) in client.get(record).content.decode()
    assert (
        'href="{}"'.format(edit_url(hung, req).replace("&", "&amp;")) in client.get(detail).content.decode()
    )
    assert "Sửa hồ sơ liệt sĩ" in client.get(detail).content.decode()
    page = client.get(edit_url(hung, req))
    assert page.status_code == 200 and "Nguyễn Thị Lan (em gái)" in page.content.decode()  # may see contacts
    assert AuditEvent.objects.filter(action="martyrs.contact.view", target_id=str(hung.pk)).exists()
    # another kind of request, or one already answered, carries no correction
    services.request_answer(actor=officer, request=req, reply="Đã sửa")
    assert "Sửa hồ sơ liệt sĩ" not in client.get(detail).content.decode()
    assert client.get(edit_url(hung, req)).status_code == 403
    with pytest.raises(PermissionDenied):
        services.martyr_update(actor=leader, martyr=hung, full_name="Nguyễn Văn Hưng")


@pytest.mark.django_db
def test_validation_messages_name_the_field_and_nothing_is_saved(client, hung, officer):
    client.force_login(officer)
    r = client.post(
        edit_url(hung),
        form_data(
            hung,
            full_name="  ",
            birth_year="1700",
            enlisted_year="abc",
            death_day="30",
            death_month="2",
            death_year="1972",
            native_province="Xứ Đoài Mây Trắng",
        ),
    )
    assert r.status_code == 200
    body = r.content.decode()
    for message in (
        "Họ và tên: ",
        "Năm sinh: ghi một năm từ 1850 đến",
        "Năm nhập ngũ: ",
        "Ngày hy sinh: ghi năm, tháng và năm, hoặc ngày đầy đủ có thật",
        "Tỉnh quê quán (tên cũ hoặc mới): không có tỉnh nào",
        "Chưa lưu",
    ):
        assert message in body, message
    hung.refresh_from_db()
    assert hung.full_name == "Nguyễn Văn Hùng" and hung.birth_year == 1948 and hung.version == 1
    # the service itself names the fields (callers other than the page get the same checks)
    with pytest.raises(ValidationError) as exc:
        services.martyr_update(
            actor=officer, martyr=hung, death_day=5, death_month=None, death_year=1972, enlisted_year=1940
        )
    assert set(exc.value.message_dict) == {"death_day", "enlisted_year"}
    assert "Năm nhập ngũ trước năm sinh" in exc.value.message_dict["enlisted_year"][0]


def test_partial_dates_shared_with_the_import():
    assert normalise.parse_partial_date("5/1968") == (1968, 5, None)
    assert normalise.parse_partial_date("29/2/1968") == (1968, 2, 29)
    for bad in ("29/2/1969", "31/4/1968", "1968-13-01", "13/1968", "1/1/2999", "1849"):
        with pytest.raises(ValueError):
            normalise.parse_partial_date(bad)
    for bad in ((None, 5, None), (1968, None, 3), (1968, 0, None)):
        with pytest.raises(ValueError):
            normalise.check_partial_date(*bad)
    normalise.check_partial_date(None, None, None)  # not recorded


@pytest.mark.django_db
def test_the_second_of_two_concurrent_edits_is_refused(client, hung, officer, superuser):
    first, second = form_data(hung, military_unit="E27"), form_data(hung, military_unit="D8")
    client.force_login(officer)
    assert client.post(edit_url(hung), first).status_code == 302
    r = client.post(edit_url(hung), second)  # opened before the first save
    assert r.status_code == 200 and "vừa được người khác sửa" in r.content.decode()
    hung.refresh_from_db()
    assert hung.military_unit == "E27" and hung.version == 2
    with pytest.raises(Conflict):
        services.martyr_update(actor=superuser, martyr=hung, version=1, rank="Hạ sĩ")
    # identifying a grave for the record changes it too: a page opened before is refused
    other = services.martyr_create(actor=superuser, agency=hung.agency, full_name="Lê Văn Tám")
    unknown = Grave.objects.create(cemetery=hung.grave.cemetery, zone="B", number="9", info=Grave.Info.NONE)
    stale = form_data(other)
    services.grave_identify(actor=officer, grave=unknown, martyr=other)
    r = client.post(edit_url(other), {**stale, "cemetery": unknown.cemetery_id, "number": "10"})
    assert "vừa được người khác sửa" in r.content.decode()
    assert Grave.objects.get(pk=unknown.pk).number == "9"


@pytest.mark.django_db
def test_audit_holds_the_changed_fields_only_and_hides_the_next_of_kin(hung, officer):
    services.martyr_update(
        actor=officer,
        martyr=hung,
        version=1,
        birth_year=1949,
        rank="Trung sĩ",
        next_of_kin="Nguyễn Văn Tâm (cháu), 0912000009",
        death_place=hung.death_place,  # unchanged: not in the event
        zone="B",
    )
    event = AuditEvent.objects.get(action="martyrs.martyr.update", target_id=str(hung.pk))
    assert set(event.before) == set(event.after) == {"birth_year", "rank", "next_of_kin"}
    assert event.before["birth_year"] == 1948 and event.after["birth_year"] == 1949
    assert event.before["rank"] == "" and event.after["rank"] == "Trung sĩ"
    assert "0912000009" not in str(event.after) and "0912000001" not in str(event.before)
    assert event.after["next_of_kin"].startswith("đã sửa") and event.actor_id == officer.pk
    grave_event = AuditEvent.objects.get(action="martyrs.grave.update", target_id=str(hung.grave.pk))
    assert grave_event.before == {"zone": "A"} and grave_event.after == {"zone": "B"}
    # nothing changed: no event, no new version
    hung.refresh_from_db()
    spaced = hung.native_place.replace(", ", ",  ")  # spacing alone is no correction
    services.martyr_update(
        actor=officer, martyr=hung, version=2, rank="Trung sĩ", aliases=" ", native_place=spaced
    )
    assert AuditEvent.objects.filter(action="martyrs.martyr.update").count() == 1
    assert Martyr.objects.get(pk=hung.pk).version == 2


@pytest.mark.django_db
def test_search_and_public_page_see_the_corrected_name_at_once(client, hung, namesakes, officer):
    services.martyr_update(actor=officer, martyr=hung, full_name="Phạm Văn Thắng", native_place="Hà Tây")
    top = [h.martyr.pk for h in search.search_text("pham van thang 1948")[:5]]
    assert hung.pk in top
    assert hung.pk not in [h.martyr.pk for h in search.search_text("nguyen van hung 1948 thai binh")[:5]]
    hung.refresh_from_db()
    assert hung.native_province_code == "01" and hung.native_commune_code == ""  # Hà Tây, as the import
    body = client.get(reverse("martyrs:martyr", args=[hung.pk])).content.decode()
    assert "Phạm Văn Thắng" in body and "Hà Tây" in body
    # the family's old spelling kept as another name still finds the record
    services.martyr_update(actor=officer, martyr=hung, full_name="Phạm Văn Thắm", keep_old_name=True)
    hung.refresh_from_db()
    assert hung.aliases == "Phạm Văn Thắng"
    assert hung.pk in [h.martyr.pk for h in search.search_text("pham van thang 1948")[:5]]
    assert hung.pk in [h.martyr.pk for h in search.search_text("pham van tham 1948")[:5]]


@pytest.mark.django_db
def test_a_correction_request_gets_a_history_event(client, hung, officer):
    req = correction(hung)
    client.force_login(officer)
    r = client.post(
        edit_url(hung, req),
        form_data(hung, full_name="Nguyễn Đức Hùng", death_day="12", death_month="9", request=req.pk),
    )
    assert r.status_code == 302 and r["Location"] == reverse("martyrs:request_detail", args=[req.pk])
    hung.refresh_from_db()
    assert hung.full_name == "Nguyễn Đức Hùng" and hung.death_date_display == "12/09/1972"
    assert hung.aliases == "Nguyễn Văn Hùng"  # kept by default: the family may know the old spelling
    event = req.events.order_by("id").last()
    assert event.actor == officer and event.status == Request.Status.RECEIVED
    assert event.note == "Hồ sơ liệt sĩ đã được đính chính: họ và tên, tên khác, ngày hy sinh."
    track = client.get(reverse("martyrs:track"), {"code": req.code}).content.decode()
    assert "đã được đính chính" in track  # the family sees it when following the request
    # a request about another record cannot be attached to this one
    other = services.martyr_create(actor=officer, agency=hung.agency, full_name="Lê Văn Tám")
    assert client.get(edit_url(other, req)).status_code == 404
    with pytest.raises(ValidationError):
        services.martyr_update(actor=officer, martyr=other, request=req, rank="Binh nhất")


@pytest.mark.django_db
def test_recording_a_grave_refreshes_the_counts_and_checks_its_place(
    client, superuser, ministry, cemetery, officer, django_capture_on_commit_callbacks
):
    m = services.martyr_create(actor=superuser, agency=ministry["a"], full_name="Lê Văn Tám")
    Grave.objects.create(cemetery=cemetery, zone="A", row="1", number="7", info=Grave.Info.NONE)
    cache.delete(selectors.STATS_CACHE_KEY)
    assert selectors.search_page_counts()["graves"] == 1
    with pytest.raises(ValidationError) as exc:
        services.martyr_update(actor=officer, martyr=m, zone="A")  # a place without a cemetery
    assert "cemetery" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.martyr_update(actor=officer, martyr=m, cemetery=cemetery, zone="A", row="1", number="7")
    assert "Số mộ: mộ A/1/7 đã được ghi" in exc.value.message_dict["number"][0]
    far = Cemetery.objects.create(
        code="NT-B",
        name="Nghĩa trang B",
        level="provincial",
        province_code="01",
        address="x",
        agency=ministry["b"],
    )
    with pytest.raises(ValidationError) as exc:
        services.martyr_update(actor=officer, martyr=m, cemetery=far)  # another unit's cemetery
    assert "cemetery" in exc.value.message_dict
    with django_capture_on_commit_callbacks(execute=True):
        services.martyr_update(actor=officer, martyr=m, cemetery=cemetery, zone="A", row="1", number="8")
    assert m.grave.headstone == "Lê Văn Tám" and m.grave.info == Grave.Info.FULL
    assert selectors.search_page_counts()["graves"] == 2
    event = AuditEvent.objects.get(action="martyrs.grave.update", target_id=str(m.grave.pk))
    assert event.before is None and event.after["cemetery_id"] == cemetery.pk and event.after["number"] == "8"
    # a recorded grave is corrected, not removed, from this page
    client.force_login(officer)
    r = client.post(edit_url(m), form_data(Martyr.objects.get(pk=m.pk), cemetery=""))
    assert "Nghĩa trang: không thể bỏ mộ đã ghi" in r.content.decode()
