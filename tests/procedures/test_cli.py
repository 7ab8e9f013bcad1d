import json

import pytest
from django.core.management import call_command

from cchc.procedures import services
from cchc.procedures.models import Procedure

from .factories import version_data


def test_export_then_import_from_the_command_line(superuser, ministry, tmp_path):
    services.procedure_create(
        actor=superuser,
        agency=ministry["a"],
        code="1.000001",
        name="Thủ tục một",
        field="Việc làm",
        level="central",
        version=version_data(),
    )
    out = tmp_path / "catalogue.json"
    call_command("procedures", "export", str(out), "--history")
    data = json.loads(out.read_text())
    data["procedures"][0].update(code="1.000002", name="Thủ tục hai")
    out.write_text(json.dumps(data, ensure_ascii=False))
    call_command("procedures", "import", str(out), "--as", superuser.username)
    assert Procedure.objects.get(code="1.000002").name == "Thủ tục hai"

    data["procedures"][0].update(code="1.000003", level="galactic")
    out.write_text(json.dumps(data, ensure_ascii=False))
    with pytest.raises(SystemExit) as exc:
        call_command("procedures", "import", str(out), "--as", superuser.username)
    assert exc.value.code == 1
    assert not Procedure.objects.filter(code="1.000003").exists()

    xlsx = tmp_path / "catalogue.xlsx"
    call_command("procedures", "export", str(xlsx))
    assert xlsx.read_bytes().startswith(b"PK")
