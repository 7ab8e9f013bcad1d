"""Vietnamese text typed or imported in decomposed Unicode (NFD) is stored as NFC and found by an
ordinary (NFC) search: through a web form, the API and an import (issue 14)."""

import unicodedata

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from cchc.core.text import nfc
from cchc.households.bulk import import_households, read_files
from cchc.households.generate import generate, to_import_tables
from cchc.households.models import Household
from cchc.org.models import Role
from cchc.reform.models import LegalDocument
from tests.households.conftest import HOUSEHOLD, area, officer  # noqa: F401 (fixtures)

NAME = "Nguyễn Thị Hường"  # NFC, as this file is written
NFD = unicodedata.normalize("NFD", NAME)
assert NFD != NAME


def _is_nfc(text: str) -> bool:
    return unicodedata.is_normalized("NFC", text)


def test_the_helper_walks_containers_and_leaves_other_values():
    assert nfc({NFD: [NFD, (NFD, 3)], "n": None}) == {NAME: [NAME, (NAME, 3)], "n": None}


def test_nfd_typed_in_a_form_is_stored_as_nfc_and_found(client, officer, area):  # noqa: F811
    client.force_login(officer)
    response = client.post(
        reverse("households:create"),
        {
            **{k: v for k, v in HOUSEHOLD.items()},
            "code": "HH-NFD",
            "commune": area["a"].pk,
            "head_name": NFD,
            "address": unicodedata.normalize("NFD", "Thôn Đông, xã Nông Thôn"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    household = Household.objects.get(code="HH-NFD")
    assert household.head_name == NAME and _is_nfc(household.address)
    assert Household.objects.filter(head_name__icontains="Hường").exists()
    # The search box typed in NFD finds it too.
    listing = client.get(reverse("households:list"), {"q": unicodedata.normalize("NFD", "Hường")})
    assert "HH-NFD" in listing.content.decode()


@pytest.mark.parametrize("fmt", ["json", "multipart"])
def test_nfd_sent_to_the_api_is_stored_as_nfc(make_staff, ministry, fmt):
    officer = make_staff("reform.a", ministry["a"], [(Role.REFORM_OFFICER, ministry["a"], True)])
    api = APIClient()
    api.force_authenticate(officer)
    title = "Nghị định về kiểm soát thủ tục hành chính"
    response = api.post(
        "/api/v1/reform/registers/documents/",
        {
            "agency": ministry["a"].code,
            "kind": "decree",
            "number": unicodedata.normalize("NFD", "01/2018/NĐ-CP"),
            "title": unicodedata.normalize("NFD", title),
            "status": "issued",
            "issued_on": "2018-05-01",
        },
        format=fmt,
    )
    assert response.status_code == 201, response.json()
    assert LegalDocument.objects.filter(title=title, number="01/2018/NĐ-CP").count() == 1
    assert response.json()["title"] == title


def test_nfd_in_an_imported_file_is_stored_as_nfc(officer, area, tmp_path):  # noqa: F811
    households, members = to_import_tables(generate(3, seed=5, communes=((area["a"].code, "rural"),)))
    households["head_name"] = NFD
    members["full_name"] = NFD
    households.to_csv(tmp_path / "h.csv", index=False)
    members.to_csv(tmp_path / "m.csv", index=False)
    assert unicodedata.normalize("NFD", NAME).encode() in (tmp_path / "h.csv").read_bytes()
    h, m = read_files(tmp_path / "h.csv", tmp_path / "m.csv")
    import_households(actor=officer, households=h, members=m)
    assert Household.objects.filter(head_name=NAME).count() == 3
    assert Household.objects.filter(head_name__icontains="Hường").count() == 3
