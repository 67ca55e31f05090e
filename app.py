"""qdgain dashboard: optical gain in colloidal quantum dots (Dash app; ``server`` for gunicorn).

Only assembles: create Dash, configure the cache, set the layout, register the callbacks.
Run locally with ``python app.py`` (HOST, PORT from the environment); serve with
``gunicorn app:server``. Debug mode is never on.
"""

from __future__ import annotations

import logging
import os

from dash import Dash

from components import (
    callbacks_client,
    callbacks_export,
    callbacks_fast,
    callbacks_panels,
    callbacks_state,
    callbacks_views,
)
from components.cache import configure_cache
from components.layout import build_layout
from components.security import secure_app

logging.basicConfig(level=os.environ.get("LOG_LEVEL", "INFO").upper(),
                    format="%(asctime)s %(levelname)s %(name)s: %(message)s")

app = Dash(__name__, title="qdgain · optical gain in quantum dots", update_title=None)
server = app.server
configure_cache(server)
app.layout = build_layout()  # static: the state arrives from the URL through callbacks
for module in (callbacks_state, callbacks_fast, callbacks_panels, callbacks_export, callbacks_client, callbacks_views):
    module.register()
secure_app(app)  # after every callback: CSP hashes, payload checks, /healthz

if __name__ == "__main__":
    app.run(debug=False, host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8050")))
