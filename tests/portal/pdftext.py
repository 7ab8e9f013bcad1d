"""Read the text of a ReportLab PDF (no PDF library is installed): content streams decoded through
each font's ToUnicode map. Enough to check what a generated form says."""

import base64
import re
import zlib

_OBJ = re.compile(rb"(\d+) 0 obj(.*?)endobj", re.S)
_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\n?endstream", re.S)


def _stream(body: bytes) -> bytes:
    m = _STREAM.search(body)
    if not m:
        return b""
    data, head = m.group(1), body[: m.start()]
    if b"ASCII85Decode" in head:
        data = base64.a85decode(data.strip().removesuffix(b"~>"))
    if b"FlateDecode" in head:
        data = zlib.decompress(data)
    return data


def _cmap(data: bytes) -> dict[int, str]:
    mapping = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for lo, hi, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            start = int(dst, 16)
            for i, code in enumerate(range(int(lo, 16), int(hi, 16) + 1)):
                mapping[code] = chr(start + i)
    return mapping


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:  # backslash
            i += 1
            n = raw[i : i + 1]
            if n.isdigit():
                digits = re.match(rb"[0-7]{1,3}", raw[i:]).group(0)
                out.append(int(digits, 8))
                i += len(digits)
                continue
            out += {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}.get(n, n)
        else:
            out.append(c)
        i += 1
    return bytes(out)


def pdf_text(pdf: bytes) -> str:
    objects = {int(num): body for num, body in _OBJ.findall(pdf)}
    fonts = {}  # resource name → code → text
    for body in objects.values():
        for name, ref in re.findall(rb"/(F[\w+]+) (\d+) 0 R", body):
            font = objects.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            fonts[name.decode()] = _cmap(_stream(objects[int(to_unicode.group(1))])) if to_unicode else None
    text = []
    for body in objects.values():
        if b"/Length1" in body or b"stream" not in body:  # embedded font files, not page content
            continue
        data = _stream(body)
        if b" Tf" not in data or b"BT" not in data:
            continue
        current = None
        for token in re.finditer(rb"/(F[\w+]+) [\d.]+ Tf|\(((?:\\.|[^\\)])*)\)", data, re.S):
            if token.group(1):
                current = fonts.get(token.group(1).decode())
                continue
            raw = _unescape(token.group(2))
            text.append("".join(current.get(b, "?") for b in raw) if current else raw.decode("latin-1"))
        text.append("\n")
    return "".join(text)
