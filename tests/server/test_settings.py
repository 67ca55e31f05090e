"""components/settings.py: the README's Configuration table is ``VARIABLES``, and ``load`` parses strictly.

``load`` is tested on plain mappings (never on this process's environment): the defaults,
blank values, every malformed value (a SettingsError naming the variable, the value and
what is allowed) and the special words.
"""

from __future__ import annotations

import re

import pytest

from components.settings import VARIABLES, Settings, SettingsError, default_workers, load
from tests.support.server_harness import ROOT

NAMES = tuple(variable.name for variable in VARIABLES)


def readme_configuration_rows() -> list[tuple[str, str, str]]:
    """(variable, meaning, default) of each row of the README's Configuration table."""
    readme = (ROOT / "README.md").read_text()
    match = re.search(r"^## Configuration\n(.*?)(?=^## )", readme, re.M | re.S)
    assert match, "README.md has no Configuration section"
    lines = [line.strip() for line in match.group(1).splitlines() if line.strip().startswith("|")]
    assert lines[:2] == ["| variable | meaning | default |", "| --- | --- | --- |"], lines[:2]
    rows = []
    for line in lines[2:]:
        cells = [cell.strip() for cell in line.strip("|").split(" | ")]
        assert len(cells) == 3, f"not three cells: {line}"
        name = cells[0]
        assert re.fullmatch(r"`[A-Z_]+`", name), f"one variable per row, in backticks: {name}"
        rows.append((name.strip("`"), cells[1], cells[2]))
    return rows


def test_readme_table_is_settings_variables():
    rows = readme_configuration_rows()
    assert [row[0] for row in rows] == list(NAMES), "README rows and VARIABLES differ in names or order"
    assert rows == [(v.name, v.meaning, v.default_text) for v in VARIABLES]


def test_defaults():
    settings = load({})
    assert settings == Settings()
    for variable in VARIABLES:
        assert getattr(settings, variable.field) == variable.default, variable.name
    assert settings.shared_cache_url is None
    assert settings.worker_count == default_workers()


def test_blank_means_default():
    assert load({name: "" for name in NAMES}) == Settings()
    assert load({name: "  \t" for name in NAMES}) == Settings()


def test_values_are_parsed():
    settings = load({"HOST": "0.0.0.0", "PORT": " 9000 ", "QDGAIN_CACHE_THRESHOLD": "5000",
                     "QDGAIN_PRELOAD": "no", "LOG_LEVEL": "WARNING", "QDGAIN_THREADS": "4"})
    assert (settings.host, settings.port, settings.cache_threshold) == ("0.0.0.0", 9000, 5000)
    assert settings.preload is False and settings.log_level == "warning" and settings.threads == 4
    assert load({"QDGAIN_PRELOAD": "On"}).preload is True


def test_access_log_off_disables_it():
    assert load({"QDGAIN_ACCESS_LOG": "off"}).access_log is None
    assert load({"QDGAIN_ACCESS_LOG": "OFF"}).access_log is None
    assert load({"QDGAIN_ACCESS_LOG": "-"}).access_log == "-"
    assert load({"QDGAIN_ACCESS_LOG": "/var/log/qdgain.log"}).access_log == "/var/log/qdgain.log"


def test_fallback_variables():
    assert load({"REDIS_URL": "redis://a:6379/0"}).shared_cache_url == "redis://a:6379/0"
    both = load({"REDIS_URL": "redis://a:6379/0", "QDGAIN_CACHE_URL": "redis://b:6379/0"})
    assert both.shared_cache_url == "redis://b:6379/0"
    assert load({"WEB_CONCURRENCY": "3"}).worker_count == 3
    assert load({"WEB_CONCURRENCY": "3", "QDGAIN_WORKERS": "5"}).worker_count == 5
    assert load({"QDGAIN_CACHE_URL": "redis://b:6379/0"}).without_shared_cache().shared_cache_url is None


MALFORMED = [
    ("PORT", "http"), ("PORT", "70000"), ("PORT", "-1"), ("PORT", "80.5"),
    ("QDGAIN_CACHE_THRESHOLD", "0"), ("QDGAIN_CACHE_THRESHOLD", "many"),
    ("QDGAIN_CACHE_TIMEOUT", "1.5"), ("QDGAIN_CACHE_TIMEOUT", "0"),
    ("QDGAIN_MAX_BODY_BYTES", "100"), ("QDGAIN_MAX_BODY_BYTES", "1MiB"),
    ("QDGAIN_WORKERS", "0"), ("QDGAIN_WORKERS", "two"),
    ("WEB_CONCURRENCY", "-3"), ("WEB_CONCURRENCY", "x"),
    ("QDGAIN_THREADS", "0"), ("QDGAIN_THREADS", "2.0"),
    ("QDGAIN_TIMEOUT", "abc"), ("QDGAIN_TIMEOUT", "0"),
    ("QDGAIN_PRELOAD", "maybe"), ("QDGAIN_PRELOAD", "2"),
    ("LOG_LEVEL", "verbose"), ("LOG_LEVEL", "10"),
    ("QDGAIN_CELERY_BROKER", "localhost:6379"), ("QDGAIN_CELERY_BROKER", "amqp://guest@localhost//"),
    ("QDGAIN_JOB_HEARTBEAT_TIMEOUT", "1"), ("QDGAIN_JOB_HEARTBEAT_TIMEOUT", "soon"),
    ("QDGAIN_JOB_QUEUE_TIMEOUT", "0"), ("QDGAIN_JOB_QUEUE_TIMEOUT", "1.5"),
    ("QDGAIN_JOB_TIME_LIMIT", "5"), ("QDGAIN_JOB_TIME_LIMIT", "forever"),
]


@pytest.mark.parametrize(("name", "raw"), MALFORMED, ids=[f"{n}={r}" for n, r in MALFORMED])
def test_malformed_value_names_variable_value_and_what_is_allowed(name, raw):
    with pytest.raises(SettingsError) as caught:
        load({name: raw})
    message = str(caught.value)
    assert message.startswith(f"{name}="), message
    assert raw in message, message
    assert "allowed: " in message and message.split("allowed: ", 1)[1].strip(), message


def test_every_strict_variable_has_a_malformed_case():
    """A variable whose parser rejects garbage must appear in MALFORMED (a new one included)."""
    strict = set()
    for variable in VARIABLES:
        try:
            variable.parse(variable.name, "#garbage#")
        except SettingsError:
            strict.add(variable.name)
    assert strict == {name for name, _ in MALFORMED}
