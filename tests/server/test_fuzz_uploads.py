"""Hostile files through the dashboard's upload, against the real app under gunicorn.

Every generated case of tests/core/test_data_files_fuzz.py (binary, NUL bytes, huge, NaN, wrong
delimiters, formula cells, non-UTF-8, ...; more than 200) is dropped on the upload the way the
browser sends it (a base64 data URL in the callback body). The answer must be 2xx or 4xx with a
clean body: never a 5xx, never a stack trace, always within a time bound; the server worker's
memory must stay bounded over the whole run. The dialog's other two steps (preview as every kind,
Add) run on the same files through their callback bodies.
"""

from __future__ import annotations

import base64
import time

import psutil
import pytest

from components.callbacks import uploads
from components.ids import ID
from qdgain_core.datasets import DATASET_KINDS
from tests.core.test_data_files_fuzz import CASES
from tests.support.dash_client import DashClient
from tests.support.server_harness import gunicorn_server

pytestmark = pytest.mark.slow

TRACE_MARKERS = ("Traceback", 'File "', "Werkzeug Debugger")
SECONDS_PER_UPLOAD = 5.0
RSS_GROWTH_BYTES = 256 * 1024 * 1024


def data_url(content: bytes | str) -> str:
    raw = content if isinstance(content, bytes) else content.encode("utf-8", "surrogatepass")
    return "data:text/csv;base64," + base64.b64encode(raw).decode("ascii")


@pytest.fixture(scope="module")
def server():
    with gunicorn_server(workers=1, env=None) as srv:
        yield srv


def worker_rss(server) -> int:
    """Resident memory (bytes) of the gunicorn worker processes under the server's master."""
    master = psutil.Process(server.popen.pid)
    return sum(child.memory_info().rss for child in master.children(recursive=True))


def test_every_hostile_file_gets_a_clean_answer_and_memory_stays_bounded(server):
    client = DashClient(server.url, timeout=60)
    upload = next(cb for cb in client.callbacks if cb.reads(ID.UPLOAD, "contents") and cb.writes(ID.UPLOAD_MESSAGE))
    before = worker_rss(server)
    statuses: dict[int, int] = {}
    for case in CASES:
        started = time.perf_counter()
        response = client.call(upload, {f"{ID.UPLOAD}.contents": data_url(case.content),
                                        f"{ID.UPLOAD}.filename": f"{case.id}.csv"})
        elapsed = time.perf_counter() - started
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        assert response.status_code < 500, (case.id, response.status_code, response.text[:300])
        assert not any(marker in response.text for marker in TRACE_MARKERS), (case.id, response.text[:300])
        assert elapsed < SECONDS_PER_UPLOAD, (case.id, elapsed)
        if response.status_code == 200:
            message = response.json()["response"][ID.UPLOAD_MESSAGE]["children"]
            assert isinstance(message, str) and case.id in message and len(message) < 600, (case.id, message)
    assert statuses.get(200, 0) > 150, statuses  # most cases reach the parser (the rest: body caps, 413)
    growth = worker_rss(server) - before
    assert growth < RSS_GROWTH_BYTES, f"the worker grew by {growth / 2**20:.0f} MiB over {len(CASES)} uploads"


@pytest.mark.parametrize("case", CASES[::3], ids=[case.id for case in CASES[::3]])
def test_preview_and_add_refuse_or_read_every_hostile_file(case):
    contents = data_url(case.content)
    column_ids = [{"type": "data-column", "column": "x"}]
    for kind in DATASET_KINDS:
        started = time.perf_counter()
        answer = uploads.preview(kind, case.id, None, None, [None], column_ids, None, contents, f"{case.id}.csv")
        assert time.perf_counter() - started < SECONDS_PER_UPLOAD
        assert isinstance(answer["disabled"], bool)
        added = uploads.add(1, kind, case.id, None, None, [None], column_ids, None, contents, f"{case.id}.csv", None)
        message = added["message"]
        assert isinstance(message, str) and not any(marker in message for marker in TRACE_MARKERS)
        if answer["disabled"]:
            assert "was not added" in message, message  # a file the preview refuses is never added
