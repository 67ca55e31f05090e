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
    DATA_VIEW = "data-view"
    DATASETS_SUMMARY = "datasets-summary"  # id, file, kind, points of each dataset (small: what the forms read)
    DATASETS_STORE = "datasets-store"  # session storage: the user's datasets ({"id", "file", "dataset"} each)
    SPECTRA_OVERLAY = "spectra-overlay"  # decimated spectra data for the drag path (components/figures/data_overlay)
    PANEL_OVERLAY = "panel-overlay"  # decimated data of the other panels, drawn by the figure tabs
    UPLOAD = "data-upload"
    UPLOAD_LINEAR = "data-upload-linear"
    UPLOAD_MESSAGE = "data-upload-message"
    UPLOAD_PREVIEW = "data-upload-preview"
    UPLOAD_KIND = "data-upload-kind"
    UPLOAD_UNIT = "data-upload-unit"
    UPLOAD_AXIS = "data-upload-axis"
    UPLOAD_NAME = "data-upload-name"
    UPLOAD_ADD = "data-upload-add"
    UPLOAD_MAPPING = "data-upload-mapping"
    DATASET_LIST = "data-list"
    DATA_DOWNLOAD = "data-download"
    FIT_FORM_MESSAGE = "fit-form-message"
    FIT_FORM_SLOT = "fit-form-slot"
    MAP_FORM_SLOT = "map-form-slot"
    SWEEP_FORM_SLOT = "sweep-form-slot"
    FIT_FORM_STORE = "fit-form"  # the ticked parameters and their checked bounds (small)
    FIT_REPORT = "fit-report"
    FIT_DOWNLOAD = "fit-download"
    FIT_APPLY = "fit-apply"
    MAP_JOB_POINTS = "map-job-points"
    MAP_JOB_HOLD = "map-job-hold"
    MAP_JOB_MESSAGE = "map-job-message"
    MAP_JOB_REPORT = "map-job-report"
    SWEEP_MESSAGE = "sweep-message"
    SWEEP_REPORT = "sweep-report"
    # issue 12, state (F3): the lesson open in the Learn view and the pins, both kept in the URL
    LESSON_STORE = "lesson-store"  # {"lesson": id or None, "step": 1-based int or None} (components/state.py)
    PINS_STORE = "pins-store"  # the pins in store form (components/pins.py pins_to_store), [] for none
    PIN_NAME = "pin-name"
    PIN_ADD = "pin-add"
    PIN_MESSAGE = "pin-message"
    PIN_TABLE = "pin-table"
    # issue 12, energy-level picture (F2): the browser draws into LEVEL_PICTURE from LEVEL_DATA (assets/levels.js)
    LEVEL_DATA = "level-data"  # components/level_geometry.py level_data of the committed advanced parameters
    LEVEL_PICTURE = "level-picture"  # the SVG's container (filled by the browser, no Dash children)
    # issue 12, animate (F4): the bar above the figure tabs; its controls are created on first open
    ANIMATE_OPEN = "animate-open"
    ANIMATE_BAR = "animate-bar"  # the bar (hidden while closed)
    ANIMATE_SLOT = "animate-slot"  # the parameter and frame choices, created on first open
    ANIMATE_PLAYER = "animate-player"  # the player's container (filled by assets/animate.js, no Dash children)
    ANIMATE_SPEC = "animate-spec"  # image size and limits for the player's export
    ANIMATE_IMAGES = "animate-images"  # the PNGs of one panel's frames, rendered by the browser (server/limits.py)
    ANIMATE_DOWNLOAD = "animate-download"
    ANIMATE_MESSAGE = "animate-message"
    # issue 12, Learn view (F1): created while open (components/page/learn_view.py), plus the dashboard's strips
    LEARN_VIEW = "learn-view"
    LEARN_MODE = "learn-mode"  # "teach" (the teacher's page, #teach) or "learn" (browser-side, from the hash)
    LEARN_ANSWER = "learn-answer"  # the open step's radio buttons or number box
    LEARN_CHECK = "learn-check"
    LEARN_FEEDBACK = "learn-feedback"
    LESSON_SUMMARY = "lesson-summary"  # per lesson and step: title, panel, tab, what to watch, link (small)
    LESSON_BANNER = "lesson-banner"  # on the dashboard: the open lesson step, and a way back to it
    LESSON_BANNER_TEXT = "lesson-banner-text"
    LESSON_BANNER_STATE = "lesson-banner-state"
    LESSON_BANNER_CLOSE = "lesson-banner-close"
    START_HERE = "start-here"  # the first-visit strip above the dashboard
    START_HERE_CLOSE = "start-here-close"
    START_HERE_RAISE = "start-here-raise"  # the first move: ⟨N⟩ to 1, its slider pointed at


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


def data_column(column: Any) -> dict[str, Any]:
    """Mapping dropdown of the upload dialog: which file column holds canonical ``column``."""
    return {"type": "data-column", "column": column}


def data_remove(dataset_id: Any) -> dict[str, Any]:
    """"Remove" button of one uploaded dataset."""
    return {"type": "data-remove", "dataset": dataset_id}


def data_export(dataset_id: Any) -> dict[str, Any]:
    """"CSV" button of one uploaded dataset (its canonical layout)."""
    return {"type": "data-export", "dataset": dataset_id}


def fit_free(field: Any) -> dict[str, Any]:
    """Checkbox: fit ``field`` (a float field of GainParams or a fit-only parameter)."""
    return {"type": "fit-free", "field": field}


def fit_bound(field: Any, side: str) -> dict[str, Any]:
    """Lower (``side`` "lo") or upper ("hi") bound box of a free fit parameter."""
    return {"type": f"fit-{side}", "field": field}


def sweep_axis(part: str, axis: Any) -> dict[str, Any]:
    """One box of a sweep axis row: ``part`` is name, start, stop, points or log; ``axis`` 0, 1 or 2."""
    return {"type": f"sweep-{part}", "axis": axis}


def job_request(kind: str) -> str:
    """dcc.Store (memory) of a background job's request, ``{"kind", "request"}`` or None (written by the forms)."""
    return f"job-request-{kind}"


def job_start(kind: str) -> str:
    """Button that starts a background job of ``kind`` (``components/callbacks/jobs.py``)."""
    return f"job-start-{kind}"


def job_cancel(kind: str) -> str:
    """Button that cancels the running job of ``kind``."""
    return f"job-cancel-{kind}"


def job_retry(kind: str) -> str:
    """Button that submits the job again; shown when it failed or its worker was lost."""
    return f"job-retry-{kind}"


def job_progress(kind: str) -> str:
    """html.Progress of the running job (value 0-100, from the core's progress callbacks)."""
    return f"job-progress-{kind}"


def job_progress_text(kind: str) -> str:
    """What the running job says it is doing (the core's progress text)."""
    return f"job-progress-text-{kind}"


def job_status(kind: str) -> str:
    """Status line of a job (role=status): queued, running on which worker, done, failed, worker lost."""
    return f"job-status-{kind}"


def job_result(kind: str) -> str:
    """dcc.Store (session) of the last finished job: ``{"kind", "key", "request", "result", "worker", ...}``."""
    return f"job-result-{kind}"


def job_watch(kind: str) -> str:
    """dcc.Interval that checks the job board while a job of ``kind`` is out (disabled otherwise)."""
    return f"job-watch-{kind}"


def job_download(kind: str) -> str:
    """dcc.Download of a job result's CSV (kinds with a CSV export)."""
    return f"job-download-{kind}"


def job_download_button(kind: str) -> str:
    """"CSV" button of a job result (kinds with a CSV export)."""
    return f"job-csv-{kind}"


def fit_export(file_format: Any) -> dict[str, Any]:
    """Export button of the fit report ("csv" or "json")."""
    return {"type": "fit-export", "format": file_format}


def pin_restore(index: Any) -> dict[str, Any]:
    """"Restore" button of the pin in slot ``index``: that pin's state becomes the dashboard's."""
    return {"type": "pin-restore", "index": index}


def pin_remove(index: Any) -> dict[str, Any]:
    """"×" button of the pin in slot ``index``."""
    return {"type": "pin-remove", "index": index}


def animate_choice(choice: Any) -> dict[str, Any]:
    """A choice of the Animate bar ("parameter", "frames"); pattern-matching, as the bar's controls exist only
    once it was opened (``callbacks.animate``)."""
    return {"type": "animate-choice", "choice": choice}
