"""Every preset names its counting scheme, statistics and anchors; each anchor is met or is a listed deviation."""

from __future__ import annotations

import pytest

from qdgain_core import PRESETS
from qdgain_core.anchors import all_anchors


@pytest.mark.parametrize("anchor", all_anchors(), ids=lambda a: f"{a.preset}-{a.quantity}-{a.point.x_value}")
def test_anchor_is_met_or_is_the_listed_deviation(anchor):
    value = anchor.model_value()
    if anchor.expect == "meets":
        assert anchor.met(), f"{anchor.preset} {anchor.quantity}: model {value:.4g}, measured {anchor.point.y_value:g} +/- {anchor.tolerance:g}"
    else:
        assert not anchor.met(), f"{anchor.preset} {anchor.quantity} now meets its anchor ({value:.4g}); update anchors.csv and the docs"


def test_every_preset_names_counting_statistics_and_the_calibrated_ones_have_anchors():
    for preset in PRESETS.values():
        assert preset.counting in ("transitions", "sites") and preset.source_of("counting")
        assert preset.statistics.startswith(("Poisson", "binomial"))
    for name in ("cdse_core", "cdse_graded_alloy", "simple_model_3ls", "simple_model_4ls", "doped_film_002"):
        assert PRESETS[name].anchors, f"{name} has no anchors"
