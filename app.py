"""qdgain dashboard: optical gain in colloidal quantum dots (Dash app; ``server`` for gunicorn).

Only assembles: create Dash, configure the cache, set the layout, register the callbacks
(the background jobs on the manager of ``components/jobs/backend.py``; ``celery_app`` for the
job workers), harden the server. Run locally with ``qdgain serve`` or ``python app.py`` (HOST, PORT from
the environment, ``components.settings``); serve with ``gunicorn app:server``. Debug mode
is never on.
"""

from __future__ import annotations

import logging

from dash import Dash

from components import settings
from components.callbacks import register_callbacks
from components.jobs.backend import backend
from components.page.layout import build_layout, validation_layout
from components.server.cache_backend import configure_cache
from components.server.startup import secure_app

logging.basicConfig(level=settings.current().log_level.upper(),
                    format="%(asctime)s %(levelname)s %(name)s: %(message)s")

# arg-type / assignment ignored below: dash's annotations say str / None where its docs allow None / a layout
app = Dash(__name__, title="qdgain · optical gain in quantum dots", update_title=None)  # type: ignore[arg-type]
app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # screen readers, hyphenation
server = app.server
celery_app = backend().celery_app  # QDGAIN_CELERY_BROKER set: ``celery -A app:celery_app worker`` runs the jobs
configure_cache(server)
app.layout = build_layout()  # static: the state arrives from the URL through callbacks
app.validation_layout = validation_layout()  # type: ignore[assignment]  # + what the views create while open
register_callbacks()
secure_app(app)  # after every callback: CSP hashes, payload checks, /healthz

if __name__ == "__main__":
    app.run(debug=False, host=settings.current().host, port=settings.current().port)
