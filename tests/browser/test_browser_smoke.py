import http.server
import os
import threading
import time

import pytest

pytestmark = pytest.mark.browser

# The data: icon stops chromium asking for /favicon.ico, whose 404 would be a SEVERE log.
PAGE = b"""<!doctype html><html><head><title>qdgain smoke</title>
<link rel="icon" href="data:,"></head><body>
<a id="dl" href="/data.csv" download>download</a>
<script>console.log("qdgain-smoke-ready")</script></body></html>"""


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        if self.path == "/data.csv":
            body, ctype = b"x,y\n1,2\n", "text/csv"
        else:
            body, ctype = PAGE, "text/html"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    httpd.server_close()


def test_page_loads_without_console_errors(driver, server):
    driver.get(server + "/")
    assert driver.title == "qdgain smoke"
    logs = driver.get_log("browser")
    assert any("qdgain-smoke-ready" in entry["message"] for entry in logs), logs
    assert [e for e in logs if e["level"] == "SEVERE"] == []


def test_download_lands_in_download_dir(driver, server):
    driver.get(server + "/")
    driver.find_element("id", "dl").click()
    target = os.path.join(driver.download_dir, "data.csv")
    deadline = time.monotonic() + 20
    while not os.path.exists(target) and time.monotonic() < deadline:
        time.sleep(0.1)
    with open(target, "rb") as f:
        assert f.read() == b"x,y\n1,2\n"
