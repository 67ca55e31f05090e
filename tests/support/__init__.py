"""Test helpers that tests, scripts and benchmarks import as ``tests.support.<module>`` (no path hacks).

* ``server_harness``: start the app (python app.py or gunicorn) and redis-server on loopback, bounded in time.
* ``dash_client``: a Dash client over HTTP that calls callbacks as the renderer does.
* ``browser_side``: Python mirrors of the browser-side callbacks, for the HTTP client.
* ``browser``: headless Chromium + chromedriver for the browser tests.
* ``core_values``: what the dashboard should show, from the core: the oracle of the value tests.
"""
