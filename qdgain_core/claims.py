"""The paper's side of every reproduction claim: ``data/claims.csv`` (key, claim, source, what the paper says).

``reproduction.CLAIMS`` gives each key how the model value is computed and judged;
``paper_figures`` refers to claims by key. Both check their keys against this table when
they are imported.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from importlib import resources
from types import MappingProxyType

CLAIMS_RESOURCE = "data/claims.csv"


@cache
def claim_texts() -> Mapping[str, tuple[str, str, str]]:
    """key -> (claim, source, what the paper says), once for the whole package."""
    text = resources.files("qdgain_core").joinpath(CLAIMS_RESOURCE).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    table = {row["key"]: (row["claim"], row["source"], row["paper"]) for row in rows}
    if len(table) != len(rows) or not all(all(cell.strip() for cell in value) for value in table.values()):
        raise ValueError(f"{CLAIMS_RESOURCE}: every row needs its own key, a claim, a source and the paper's value")
    return MappingProxyType(table)
