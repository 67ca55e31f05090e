"""Presets (qdgain_core/data/presets.json) and measured anchors (data/measured_points.csv)."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
from importlib import resources

import pytest

from qdgain_core.measured import (
    COLUMNS,
    SEED_FILES,
    MeasuredPoint,
    datasets,
    measured_points,
    quantities,
)
from qdgain_core.params import FIELD_SPECS, GainParams
from qdgain_core.presets import PRESETS, Preset, PresetError, _build

REQUIRED_PRESETS = (
    "cdse_core", "cdse_graded_alloy", "cspbbr3", "doped_film_002", "qs_4p5nm", "qs_6p0nm", "qs_8p2nm",
)


def _point(quantity: str, sample_part: str, dataset: str | None = None, x_value: float | None = None) -> MeasuredPoint:
    hits = [
        p for p in measured_points(quantity=quantity, dataset=dataset)
        if sample_part in p.sample and (x_value is None or (p.x_value is not None and math.isclose(p.x_value, x_value)))
    ]
    assert hits, f"no {quantity} row for {sample_part!r} at x = {x_value}"
    return hits[0]


# ---------------------------------------------------------------- presets


def test_required_presets_exist_and_mapping_is_read_only():
    assert set(REQUIRED_PRESETS) <= set(PRESETS)
    with pytest.raises(TypeError):
        PRESETS["new"] = PRESETS["cdse_core"]  # type: ignore[index]


@pytest.mark.parametrize("preset_id", REQUIRED_PRESETS)
def test_preset_builds_valid_params_with_a_source_for_every_field(preset_id):
    preset = PRESETS[preset_id]
    assert isinstance(preset, Preset) and preset.id == preset_id
    assert isinstance(preset.params, GainParams)
    assert preset.label.strip() and preset.description.strip() and preset.source.strip()
    assert preset.source.startswith("[00")
    # re-validating the stored parameters raises nothing (all values inside FIELD_SPECS ranges)
    dataclasses.replace(preset.params)
    assert preset.param_sources, "a preset must set at least one field"
    raw = json.loads(resources.files("qdgain_core").joinpath("data/presets.json").read_text(encoding="utf-8"))[preset_id]
    assert [name for name, _ in preset.param_sources] == list(raw["params"])
    for name, source in preset.param_sources:
        assert name in FIELD_SPECS
        assert source.strip(), f"{preset_id}.{name}: empty source"
        assert source.startswith(("[00", "assumed:", "calibrated:")), f"{preset_id}.{name}: source {source!r}"
        assert getattr(preset.params, name) == raw["params"][name]
    for ref in preset.reference:
        assert ref.name not in FIELD_SPECS and ref.source.startswith("[00")


def test_presets_differ_from_defaults_and_from_each_other():
    defaults = GainParams()
    for preset in PRESETS.values():
        assert preset.params != defaults
    assert len({preset.params for preset in PRESETS.values()}) == len(PRESETS)


def test_from_preset_applies_overrides():
    params = GainParams.from_preset("doped_film_002", n_doped=0.94)
    assert params.n_doped == 0.94 and params.sigma_1s_mv == 110.0


def test_doped_film_values_from_002():
    preset = PRESETS["doped_film_002"]
    p = preset.params
    assert p.sigma_pump_cm2 == 3.6e-14 and p.pump_wavelength_nm == 400.0 and p.pump_mode == "one_photon"
    assert p.tau_xx_ps == 310.0 and p.charging_energy_mev == 5.0 and p.sigma_1s_mv == 110.0
    assert (p.g_e, p.g_h) == (2, 4)
    assert math.isclose(p.e_a_mev, 1239.84 / 615.0 * 1000.0, rel_tol=1e-3)
    refs = {ref.name: ref for ref in preset.reference}
    assert refs["film_thickness_nm"].value == 116.0
    assert preset.is_assumed("v_1s_mv") and not preset.is_assumed("sigma_1s_mv")


@pytest.mark.parametrize(
    "preset_id, e_pl_mev, volume, sigma1, sigma2, tau_ps, binding",
    [
        ("qs_4p5nm", 1925.0, 678.0, 1.2e-13, 1.7e6, 6700.0, -49.0),
        ("qs_6p0nm", 1954.0, 1630.0, 0.5e-13, 0.4e6, 4000.0, -53.0),
        ("qs_8p2nm", 1774.0, 3764.0, 2.9e-13, 7.9e6, 11900.0, -48.0),
    ],
)
def test_quantum_shell_presets_follow_004_tables(preset_id, e_pl_mev, volume, sigma1, sigma2, tau_ps, binding):
    preset = PRESETS[preset_id]
    p = preset.params
    assert p.pump_mode == "two_photon" and p.pump_wavelength_nm == 800.0
    assert p.dot_volume_nm3 == volume and p.sigma_pump_cm2 == sigma1 and p.sigma2_gm == sigma2
    assert p.tau_xx_ps == tau_ps and p.xx_binding_mev == binding < 0
    assert p.e_a_mev > e_pl_mev and preset.is_assumed("e_a_mev")
    assert {ref.name: ref.value for ref in preset.reference}["e_pl_mev"] == e_pl_mev


def test_material_presets():
    cdse, alloy, pero = PRESETS["cdse_core"].params, PRESETS["cdse_graded_alloy"].params, PRESETS["cspbbr3"].params
    assert cdse.pump_mode == alloy.pump_mode == pero.pump_mode == "resonant"
    assert cdse.eta == 10.0 and cdse.huang_rhys == 0.1 and cdse.lo_phonon_mev == 26.0
    assert pero.eta < 1.0 and (pero.g_e, pero.g_h) == (2, 2)
    assert PRESETS["cspbbr3"].is_assumed("chi")
    for preset_id in ("cdse_core", "cdse_graded_alloy"):
        assert PRESETS[preset_id].source_of("chi").startswith("calibrated:")
        assert PRESETS[preset_id].params.counting == "sites" and not PRESETS[preset_id].params.thermalize


def test_unknown_field_is_rejected_with_a_clear_error():
    entry = {"label": "x", "description": "x", "source": "[002]", "params": {"stokes_meV": 10.0},
             "param_sources": {"stokes_meV": "[002]"}}
    with pytest.raises(PresetError, match="unknown GainParams field.*stokes_meV"):
        _build("bad", entry)
    entry = {"label": "x", "description": "x", "source": "[002]", "params": {"stokes_mev": 10.0},
             "param_sources": {}}
    with pytest.raises(PresetError, match="no source"):
        _build("bad", entry)
    entry = {"label": "x", "description": "x", "source": "[002]", "params": {"stokes_mev": 1e6},
             "param_sources": {"stokes_mev": "assumed: test"}}
    with pytest.raises(PresetError, match="stokes_mev"):
        _build("bad", entry)


# ---------------------------------------------------------------- measured points


def test_csv_header_and_every_row_is_sourced():
    text = resources.files("qdgain_core").joinpath("data/measured_points.csv").read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == COLUMNS
    points = measured_points()
    assert len(points) == len(rows) > 50
    for point in points:
        assert point.source_file in SEED_FILES.values()
        assert point.source_location.strip()
        assert point.kind in ("measured", "paper_model")
        assert isinstance(point.y_value, float) and math.isfinite(point.y_value)
        assert point.x_value is None or isinstance(point.x_value, float)
        assert point.y_err is None or (isinstance(point.y_err, float) and point.y_err >= 0)
        assert point.citation.startswith(point.paper) and point.paper in ("[000]", "[001]", "[002]", "[004]")


def test_filters_and_listing():
    names = datasets()
    assert len(names) == len(set(names))
    assert {"002_threshold_vs_doping", "001_measured", "001_simple_model", "004_quantum_shells"} <= set(names)
    assert all(p.quantity == "n_th" for p in measured_points(quantity="n_th"))
    assert all(p.dataset == "004_quantum_shells" for p in measured_points(dataset="004_quantum_shells"))
    assert measured_points(quantity="no_such_quantity") == ()
    for quantity in ("n_th", "sigma_ratio", "ase_threshold_mj_cm2", "tau_xx_ps", "xx_binding_mev",
                     "gain_lifetime_ps", "gain_bandwidth_mev", "gain_coefficient_cm", "sigma2_gm"):
        assert quantity in quantities()


def test_002_threshold_vs_doping_round_trips():
    d = "002_threshold_vs_doping"
    assert _point("n_th", "main batch", d, 0.0).y_value == 1.51
    point = _point("n_th", "main batch", d, 0.94)
    assert point.y_value == 0.80 and point.x_name == "n_doped" and point.kind == "measured"
    assert point.source_file == SEED_FILES["002"] and "Fig. 4d" in point.source_location
    point = _point("n_th", "main batch", d, 1.99)
    assert point.y_value == 0.09 and point.y_err == 0.09


def test_002_other_anchors():
    assert _point("tau_xx_ps", "main batch", "002_dynamics").y_value == 310.0
    lifetimes = {p.x_value: p.y_value for p in measured_points("gain_lifetime_ps", "002_dynamics") if p.x_name == "n_doped"}
    assert lifetimes == {0.0: 500.0, 2.0: 1000.0}
    assert _point("gain_coefficient_cm", "main batch", "002_gain_coefficient").y_value == 800.0
    model = {p.y_value for p in measured_points("n_th", "002_counting_model")}
    assert 1.54 in model


def test_002_gain_lifetimes_vs_excitation_for_fig_5c():
    """[002] Fig. 5c gives numbers only for the highest lifetimes (~0.5 ns undoped, ~1 ns doped).

    They are drawn against <N_X> (x_name n_avg, the GainParams field of <N>) at the highest
    film fluence, 6.6, marked approximate and with their source.
    """
    points = [p for p in measured_points("gain_lifetime_ps", "002_dynamics") if p.x_name == "n_avg"]
    assert sorted((p.x_value, p.y_value) for p in points) == [(6.6, 500.0), (6.6, 1000.0)]
    for point in points:
        assert point.kind == "measured" and point.x_unit == "excitons/dot" and point.y_unit == "ps"
        assert point.source_file == SEED_FILES["002"] and "Fig. 5c" in point.source_location
        assert point.note.startswith("approximate")
        assert "<" not in point.sample  # the sample is the hover label of the marker


def test_001_anchors():
    ratios = {p.sample: p.y_value for p in measured_points("sigma_ratio", "001_measured")}
    assert ratios["CdSe cores (band-edge pumped)"] == 0.10
    assert ratios["CdSe/CdS/ZnS graded alloy"] == 0.18
    assert ratios["CdSe/ZnS/CdSe core/barrier/shell"] == 0.13
    assert ratios["CdSe/CdS/ZnS graded alloy (higher-state pumping)"] == 0.36
    ase = {(p.sample, p.x_value): p.y_value for p in measured_points("ase_threshold_mj_cm2", "001_simple_model")}
    assert ase[("Simple Model 3LS", 0.0)] == 0.27 and ase[("Simple Model 3LS", 1.0)] == 0.69
    assert ase[("Simple Model 4LS", 0.0)] == 0.06 and ase[("Simple Model 4LS", 1.0)] == 0.3
    assert all(p.kind == "paper_model" for p in measured_points(dataset="001_simple_model"))


def test_004_quantum_shell_anchors():
    d = "004_quantum_shells"
    assert _point("ase_threshold_mj_cm2", "8.2 nm", d).y_value == 1.0
    point = _point("tau_xx_ps", "8.2 nm", d)
    assert point.y_value == 11900.0 and point.y_unit == "ps" and point.source_location == "Table 2"
    thresholds = {p.sample: p.y_value for p in measured_points("ase_threshold_mj_cm2", d)}
    assert sorted(thresholds.values()) == [1.0, 1.5, 1.7]
    binding = [p for p in measured_points("xx_binding_mev", d)]
    assert sorted(p.y_value for p in binding) == [-53.0, -49.0, -48.0]
    assert all(p.y_err is not None for p in binding)
    assert _point("sigma2_gm", "6.0 nm", d).y_value == 0.4e6


def test_presets_agree_with_measured_rows():
    """The same number, read from both files, must agree (guards against editing one only)."""
    for preset_id, sample in (("qs_4p5nm", "4.5 nm"), ("qs_6p0nm", "6.0 nm"), ("qs_8p2nm", "8.2 nm")):
        p = PRESETS[preset_id].params
        table2 = [q for q in measured_points("tau_xx_ps", "004_quantum_shells") if sample in q.sample and q.source_location == "Table 2"]
        assert [q.y_value for q in table2] == [p.tau_xx_ps]
        assert _point("sigma2_gm", sample, "004_quantum_shells").y_value == p.sigma2_gm
        assert _point("xx_binding_mev", sample, "004_quantum_shells").y_value == p.xx_binding_mev
        assert _point("ase_threshold_mj_cm2", sample, "004_quantum_shells").x_value == p.dot_volume_nm3
    film = PRESETS["doped_film_002"].params
    assert _point("tau_xx_ps", "main batch", "002_dynamics").y_value == film.tau_xx_ps
    assert _point("sigma1_cm2", "main batch", "002_solution").y_value == film.sigma_pump_cm2
