"""The Dutch translation is complete and compiled.

CI runs ``makemessages`` before this test, so a new string without a Dutch
translation fails here.
"""

from pathlib import Path

import polib
from django.conf import settings

PO_PATH = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def test_every_string_has_a_dutch_translation():
    po = polib.pofile(str(PO_PATH))
    missing = [e.msgid for e in po if not e.obsolete and (not e.translated() or e.fuzzy)]
    assert missing == []


def test_compiled_catalogue_matches_the_translations():
    po = polib.pofile(str(PO_PATH))
    mo = polib.mofile(str(PO_PATH.with_suffix(".mo")))
    compiled = {(e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural) for e in mo}
    translated = {
        (e.msgctxt, e.msgid): (e.msgstr, e.msgstr_plural)
        for e in po
        if not e.obsolete and e.translated()
    }
    assert compiled == translated
