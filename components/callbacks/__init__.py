"""Everything that registers with Dash: server callbacks by job, and every browser-side callback (``browser``)."""

from __future__ import annotations

from components.callbacks import (
    animate,
    browser,
    commit,
    downloads,
    figure_tabs,
    fit_view,
    gallery,
    jobs,
    learn,
    levels,
    live,
    pins,
    uploads,
    views,
)

MODULES = (commit, live, figure_tabs, downloads, views, gallery, jobs, uploads, fit_view, levels, animate, learn,
           pins, browser)


def register_callbacks() -> None:
    """Register every callback of the dashboard (call once, before ``secure_app``)."""
    for module in MODULES:
        module.register()
