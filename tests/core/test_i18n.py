"""Vietnamese first: every message catalogue is complete, and every module speaks Vietnamese."""

from pathlib import Path

import polib
import pytest

import cchc

CATALOGUES = sorted(Path(cchc.__file__).parent.glob("**/locale/vi/LC_MESSAGES/django.po"))


def test_every_app_with_templates_has_a_vietnamese_catalogue():
    root = Path(cchc.__file__).parent
    apps = {p.parent.name for p in root.glob("*/apps.py")}
    with_catalogue = {p.parents[3].name for p in CATALOGUES}
    assert apps <= with_catalogue, f"apps without a Vietnamese catalogue: {sorted(apps - with_catalogue)}"


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parents[3].name)
def test_catalogue_is_complete_and_reviewed(path):
    po = polib.pofile(str(path))
    untranslated = [e.msgid for e in po if not e.obsolete and not e.translated()]
    fuzzy = [e.msgid for e in po if "fuzzy" in e.flags]
    assert not untranslated, f"{path}: untranslated {untranslated[:10]}"
    assert not fuzzy, f"{path}: unreviewed (fuzzy) {fuzzy[:10]}"
    for entry in po:
        if entry.msgid_plural or not entry.msgstr:
            continue
        # Placeholders must survive translation, or the page raises at render time.
        for marker in ("%(", "{"):
            assert entry.msgid.count(marker) == entry.msgstr.count(marker), (path, entry.msgid, entry.msgstr)
