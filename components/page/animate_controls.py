"""The "Animate" bar above the figure tabs: a button that opens it, and its controls, created on first open.

``animate_bar`` is in the main layout: the button, the hidden bar with the job box ("Compute frames",
progress, Cancel: the frames are a background job), the player's container, which
``assets/animate.js`` fills with Play/Pause, speed, the frame slider, the value and the export once
frames arrive, and the small stores the player needs (its spec, the images it rendered for the zip,
the download). The two choices with the heavier components, the parameter (``animation.ANIMATED``)
and the number of frames (``animate_controls``), are created the first time the bar is opened
(``callbacks.animate``).
"""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from components import ids
from components.animation import ANIMATED, DEFAULT_FRAMES, FRAME_COUNTS, IMAGE_SIZE_PX
from components.export import IMAGE_LIMITS
from components.ids import ID
from components.page.jobs_panel import job_box

KIND = "animation"


def parameter_label(name: str) -> str:
    """A dropdown entry: the parameter and its range ("⟨N⟩: 0 → 6 excitons/dot")."""
    parameter = ANIMATED[name]
    if parameter.start is None or parameter.stop is None:
        return f"{parameter.label} ({parameter.unit}): over the ASE fluence axis, log"
    unit = f" {parameter.unit}" if parameter.unit else ""
    return f"{parameter.label}: {parameter.start:g} → {parameter.stop:g}{unit}{', log' if parameter.log else ''}"


def player_spec() -> dict[str, Any]:
    """What ``assets/animate.js`` needs: the frame counts, the frame size and the image limits
    (``export.IMAGE_LIMITS``)."""
    return {"width": IMAGE_SIZE_PX[0], "height": IMAGE_SIZE_PX[1], "png_bytes": IMAGE_LIMITS.png_bytes,
            "total_bytes": IMAGE_LIMITS.total_bytes, "images": ID.ANIMATE_IMAGES, "frames": list(FRAME_COUNTS),
            "default_frames": DEFAULT_FRAMES, "player": ID.ANIMATE_PLAYER, "message": ID.ANIMATE_MESSAGE}


def animate_bar() -> html.Div:
    """The button and the bar (hidden): the slot of the choices, the job box, the player, the export's stores."""
    return html.Div(className="animate-area", children=[
        html.Button("▶ Animate a parameter…", id=ID.ANIMATE_OPEN, n_clicks=0, className="button small animate-open",
                    title="Play ⟨N⟩, η, ⟨n_1S(e)⟩ or the pump fluence over its range as an animation of the spectra "
                          "and the open tab's figures"),
        html.Div(id=ID.ANIMATE_BAR, className="animate-bar", hidden=True, children=[
            html.Div(className="animate-form", children=[html.Div(id=ID.ANIMATE_SLOT, className="animate-slot"),
                                                         job_box(KIND, "Compute frames")]),
            html.P("The frames show the spectra and the open tab's figures, every other parameter as now; computed "
                   "once (in the background), then played here in the browser.", className="animate-note"),
            html.Div(id=ID.ANIMATE_PLAYER, className="animate-player"),
            html.P("", id=ID.ANIMATE_MESSAGE, className="animate-message", role="status"),
        ]),
        dcc.Store(id=ID.ANIMATE_SPEC, data=player_spec()),
        dcc.Store(id=ID.ANIMATE_IMAGES, storage_type="memory"),
        dcc.Download(id=ID.ANIMATE_DOWNLOAD),
    ])


def animate_controls() -> list[Any]:
    """The choices (created on first open): the parameter and the number of frames."""
    return [
        html.Label(["Parameter", dcc.Dropdown(
            id=ids.animate_choice("parameter"),
            options=[{"label": parameter_label(name), "value": name} for name in ANIMATED],
            value=next(iter(ANIMATED)), clearable=False, searchable=False, className="animate-parameter")],
            className="animate-field"),
        html.Label(["Frames", dcc.Input(
            id=ids.animate_choice("frames"), type="number", min=FRAME_COUNTS[0], max=FRAME_COUNTS[1], step=1,
            value=DEFAULT_FRAMES, debounce=True, className="animate-frames")],
            className="animate-field", title=f"{FRAME_COUNTS[0]} to {FRAME_COUNTS[1]} frames"),
    ]
