"""Send only what changed: every output a callback returns costs the browser a store update.

Dash's renderer applies each returned property as one store action, and each action makes
every mounted component re-check its props, whether or not the value differs. Texts that
usually stay the same (empty notices) are therefore compared with what the page shows
(a ``State`` of the same property) and left alone when equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dash import no_update


def _shown(value: Any) -> Any:
    return "" if value is None else value


def if_changed(new: Any, shown: Any) -> Any:
    """``new``, or ``no_update`` when the page already shows it (None counts as empty text)."""
    if isinstance(new, str) and isinstance(_shown(shown), str) and new == _shown(shown):
        return no_update
    return new


def each_if_changed(new: Sequence[Any], shown: Any) -> list[Any]:
    """``if_changed`` element-wise; ``shown`` of the wrong shape changes nothing (everything is sent)."""
    if not isinstance(shown, (list, tuple)) or len(shown) != len(new):
        return list(new)
    return [if_changed(value, old) for value, old in zip(new, shown, strict=True)]
