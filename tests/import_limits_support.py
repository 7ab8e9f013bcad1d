"""Crafted hostile tables for the import-limit tests (issue 14)."""

import io
import zipfile


def zip_bomb_xlsx(unzipped_mb: int = 64) -> bytes:
    """A workbook small on disk whose sheet unzips to `unzipped_mb` MB (zeros deflate ~1000:1)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        zf.writestr("xl/workbook.xml", '<?xml version="1.0"?><workbook/>')
        with zf.open("xl/worksheets/sheet1.xml", "w") as member:
            chunk = b"0" * (1024 * 1024)
            for _ in range(unzipped_mb):
                member.write(chunk)
    return buf.getvalue()


def wide_csv(columns: int = 100_000) -> bytes:
    header = ",".join(f"c{i}" for i in range(columns))
    return (header + "\n" + ",".join("1" for _ in range(columns)) + "\n").encode()
