"""The readout answers one question first, and the rest of the readout agrees with it (issue part 5).

"Gain at ⟨N⟩ = x: yes/no (by the <method> criterion, ⟨N_th⟩ = y)" must be the core's answer for
the selected criterion, checked here three ways: against <N> >= <N_th>, against the core's
criterion at this <N> (``has_gain``), and against the plotted spectrum itself (the sign of the
band / total integral of the net OD_NL, its value at the probe energy, its deepest gain). The
gain lifetime says "no gain" only when that same criterion finds none, and a σ_eff/σ_SE of 0
says why.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

import qdgain_core as core
from components.callbacks import figure_tabs, live
from components.figures.readouts import CRITERION_NOTES, SE_CANCELLED, sigma_ratio_text
from components.page.layout import readout_card
from components.state import state_to_store
from components.url_state import parse_query, to_query
from qdgain_core.observables import has_gain
from qdgain_core.threshold_methods import METHODS, half_maximum_weights

ANSWER = re.compile(r"\*\*Gain at ⟨N⟩ = (?P<n_avg>[0-9.e+-]+): (?P<answer>yes|no)\*\* "
                    r"\(by the (?P<method>\w+) criterion, (?P<where>.+)\)")
# below and above the selected thresholds, doped and undoped, other (chi, eta), resonant pumping
QUERIES = (
    "",
    "?n_avg=0.4",
    "?n_avg=3",
    "?chi=0.3&eta=0.5&n_avg=2.2",
    "?chi=1.8&eta=30&n_doped=0.8&n_avg=1.1",
    "?n_doped=1.6&n_avg=0.6",
    "?pump_mode=resonant&n_avg=1.7",
    "?lineshape_model=gaussian&eta=0.1&n_avg=2.5",
)
STATES = [(query, method) for query in QUERIES for method in METHODS]


def unescaped(markdown: str) -> str:
    """The readout Markdown as the reader sees it (backslash escapes removed)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def params_of(query: str, method: str) -> core.GainParams:
    separator = "&" if query else "?"
    state, notices = parse_query(f"{query}{separator}threshold_method={method}")
    assert notices == []
    return state.params


def store_of(params: core.GainParams) -> dict:
    state, _ = parse_query("")
    state = type(state)(params, state.view)
    return state_to_store(state, to_query(state))


def fast_readout(params: core.GainParams) -> str:
    """The readout Markdown as the fast callback sends it for the controls showing ``params``."""
    return live.update_operating_point({}, {}, store_of(params))["readouts"]


def lifetime_readout(params: core.GainParams, callback: bool = False) -> str:
    """The gain-lifetime readout: through the slow callback, or (cheaper: no ASE curve) its text function."""
    if callback:
        return figure_tabs.update_readouts({}, store_of(params), 31)["lifetime"]
    return figure_tabs.lifetime_text(params)


def answer_of(readout: str) -> re.Match:
    first = unescaped(readout).split("\n", 1)[0]
    match = ANSWER.fullmatch(first)
    assert match, first
    return match


def spectrum_criterion(params: core.GainParams, method: str) -> float:
    """The selected criterion read off the plotted spectrum (units of max OD_0): <= 0 means gain."""
    spectra = core.nonlinear_absorption(params)
    energy, net = spectra.energy_mev, spectra.net
    de = float(energy[1] - energy[0])
    if method == "total":
        return float(net.sum() * de)
    if method in ("window", "band"):
        reference = spectra.sigma_se if method == "window" else spectra.linear_absorption
        return float((half_maximum_weights(reference) * net).sum() * de)
    if method == "probe":
        return float(np.interp(spectra.geometry.emission_mev, energy, net))
    return float(net.min() + params.gain_min_fraction)


@pytest.mark.parametrize(("query", "method"), STATES)
def test_the_answer_is_the_cores_for_the_selected_criterion(query, method):
    params = params_of(query, method)
    threshold = core.gain_threshold(params, method)
    match = answer_of(fast_readout(params))
    said = match["answer"] == "yes"
    assert match["method"] == method and float(match["n_avg"]) == pytest.approx(params.n_avg, rel=1e-3)
    assert said == has_gain(params, method)
    assert said == (threshold.found and params.n_avg >= threshold.n_th)
    if threshold.found:
        assert match["where"] == f"⟨N_th⟩ = {threshold.n_th:.3g} excitons/dot"
    else:
        assert match["where"].startswith("no ⟨N_th⟩ found")
    criterion = spectrum_criterion(params, method)
    if abs(criterion) > 1e-9:  # a value at the threshold itself has no sign to compare
        assert said == (criterion < 0), (criterion, match[0])


@pytest.mark.parametrize("method", METHODS)
def test_the_states_cover_both_answers_for_every_criterion(method):
    answers = {has_gain(params_of(query, method), method) for query in QUERIES}
    assert answers == {True, False}


@pytest.mark.parametrize(("query", "method"), STATES)
def test_the_readout_never_contradicts_its_answer(query, method):
    params = params_of(query, method)
    fast = unescaped(fast_readout(params))
    lifetime = lifetime_readout(params)
    gain = answer_of(fast_readout(params))["answer"] == "yes"
    table = fast.split("\n", 1)[1]
    assert f"⟨N_th⟩ {method} |" not in table  # the selected threshold is in the answer, once
    assert {row.split(" | ")[0].strip("| ") for row in table.splitlines() if "⟨N_th⟩" in row} == {
        f"⟨N_th⟩ {other}" for other in METHODS if other != method}
    if gain:
        assert "no gain" not in lifetime and "no gain" not in fast.split("\n", 1)[0]
        assert re.fullmatch(r"[0-9.e+-]+ ps \(band-integrated A\*, \[002\] Fig\. 5c\)", lifetime) or \
            lifetime.startswith(f"0 ps: gain by the {method} criterion"), lifetime
    else:
        assert lifetime.startswith(f"no gain at this ⟨N⟩ by the {method} criterion"), lifetime


def test_the_default_screen_is_self_consistent():
    """The screen of the issue: ⟨N⟩ = 1.5, window criterion; one answer, and nothing saying otherwise."""
    state, _ = parse_query("")
    params = state.params
    fast = unescaped(fast_readout(params))
    lifetime = lifetime_readout(params, callback=True)
    window = core.gain_threshold(params, "window")
    gain = bool(params.n_avg >= window.n_th)
    assert fast.split("\n", 1)[0] == (f"**Gain at ⟨N⟩ = 1.5: {'yes' if gain else 'no'}** "
                                      f"(by the window criterion, ⟨N_th⟩ = {window.n_th:.3g} excitons/dot)")
    if gain:
        assert "no gain" not in fast + lifetime
    else:
        assert lifetime.startswith("no gain at this ⟨N⟩ by the window criterion")
        assert not re.match(r"[0-9.e+-]+ ps", lifetime)
    assert "(selected)" not in fast and "**σ" not in fast  # no second bold number competing with the answer


def test_lifetime_says_so_when_the_criterion_finds_gain_but_a_star_does_not():
    """peak finds gain at ⟨N⟩ = 1.5 by default while the band-integrated A* does not reach its floor."""
    params = params_of("", "peak")
    assert has_gain(params, "peak") and core.gain_dynamics(params).operating_gain_lifetime_ps == 0
    text = lifetime_readout(params)
    assert text.startswith("0 ps: gain by the peak criterion") and "no gain" not in text


def test_a_cancelled_cross_section_says_why():
    params = params_of("?lineshape_model=gaussian&eta=0.1", "window")
    assert core.sigma_eff_ratio(params) < 1e-9  # ESA mirrors SE exactly: the clip at 0 (or its round-off)
    row = next(line for line in unescaped(fast_readout(params)).splitlines() if line.startswith("| σ_eff/σ_SE"))
    assert row == f"| σ_eff/σ_SE | 0 ({SE_CANCELLED}) |"
    assert sigma_ratio_text(0.0) == f"0 ({SE_CANCELLED})" and sigma_ratio_text(0.25) == "0.25"
    default = next(line for line in unescaped(fast_readout(params_of("", "window"))).splitlines()
                   if line.startswith("| σ_eff/σ_SE"))
    assert SE_CANCELLED not in default


def test_every_criterion_is_explained_next_to_the_readout():
    assert [name for name, _ in CRITERION_NOTES] == list(core.THRESHOLD_METHODS)
    card = str(readout_card().to_plotly_json())
    for name, text in CRITERION_NOTES:
        assert text and text.endswith(".") and text == METHODS[name].description
        assert text in card, name
    assert "What each criterion measures" in card
