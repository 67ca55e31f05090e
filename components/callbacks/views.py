"""Which view is on screen: the dashboard or the About page.

The switch is a radio group (``layout.view_switch``) whose value also follows the URL hash
(``callbacks.browser``). The browser hides one view and shows the other; the About page's
components (equations typeset by MathJax, tables) exist only while it is open, so they
add nothing to the work Dash's renderer does for every slider move.
"""

from __future__ import annotations

from typing import Any

import dash
from dash import Input, Output

from components.ids import ID
from components.page.about import about_tab
from components.page.layout import ABOUT_TAB


def about_content(view: Any) -> Any:
    """Callback body: the About page while it is open, nothing otherwise."""
    return about_tab() if view == ABOUT_TAB else None


def register() -> None:
    """Register the About content (the view switch itself is browser-side, in ``browser``)."""
    dash.callback(Output(ID.ABOUT_VIEW, "children"), Input(ID.VIEW, "value"), prevent_initial_call=True)(about_content)
