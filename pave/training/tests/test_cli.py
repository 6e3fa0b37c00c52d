"""`pave training import|export|aggregates`."""

from __future__ import annotations

import json

import pytest

from pave.interop.tests.bombs import shared_string_bomb
from pave.testing import run_pave
from pave.training.models import Participant
from pave.training.tests.conftest import OFFICERS, sheet_csv

pytestmark = pytest.mark.django_db


def test_import_dry_run_then_for_real(tmp_path, attended, event):
    path = tmp_path / "sheet.csv"
    path.write_bytes(
        sheet_csv([*OFFICERS, ["Rima Azar", "F", "Daily", "journalist", "LB", "", "", ""]])
    )
    code, out, err = run_pave("training", "import", str(event.pk), str(path), "--dry-run")
    assert code == 0, err
    assert "1 new participants, 3 already recorded; nothing written" in out
    assert Participant.objects.count() == 3
    code, out, err = run_pave("training", "import", str(event.pk), str(path), "--max-score", "20")
    assert code == 0 and "1 new participants, 3 already recorded" in out
    assert Participant.objects.count() == 4


def test_import_refuses_a_workbook_bomb_and_an_oversized_file_with_a_message(tmp_path, event):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(shared_string_bomb(100))
    code, _out, err = run_pave("training", "import", str(event.pk), str(bomb))
    assert code == 1 and "Unpacked, the workbook is larger than 25 MB." in err
    big = tmp_path / "big.csv"
    big.write_bytes(b"Name\n" + b"x" * 1_100_000)
    code, _out, err = run_pave("training", "import", str(event.pk), str(big))
    assert code == 1 and "larger than 1000 kB" in err
    assert Participant.objects.count() == 0


def test_import_with_problems_writes_nothing_and_lists_them(tmp_path, event):
    path = tmp_path / "sheet.csv"
    path.write_bytes(
        sheet_csv(
            [["", "F", "GS", "public", "LB", "", "", ""], ["X", "F", "GS", "?", "LB", "", "", ""]]
        )
    )
    code, _out, err = run_pave("training", "import", str(event.pk), str(path))
    assert code == 1
    assert "row 2, Name" in err and "row 3, Stakeholder group" in err
    assert "nothing was imported" in err
    assert Participant.objects.count() == 0
    code, _out, err = run_pave("training", "import", "999999", str(path))
    assert code == 1 and "no event" in err


def test_export_and_aggregates(tmp_path, attended):
    code, out, _err = run_pave("training", "export", str(attended.pk))
    assert code == 0 and "Nour Haddad" in out
    target = tmp_path / "list.xlsx"
    code, out, _err = run_pave(
        "training", "export", str(attended.pk), "--format", "xlsx", "-o", str(target)
    )
    assert code == 0 and target.read_bytes()[:2] == b"PK"
    code, out, _err = run_pave("training", "aggregates", "--org", "BMS", "--from", "2014-01-01")
    assert code == 0 and json.loads(out)["participants"] == 3
    code, out, _err = run_pave("training", "aggregates", "--org", "BMS", "--suppressed")
    assert json.loads(out)["participants"] is None
