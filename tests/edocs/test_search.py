"""Register search by words (edocs/search.py): the same answers on SQLite and on PostgreSQL (run this file
with DATABASE_URL=postgres://… too)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cchc.edocs import search, selectors, services
from cchc.edocs.views import CappedPaginator
from cchc.org.models import Role

from .conftest import issued

pytestmark = pytest.mark.django_db


def paper(
    e, unit, subject, *, number="1", notation="CV", sender="Bộ Lao động - Thương binh và Xã hội", code=""
):
    return services.incoming_register_paper(
        actor=e["root"],
        agency=unit,
        sender_name=sender,
        code_number=number,
        notation=notation,
        subject=subject,
        sender_code=code,
    )


@pytest.fixture
def docs(edocs):
    a, b = edocs["units"]["a"], edocs["units"]["b"]
    return {
        "plan": paper(edocs, a, "Kế hoạch cải cách hành chính năm 2027", number="12", notation="KH-BLĐTBXH"),
        "report": paper(edocs, a, "Báo cáo kết quả cải cách thể chế", number="7", notation="BC-UBND"),
        "decision": paper(
            edocs, a, "Quyết định ban hành quy chế", number="12", notation="QĐ-BLĐTBXH", code="000.00.01.H26"
        ),
        "other_unit": paper(edocs, b, "Kế hoạch cải cách hành chính của Cục B", number="3", notation="KH-CB"),
    }


def found(user, q):
    return [d.pk for d in selectors.incoming_register(user, q=q)]


def test_search_text_drops_diacritics_and_splits_symbols():
    assert search.tokens("Quyết định 12/QĐ-BLĐTBXH, mã 000.00.01.G99") == [
        "quyet", "dinh", "12", "qd", "bldtbxh", "ma", "000", "00", "01", "g99",
    ]  # fmt: skip
    assert search.tokens("ÐỒNG đồng") == ["dong", "dong"]  # Ð (U+00D0) typed for Đ
    assert search.query_words("cải  cách 12/QĐ ,") == [["cai"], ["cach"], ["12", "qd"]]


def test_words_are_anded_with_or_without_diacritics(edocs, docs):
    root = edocs["root"]
    both = {docs["plan"].pk, docs["other_unit"].pk}
    assert set(found(root, "cải cách hành chính")) == both
    assert set(found(root, "cai cach hanh chinh")) == both  # typed without diacritics
    assert set(found(root, "CẢI CÁCH")) == {docs["plan"].pk, docs["report"].pk, docs["other_unit"].pk}
    assert found(root, "cải cách quy chế") == []  # AND: no document has all the words
    assert found(root, "cach hanh") == found(root, "hanh cach")  # words in any order
    assert found(root, "thể chế") == [docs["report"].pk]


def test_whole_words_and_a_prefix_for_a_symbol_being_typed(edocs, docs):
    root = edocs["root"]
    assert found(root, "cải cá") == []  # whole syllables: "cá" is not "cách"
    assert found(root, "oạch") == []  # nor a part of a word
    assert found(root, "BLĐTB") == []
    assert found(root, "12/QĐ-BLĐTB") == [docs["decision"].pk]  # a symbol being typed is a prefix
    assert found(root, "") == found(root, "  ,; ") == [d.pk for d in selectors.incoming_register(root)]


def test_symbols_and_identifier_codes(edocs, docs):
    root = edocs["root"]
    assert found(root, "12/QĐ-BLĐTBXH") == [docs["decision"].pk]
    assert found(root, "12/qd-bldtbxh") == [docs["decision"].pk]
    assert set(found(root, "BLĐTBXH")) == {docs["plan"].pk, docs["decision"].pk}
    assert found(root, "12/QĐ") == [docs["decision"].pk]  # a symbol typed so far
    assert found(root, "7/BC") == [docs["report"].pk]
    assert found(root, "QĐ-BLĐTBXH/12") == []  # a symbol's parts side by side, in order
    assert found(root, "000.00.01.H26") == [docs["decision"].pk]
    assert found(root, "000.00.01.H") == [docs["decision"].pk]
    assert found(root, "000.00.02.H26") == []
    assert found(root, "quy chế 12/QĐ") == [docs["decision"].pk]  # words and a symbol together


def test_newest_first(edocs, docs, make_staff):
    a = edocs["units"]["a"]
    clerk_a = make_staff("vanthu_a", a, [(Role.DOCUMENT_CLERK, a, False)])
    assert found(clerk_a, "cải cách") == [docs["report"].pk, docs["plan"].pk]
    assert found(edocs["root"], "BLĐTBXH") == [docs["decision"].pk, docs["plan"].pk]


def test_scope_still_applies(edocs, docs, make_staff):
    a = edocs["units"]["a"]
    clerk_a = make_staff("vanthu_a", a, [(Role.DOCUMENT_CLERK, a, False)])
    assert set(found(clerk_a, "kế hoạch")) == {docs["plan"].pk}
    assert found(clerk_a, "Cục B") == []


def test_an_electronic_document_is_found_by_sender_and_identifier(edocs):
    unit_a = edocs["units"]["a"]
    out = issued(edocs, recipients=[unit_a.code], subject="Về việc chuyển đổi số")
    incoming = services.IncomingDocument.objects.get()
    root = edocs["root"]
    assert found(root, "chuyen doi so") == [incoming.pk]
    assert found(root, "Bộ Thử nghiệm") == [incoming.pk]  # the sender's name
    assert found(root, out.document_id) == [incoming.pk]
    assert [d.pk for d in selectors.outgoing_register(root, q=out.code)] == [out.pk]
    assert [d.pk for d in selectors.outgoing_register(root, q="chuyển đổi số")] == [out.pk]
    assert list(selectors.outgoing_register(root, q="chuyển đổi số báo cáo")) == []


def test_a_changed_subject_is_searched(edocs, docs):
    doc = docs["report"]
    doc.subject = "Báo cáo tổng kết"
    doc.save(update_fields=["subject"])
    assert found(edocs["root"], "tổng kết") == [doc.pk]
    assert found(edocs["root"], "thể chế") == []


def test_capped_count_on_the_page(edocs, docs, client, monkeypatch):
    monkeypatch.setattr(CappedPaginator, "CAP", 2)
    client.force_login(edocs["root"])
    with CaptureQueriesContext(connection) as queries:
        page = client.get(reverse("edocs:incoming"), {"q": "cai cach"}).content.decode()
    counts = [q["sql"] for q in queries if "COUNT(" in q["sql"].upper() and "incomingdocument" in q["sql"]]
    assert len(counts) == 1 and "LIMIT 3" in counts[0]  # never counts beyond the cap
    assert "Có hơn 2 văn bản phù hợp" in page
    assert "Dòng 1–3 trên hơn 2" in page
    assert "Kế hoạch cải cách hành chính năm 2027" in page and "Quyết định ban hành" not in page
    page = client.get(reverse("edocs:incoming"), {"q": "quy chế"}).content.decode()
    assert "Có hơn" not in page and "Dòng 1–1 trên tổng số 1" in page


def test_search_query_count_does_not_grow(edocs, client):
    unit_a = edocs["units"]["a"]
    client.force_login(edocs["root"])
    paper(edocs, unit_a, "Kế hoạch cải cách hành chính")
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("edocs:incoming"), {"q": "cải cách"})
    for i in range(5):
        paper(edocs, unit_a, f"Kế hoạch cải cách số {i}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(reverse("edocs:incoming"), {"q": "cải cách"}).content.decode()
    assert len(many) == len(few)
    assert page.count("Kế hoạch cải cách") == 6
