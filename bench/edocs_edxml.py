"""Benchmark of the edXML library layer: one package with a 200 KB attachment, built, signed
(XML-DSig, RSA-2048 / SHA-256), verified (signature, chain, agency) and parsed, per second.

    python -m bench.edocs_edxml [--packages 200] [--attachment-kb 200]

No database: the library is pure. Prints the time of each step and the whole round.
"""

import argparse
import os
import statistics
import time
from datetime import date


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--packages", type=int, default=200)
    parser.add_argument("--attachment-kb", type=int, default=200)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cchc.settings")
    import django

    django.setup()
    from cchc.edocs.edxml import (
        Attachment,
        DocumentType,
        EdxmlDocument,
        Organization,
        Signer,
        build_package,
        default_document_id,
        parse_package,
    )
    from cchc.edocs.signing import generate_ca, issue_agency_certificate, sign_package, verify_package

    sender = Organization("000.00.04.G18", "Bộ Nội vụ")
    receiver = Organization("000.00.01.H22", "UBND tỉnh Bắc Ninh")
    ca = generate_ca("CA thử nghiệm")
    cert = issue_agency_certificate(ca, sender.code, sender.name)
    attachment = os.urandom(args.attachment_kb * 1024)  # incompressible, like a scanned PDF

    steps = {"build": [], "sign": [], "verify": [], "parse": [], "total": []}
    size = 0
    for i in range(args.packages):
        doc = EdxmlDocument(
            from_org=sender,
            to_orgs=[receiver],
            document_id=default_document_id(sender.code, date(2026, 12, 1), str(i + 1), "BNV-CCHC"),
            code_number=str(i + 1),
            code_notation="BNV-CCHC",
            promulgation_place="Hà Nội",
            promulgation_date=date(2026, 12, 1),
            document_type=DocumentType(2, 18, "Công văn"),
            subject=f"V/v báo cáo cải cách hành chính, lần {i + 1}",
            signer=Signer("Nguyễn Văn An", "Thứ trưởng"),
            attachments=[Attachment("cong-van.pdf", "application/pdf", attachment)],
        )
        t0 = time.perf_counter()
        xml = build_package(doc)
        t1 = time.perf_counter()
        signed = sign_package(xml, cert.key_pem, cert.cert_pem)
        t2 = time.perf_counter()
        verify_package(signed, [ca.cert_pem])
        t3 = time.perf_counter()
        parsed = parse_package(signed, expected_recipient=receiver.code)
        t4 = time.perf_counter()
        assert parsed.attachments[0].data == attachment
        size = len(signed)
        for name, value in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t4 - t0), strict=True):
            steps[name].append(value)

    print(
        f"{args.packages} packages, attachment {args.attachment_kb} KB, package {size / 1024:.0f} KB signed"
    )
    for name, values in steps.items():
        print(
            f"  {name:7s} median {statistics.median(values) * 1000:7.2f} ms   p95 {_p95(values) * 1000:7.2f} ms"
        )
    per_second = args.packages / sum(steps["total"])
    print(f"  build+sign+verify+parse: {per_second:.1f} packages/s on one core")


def _p95(values):
    ordered = sorted(values)
    return ordered[int(len(ordered) * 0.95) - 1]


if __name__ == "__main__":
    main()
