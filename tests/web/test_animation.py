"""The animation: the frame plan of each parameter, frames equal to the core, the job request checks, the export."""

from __future__ import annotations

import base64
import io
import json
import struct
import zipfile
import zlib

import numpy as np
import pytest
from dash import no_update

import qdgain_core as core
from components import animation
from components.animation import ANIMATED, FRAME_COUNTS, IMAGE_SIZE_PX, compute_frames, frame_plan
from components.callbacks.animate import export_frames, export_output_text
from components.jobs.kinds import JOB_KINDS
from components.jobs.requests import RequestError, parse_animation
from components.panels import TAB_PANELS
from components.state import default_state
from qdgain_core import FIELD_SPECS
from qdgain_core.ase import default_fluences
from qdgain_core.excitation import n_avg_from_fluence

NET = "Net OD_NL (negative = gain)"
EXPECTED_RANGES = {"n_avg": (0.0, 6.0), "eta": (100.0, 0.1), "n_doped": (0.0, 2.0)}


def request(**changes):
    body = {"params": default_state().params.as_dict(), "parameter": "n_avg", "frames": 10, "tab": "dynamics",
            "view": {"energy_unit": "meV", "hold": None, "map_points": 31, "figure": None}}
    return {**body, **changes}


@pytest.mark.parametrize("name", list(ANIMATED))
@pytest.mark.parametrize("count", FRAME_COUNTS)
def test_the_plan_of_each_parameter(name, count):
    parameter = ANIMATED[name]
    plan = frame_plan(default_state(), name, count, "ase")
    assert len(plan.values) == len(plan.states) == len(plan.texts) == count
    assert plan.panels == ("spectra", *TAB_PANELS["ase"])
    spec = FIELD_SPECS[parameter.field]
    held = [getattr(state.params, parameter.field) for state in plan.states]
    assert all(spec.minimum <= value <= spec.maximum for value in held)
    steps = np.diff(plan.values)
    assert np.all(steps > 0) or np.all(steps < 0)  # monotonic, no repeated frame
    assert parameter.unit in plan.texts[0] and plan.texts[0].startswith(parameter.label)
    if name in EXPECTED_RANGES:
        assert (plan.values[0], plan.values[-1]) == EXPECTED_RANGES[name]
        assert held == list(plan.values)  # the value shown is the value the state holds
    if parameter.log:  # equal ratios (to the 4 digits a state is rounded to)
        ratios = np.array(plan.values[1:]) / np.array(plan.values[:-1])
        np.testing.assert_allclose(ratios, ratios[0], rtol=2e-3)
    else:
        np.testing.assert_allclose(steps, steps[0], rtol=2e-3, atol=1e-3)


def test_the_fluence_frames_sit_on_the_ase_axis_at_the_n_they_create():
    params = default_state().params
    plan = frame_plan(default_state(), "fluence", 12, "ase")
    axis = default_fluences(params)
    assert plan.values[0] == pytest.approx(axis[0], rel=1e-3) and plan.values[-1] <= axis[-1] * (1 + 1e-3)
    expected = n_avg_from_fluence(params, np.array(plan.values))
    np.testing.assert_allclose([s.params.n_avg for s in plan.states], expected, rtol=2e-3)
    assert all(s.params.n_avg <= FIELD_SPECS["n_avg"].maximum for s in plan.states)


def test_a_plan_refuses_counts_outside_the_range():
    for count in (FRAME_COUNTS[0] - 1, FRAME_COUNTS[1] + 1):
        with pytest.raises(ValueError, match="frames"):
            frame_plan(default_state(), "n_avg", count, "ase")


@pytest.mark.parametrize("name", ["n_avg", "eta", "n_doped"])
def test_frames_equal_the_core_at_their_values(name):
    plan = frame_plan(default_state(), name, 10, "cuts")
    frames = compute_frames(plan)
    spectra = next(panel for panel in frames["panels"] if panel["id"] == "spectra")
    assert len(spectra["index"]) == 10 and len(spectra["figures"]) == 10  # every frame differs
    for k in (0, 4, 9):
        figure = spectra["figures"][spectra["index"][k]]
        net = next(trace for trace in figure["data"] if trace["name"] == NET)
        y = np.frombuffer(base64.b64decode(net["y"]["bdata"]), dtype=net["y"]["dtype"])
        expected = core.nonlinear_absorption(plan.states[k].params).net
        np.testing.assert_allclose(y, expected, rtol=1e-5, atol=1e-6 * np.abs(expected).max())
        # one y range over all frames: the axes hold still while it plays
        assert figure["layout"]["yaxis"]["range"] == spectra["figures"][0]["layout"]["yaxis"]["range"]
    assert frames["values"] == list(plan.values) and frames["texts"] == list(plan.texts)


def test_figures_that_do_not_change_are_sent_once():
    frames = compute_frames(frame_plan(default_state(), "n_avg", 10, "phase"))
    maps = [panel for panel in frames["panels"] if panel["id"].startswith("phase_")]
    assert maps and all(len(panel["figures"]) == 1 and panel["index"] == [0] * 10 for panel in maps)


def test_the_fluence_frames_mark_their_fluence_on_the_ase_output():
    plan = frame_plan(default_state(), "fluence", 10, "ase")
    frames = compute_frames(plan)
    output = next(panel for panel in frames["panels"] if panel["id"] == "ase_output")
    lines = [output["figures"][output["index"][k]]["layout"]["shapes"][-1]["x0"] for k in range(10)]
    assert lines == pytest.approx(list(plan.values))


def test_too_many_frame_bytes_fail_with_a_message(monkeypatch):
    monkeypatch.setattr(animation, "FRAME_JSON_BYTES", 1000)
    with pytest.raises(ValueError, match="choose fewer frames"):
        compute_frames(frame_plan(default_state(), "n_avg", 10, "ase"))


def test_the_job_kind_keeps_its_large_result_in_memory():
    kind = JOB_KINDS["animation"]
    assert kind.result_storage == "memory" and kind.parse is parse_animation
    parsed = parse_animation(request(view={"energy_unit": "eV"}))
    assert parsed.state.view.energy_unit == "eV" and parsed.frames == 10 and parsed.tab == "dynamics"


@pytest.mark.parametrize("changes, message", [
    ({"parameter": "chi"}, "parameter"), ({"parameter": ["n_avg"]}, "parameter"), ({"frames": 9}, "frames"),
    ({"frames": 61}, "frames"), ({"frames": "30"}, "frames"), ({"frames": 2.5}, "frames"), ({"tab": "x"}, "tab"),
    ({"view": {"energy_unit": "K"}}, "energy unit"), ({"view": {"pins": "a"}}, "unknown key"),
    ({"evil": 1}, "unknown key"), ({"params": {"n_avg": 1e9}}, "n_avg"),
])
def test_hostile_requests_are_refused_with_the_reason(changes, message):
    with pytest.raises(RequestError, match=message):
        parse_animation(request(**changes))


def png(width: int, height: int) -> bytes:
    """A well-formed grey PNG."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_the_export_zips_one_checked_png_per_frame():
    image = base64.b64encode(png(*IMAGE_SIZE_PX)).decode()
    download, message = export_frames({"request": request(), "panel": "dynamics_astar", "images": [image] * 10})
    archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(download["content"])))
    frames = sorted(name for name in archive.namelist() if name.endswith(".png"))
    assert len(frames) == 10 and frames[0] == "frames/qdgain_dynamics_astar_n_avg_001.png"
    assert all(archive.read(name) == png(*IMAGE_SIZE_PX) for name in frames)
    rows = archive.read("frames.csv").decode().splitlines()
    assert rows[0] == "frame,file,n_avg (excitons/dot)" and len(rows) == 11 and rows[-1].endswith(",6.0")
    assert download["filename"] == "qdgain_dynamics_astar_n_avg_frames.zip" and "10 frames" in message


@pytest.mark.parametrize("payload, reason", [
    ({"panel": "dynamics_astar", "images": [png(*IMAGE_SIZE_PX)] * 10}, "request"),
    ({"request": request(), "panel": "phase_nth", "images": []}, "not one of the animation's"),
    ({"request": request(), "panel": "spectra", "images": ["x"] * 9}, "9 images for 10 frames"),
    ({"request": request(), "panel": "spectra", "images": [base64.b64encode(png(80, 50)).decode()] * 10},
     "not the 800 x 500"),
    ({"request": request(), "panel": "spectra", "images": ["not base64!"] * 10}, "not base64"),
    ({"request": request(), "panel": "spectra", "images": [base64.b64encode(b"GIF89a").decode()] * 10},
     "not a PNG"),
    ("garbage", "no frames"),
])
def test_a_bad_export_gives_a_reason_and_no_zip(payload, reason):
    if isinstance(payload, dict) and "request" not in payload:
        payload = {**payload, "request": {"parameter": "n_avg"}}
    download, message = export_frames(payload)
    assert download is no_update and message.startswith("No zip:") and reason in message


def test_the_export_request_may_carry_the_images():
    from components.server.limits import animation_body_limits, export_body_bytes

    assert export_output_text() == "..animate-download.data...animate-message.children.."
    assert animation_body_limits() == {export_output_text(): export_body_bytes()}


def test_the_player_spec_is_json():
    from components.page.animate_controls import player_spec

    spec = json.loads(json.dumps(player_spec()))
    assert spec["frames"] == list(FRAME_COUNTS) and (spec["width"], spec["height"]) == IMAGE_SIZE_PX
