"""The level picture's payload (components/level_geometry.py) against the core.

The browser's own numbers are checked in tests/browser/test_browser_levels.py; here the payload
itself: its lattice constants are the core's, its per-process coefficient table and doping table
reproduce the areas of the spectra's parts, and it depends only on the advanced parameters.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from dash.exceptions import PreventUpdate

from components.callbacks.levels import level_payload
from components.figures.common import COLORS
from components.ids import ID
from components.level_geometry import DOPING_STEP, PROCESSES, lattice_constants, level_data
from components.page.layout import build_layout
from qdgain_core import GainParams
from qdgain_core.ensemble import bath_for
from qdgain_core.statistics import doping_fractions, occupation_probabilities

AREA_TOLERANCE = 1e-8  # lines are area-normalised on their grids; the doping table keeps 9 decimals
STATES = (
    {},
    {"n_avg": 2.5, "n_doped": 0.7, "chi": 1.4},
    {"n_avg": 0.6, "n_doped": 1.5, "sigma_1s_mv": 40.0, "plqy": 0.6},
    {"pump_mode": "resonant", "n_avg": 1.2},
    {"counting": "sites", "include_esa": False, "n_avg": 1.8},
    {"thermalize": False, "xe_strength": 0.4, "high_offset_mev": 60.0, "n_avg": 4.0, "n_doped": 0.3},
)


def payload_weights(data: dict, params: GainParams) -> dict[str, float]:
    """Σ_n f_n Σ_N P_N C[n][N] of the payload at the params' ⟨N⟩ (⟨n⟩ taken from the doping table's point)."""
    coefficients = np.asarray(data["coefficients"])
    probabilities = occupation_probabilities(np.array(params.n_avg), params.pump_mode, params.pump_sites,
                                             coefficients.shape[1] - 1)
    fractions = np.asarray(data["doping"]["fractions"])[round(params.n_doped / DOPING_STEP)]
    weights = np.einsum("n,k,nkp->p", fractions, probabilities, coefficients)
    return {process.name: float(w) for process, w in zip(PROCESSES, weights, strict=True)}


def part_areas(params: GainParams) -> dict[str, float]:
    from qdgain_core.ensemble import nonlinear_absorption

    spectra = nonlinear_absorption(params)
    area = float(np.sum(spectra.linear_absorption))
    return {"absorption": float(np.sum(spectra.ground_state_absorption)) / area,
            "se": float(np.sum(spectra.stimulated_emission)) / area,
            "esa": float(np.sum(spectra.excited_state_absorption)) / area,
            "xx": float(np.sum(spectra.biexciton_emission)) / area}


@pytest.mark.parametrize("overrides", STATES, ids=lambda o: ",".join(o) or "defaults")
def test_payload_weights_are_the_areas_of_the_spectra_parts(overrides):
    params = GainParams(**overrides)
    expected = part_areas(params)
    got = payload_weights(level_data(params), params)
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, abs=AREA_TOLERANCE), name


def test_an_undoped_unexcited_ensemble_only_absorbs_with_weight_one():
    got = payload_weights(level_data(GainParams()), GainParams(n_avg=0.0))
    assert got == pytest.approx({"absorption": 1.0, "se": 0.0, "esa": 0.0, "xx": 0.0}, abs=1e-15)


def test_lattice_constants_are_the_cores():
    for params in (GainParams(), GainParams(lineshape_model="gaussian"), GainParams(xi=1.7, temperature_k=80.0)):
        bath, constants = bath_for(params), lattice_constants(params)
        assert constants["fixed_mev"] == bath.fixed_reorganization_mev
        assert constants["variance_per_lambda_mev"] == bath.bath_variance_per_lambda_mev
        assert constants["sigma_mev"] == bath.gaussian_sigma_mev
        assert constants["homogeneous_mev"] == bath.homogeneous_reorganization_mev
        assert constants["rho"] == pytest.approx((params.xi - 1.0) ** 2)
        assert constants["model"] == params.lineshape_model


def test_doping_table_is_the_cores_on_the_slider_grid():
    params = GainParams(sigma_1s_mv=30.0, charging_energy_mev=8.0)
    table = np.asarray(level_data(params)["doping"]["fractions"])
    assert table.shape == (round(2.0 / DOPING_STEP) + 1, 3)
    assert np.allclose(table.sum(axis=1), 1.0, atol=1e-8)
    for index in (0, 37, 200, 311, 400):
        expected = doping_fractions(index * DOPING_STEP, 8.0, params.doping_temperature_k, 30.0)
        assert table[index] == pytest.approx(expected, abs=1e-9)


def test_payload_depends_only_on_the_advanced_parameters():
    moved = GainParams(chi=2.0, eta=0.2, stokes_mev=70.0, xx_binding_mev=-40.0, n_doped=1.1, n_avg=5.0)
    assert level_data(moved) == level_data(GainParams())
    assert level_data(GainParams(e_a_mev=2300.0)) != level_data(GainParams())


def test_payload_is_small_json_with_the_spectra_colours():
    data = level_data(GainParams())
    assert len(json.dumps(data)) < 20_000
    assert [p["color"] for p in data["processes"]] == [COLORS[k] for k in ("ground", "se", "esa", "xx")]
    assert data["container"] == ID.LEVEL_PICTURE
    assert set(data["sliders"]) == set(data["fields"])


def test_callback_sends_the_payload_of_the_revision_and_defaults_for_garbage():
    with pytest.raises(PreventUpdate):
        level_payload(None)
    assert level_payload({"params": {"e_a_mev": 2300.0}})["e_a_mev"] == 2300.0
    assert level_payload("garbage") == level_data(GainParams())


def test_the_card_mounts_an_empty_container_and_the_store():
    layout = build_layout()
    found = {}

    def walk(component):
        component_id = getattr(component, "id", None)
        if component_id in (ID.LEVEL_PICTURE, ID.LEVEL_DATA):
            found[component_id] = component
        children = getattr(component, "children", None)
        for child in children if isinstance(children, list) else [children]:
            if child is not None and not isinstance(child, str):
                walk(child)

    walk(layout)
    assert set(found) == {ID.LEVEL_PICTURE, ID.LEVEL_DATA}
    assert found[ID.LEVEL_PICTURE].children is None  # the browser draws into it; Dash never re-renders it
