"""docs/reproduction.md is generated from the code and must not be stale (issue: physics v2 deliverables)."""

from __future__ import annotations

import pathlib
import subprocess
import sys

from qdgain_core.reproduction import CLAIMS, render

ROOT = pathlib.Path(__file__).resolve().parents[2]


def test_committed_reproduction_table_is_current():
    committed = (ROOT / "docs" / "reproduction.md").read_text(encoding="utf-8")
    assert committed == render(), "docs/reproduction.md is stale: run python -m qdgain_core reproduce --write docs/reproduction.md"


def test_every_claim_has_a_source_and_deviations_have_a_cause():
    for claim in CLAIMS:
        assert claim.source.startswith("[00") and claim.paper.strip()
        if not claim.passes():
            assert claim.cause.strip(), f"{claim.claim}: a deviation needs its cause"


def test_cli_writes_the_table(tmp_path):
    target = tmp_path / "table.md"
    done = subprocess.run([sys.executable, "-m", "qdgain_core", "reproduce", "--write", str(target)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert target.read_text(encoding="utf-8").startswith("# Reproduction table")
