"""Benchmark of the paper figures (not a test): prints JSON with the time each part takes.

(a) ``paper_figure(id)`` for every figure, cold (fresh process caches) and warm: the
    comparisons (reproduction claims) and the model curves the CLI and the cards use;
(b) the Paper figures view: building its cards and one thumbnail per card (the panel figure
    in the card's state, as the browser asks for it), cold and warm, with the in-process cache.
Run: .venv/bin/python -m benchmarks.bench_gallery
"""

from __future__ import annotations

import json
import os
import platform
import time
from collections.abc import Callable
from typing import Any


def _timed(action: Callable[[], Any]) -> float:
    start = time.perf_counter()
    action()
    return 1e3 * (time.perf_counter() - start)


def main() -> None:
    """Print the benchmark as JSON."""
    from qdgain_core.paper_figures import FIGURES, paper_figure

    cold = {figure_id: _timed(lambda figure_id=figure_id: paper_figure(figure_id)) for figure_id in FIGURES}
    warm = {figure_id: _timed(lambda figure_id=figure_id: paper_figure(figure_id)) for figure_id in FIGURES}

    import app  # noqa: F401  (configures the in-process cache, as the dashboard runs)
    from components.callbacks.gallery import gallery_thumbnail
    from components.page.gallery import gallery_view

    with app.server.app_context():
        view_ms = _timed(gallery_view)
        thumbnails = {figure_id: _timed(lambda figure_id=figure_id: gallery_thumbnail({"figure": figure_id}))
                      for figure_id in FIGURES}
        thumbnails_warm = sum(_timed(lambda figure_id=figure_id: gallery_thumbnail({"figure": figure_id}))
                              for figure_id in FIGURES)
    slowest = sorted(thumbnails.items(), key=lambda item: -item[1])[:3]
    print(json.dumps({
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "figures": len(FIGURES),
        "paper_figure_all_cold_ms": round(sum(cold.values()), 1),
        "paper_figure_slowest_cold_ms": {k: round(v, 1) for k, v in sorted(cold.items(), key=lambda i: -i[1])[:3]},
        "paper_figure_all_warm_ms": round(sum(warm.values()), 1),
        "gallery_cards_ms": round(view_ms, 1),
        "thumbnails_all_cold_ms": round(sum(thumbnails.values()), 1),
        "thumbnail_slowest_cold_ms": {k: round(v, 1) for k, v in slowest},
        "thumbnails_all_warm_ms": round(thumbnails_warm, 1),
    }, indent=1))


if __name__ == "__main__":
    main()
