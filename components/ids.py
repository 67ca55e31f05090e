"""Every component ID of the dashboard, declared in one place.

Fixed components are constants of ``ID``; per-field and per-panel components get their IDs
from the functions below, so layout, callbacks and tests never spell an ID by hand.
"""

from __future__ import annotations

from typing import Any


class ID:
    """IDs of the singleton components."""

    LOCATION = "url"
    STATE_STORE = "state-store"
    REVISION_STORE = "state-revision"
    MAP_KEY_STORE = "phase-map-key"
    OPERATING_KEY_STORE = "operating-point-key"
    VIEW = "view"
    PANEL_TABS = "panel-tabs"
    CONTROL_TABS = "control-tabs"
    TAB_NAMES = "tab-names"
    DASHBOARD_VIEW = "dashboard-view"
    ABOUT_VIEW = "about-view"
    NOTICES = "notices"
    LINK_NOTICES = "link-notices"
    SLIDER_SPECS = "slider-specs"
    FIELD_RULES = "field-rules"
    NOTICES_BOX = "notices-box"
    LINK_NOTICES_BOX = "link-notices-box"
    HISTORY_STORE = "history-search"
    UNDO = "undo"
    REDO = "redo"
    APPLIED_STORE = "applied-main-values"
    PRESET = "preset"
    PRESET_INFO = "preset-info"
    RESET = "reset"
    COPY_LINK = "copy-link"
    DOWNLOAD_ALL = "download-all"
    DOWNLOAD = "download"
    DOWNLOAD_BUNDLE = "download-bundle"  # the zip (its request carries the images: server/limits.py)
    EXPORT_STYLE = "export-style"
    CSV_LAYOUT = "csv-layout"
    EXPORT_SPEC = "export-spec"
    EXPORT_IMAGES = "export-images"
    MAP_POINTS = "map-points"
    MAP_HOLD = "map-hold"
    MAP_HOLD_NOTE = "map-hold-note"
    READOUT_FAST = "readout-operating"
    READOUT_ASE = "readout-ase"
    READOUT_LIFETIME = "readout-lifetime"
    GEOMETRY_NOTE = "geometry-note"
    ENERGY_UNIT = "energy-unit"
    PAPER_FIGURE = "paper-figure"
    PAPER_FIGURE_BANNER = "paper-figure-banner"
    PAPER_FIGURE_CLEAR = "paper-figure-clear"
    PAPER_FIGURE_TEXT = "paper-figure-text"
    GALLERY_VIEW = "gallery-view"


def slider(field: str) -> str:
    """Slider of a main field (position = value, or log10(value) for log fields)."""
    return f"slider-{field}"


def number(field: str) -> str:
    """Number input of a main field (always in the field's own unit)."""
    return f"number-{field}"


def advanced(field: str) -> str:
    """Control of an advanced field (number input, dropdown or checklist)."""
    return f"advanced-{field}"


def field_message(field: str) -> str:
    """What the input rule changed in a field's box (``control_values``); empty when the box is valid.

    Its ``n_clicks`` dismisses it."""
    return f"message-{field}"


def dismiss(target: str) -> str:
    """The "×" button that dismisses a notice list (``target``: the notice list's id)."""
    return f"dismiss-{target}"


def graph(panel: str) -> str:
    """dcc.Graph of a panel."""
    return f"graph-{panel}"


def csv_button(panel: str) -> str:
    """"CSV" download button of a panel."""
    return f"csv-{panel}"


def png_button(panel: str) -> str:
    """"PNG" download button of a panel (at the export size, assets/export.js)."""
    return f"png-{panel}"


def svg_button(panel: str) -> str:
    """"SVG" download button of a panel (at the export size, assets/export.js)."""
    return f"svg-{panel}"


def panel_notice(panel: str) -> str:
    """Notice line under a panel (errors, no-gain explanations)."""
    return f"notice-{panel}"


def paper_note(panel: str) -> str:
    """Under a panel: the paper's values drawn over it and the deviation (when a paper figure is shown)."""
    return f"paper-note-{panel}"


def gallery_thumbnail(figure_id: Any) -> dict[str, Any]:
    """The thumbnail graph of a Paper-figures card (pattern-matching id, one callback for all cards)."""
    return {"type": "gallery-thumbnail", "figure": figure_id}


def tab(value: str) -> str:
    """Header of a tab (the figure tabs and the two halves of the control column)."""
    return f"tab-{value}"


def commit_store(tab: str) -> str:
    """Committed control values a figure tab is asked to draw (written by the browser-side gate)."""
    return f"commit-{tab}"


def drawn_store(tab: str) -> str:
    """Committed control values a figure tab has drawn (written by the tab's callback once it drew them)."""
    return f"drawn-{tab}"
