"""Unicode normalisation of Vietnamese text at the platform's boundary.

Vietnamese letters have two encodings: composed (NFC, "ế" is one code point) and decomposed (NFD,
"e" + two combining marks), which macOS input, some PDFs and older spreadsheets produce. They look
alike but compare, index and search differently, so every text that comes in is stored as NFC:
web forms and query strings (core.middleware.NFCInputMiddleware), API bodies (the parsers below,
REST_FRAMEWORK["DEFAULT_PARSER_CLASSES"]) and imported files (each reader calls `nfc` on its cells).
"""

import unicodedata

from django.http import QueryDict
from rest_framework import parsers


def nfc(value):
    """`value` with every string in NFC, walking dicts, lists and tuples; anything else unchanged."""
    if isinstance(value, str):
        return value if unicodedata.is_normalized("NFC", value) else unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {nfc(k): nfc(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(nfc(v) for v in value)
    return value


def nfc_querydict(data: QueryDict) -> QueryDict:
    """An immutable copy of a QueryDict with its keys and values in NFC."""
    result = QueryDict(mutable=True, encoding=data.encoding)
    for key, values in data.lists():
        result.setlist(nfc(key), [nfc(v) for v in values])
    result._mutable = False
    return result


class NFCJSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return nfc(super().parse(stream, media_type, parser_context))


class NFCFormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        return nfc_querydict(super().parse(stream, media_type, parser_context))


class NFCMultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        result = super().parse(stream, media_type, parser_context)
        return parsers.DataAndFiles(nfc_querydict(result.data), result.files)
