"""The ``qdgain`` console script (components/console.py): help, the core subcommands, ``qdgain serve``.

``bash scripts/test.sh`` installs the project editable into .venv, so ``.venv/bin/qdgain`` is
the real entry point a user runs; ``qdgain serve`` is started on a free loopback port and
must answer ``/healthz``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests

from components.settings import load
from components import console
from qdgain_core import __version__
from qdgain_core.cli import COMMANDS
from tests.support.server_harness import LOOPBACK, ROOT, ServerProcess, free_port, http_ok

QDGAIN = Path(sys.executable).parent / "qdgain"
CORE_SUBCOMMANDS = (*COMMANDS, "reproduce")


@pytest.fixture(scope="module")
def qdgain() -> str:
    if not os.access(QDGAIN, os.X_OK):
        pytest.fail(f"{QDGAIN} is missing: bash scripts/test.sh installs it "
                    "(pip install --no-deps --no-build-isolation -e .)")
    return str(QDGAIN)


def run(argv: list[str], cwd: Path = ROOT, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=120)


def test_help_lists_serve_and_every_core_subcommand(qdgain, tmp_path):
    result = run([qdgain, "--help"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for name in ("serve", *CORE_SUBCOMMANDS):
        assert f"\n    {name}" in result.stdout, f"{name} missing from qdgain --help:\n{result.stdout}"


def test_version_and_unknown_command(qdgain):
    assert run([qdgain, "--version"]).stdout.strip() == f"qdgain {__version__}"
    result = run([qdgain, "no_such_command"])
    assert result.returncode == 2 and "invalid choice" in result.stderr
    assert run([qdgain]).returncode == 2


def test_serve_help_works_without_importing_the_web(qdgain):
    result = run([qdgain, "serve", "--help"])
    assert result.returncode == 0, result.stderr
    assert "--host" in result.stdout and "--port" in result.stdout
    code = ("import sys; from components import console\n"
            "for argv in (['--help'], ['serve', '--help']):\n"
            "    try:\n        console.main(argv)\n    except SystemExit:\n        pass\n"
            "print(any(m.split('.')[0] in ('dash', 'flask', 'plotly') for m in sys.modules))")
    probe = run([sys.executable, "-c", code])
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip().splitlines()[-1] == "False"


@pytest.mark.parametrize("args", [["presets"], ["threshold", "--preset", "cdse_core", "--set", "chi=0.6"]],
                         ids=["presets", "threshold"])
def test_core_subcommand_gives_the_same_output_as_python_m(qdgain, tmp_path, args):
    via_console = run([qdgain, *args], cwd=tmp_path)
    via_module = run([sys.executable, "-m", "qdgain_core", *args])
    assert via_console.returncode == via_module.returncode == 0, via_console.stderr + via_module.stderr
    assert via_console.stdout == via_module.stdout


def test_core_subcommand_bad_argument_exits_2_like_python_m(qdgain):
    args = ["threshold", "--set", "no_such_field=1"]
    via_console, via_module = run([qdgain, *args]), run([sys.executable, "-m", "qdgain_core", *args])
    assert via_console.returncode == via_module.returncode == 2
    assert via_console.stderr == via_module.stderr


def test_serve_address_comes_from_flags_then_settings():
    parser = console.make_serve_parser()
    assert console.serve_address(parser.parse_args([]), load({})) == ("127.0.0.1", 8050)
    from_env = load({"HOST": "127.0.0.2", "PORT": "9001"})
    assert console.serve_address(parser.parse_args([]), from_env) == ("127.0.0.2", 9001)
    flags = parser.parse_args(["--host", "127.0.0.3", "--port", "9002"])
    assert console.serve_address(flags, from_env) == ("127.0.0.3", 9002)


def test_serve_runs_the_app_with_debug_off(monkeypatch):
    calls = []
    fake = SimpleNamespace(app=SimpleNamespace(run=lambda **kwargs: calls.append(kwargs)))
    monkeypatch.setattr(console, "load_app", lambda: fake)
    assert console.serve(["--host", "127.0.0.1", "--port", "0"]) == 0
    assert calls == [{"debug": False, "host": "127.0.0.1", "port": 0}]


def test_serve_without_the_web_extra_names_what_is_missing(monkeypatch, capsys):
    monkeypatch.setattr(console, "WEB_MODULES", ("dash", "qdgain_no_such_module"))
    assert console.serve([]) == 1
    error = capsys.readouterr().err
    assert "qdgain_no_such_module" in error and "[web]" in error and "dash," not in error


def test_serve_outside_a_checkout_says_why(monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(console, "APP_FILE", tmp_path / "app.py")
    assert console.serve([]) == 1
    assert "no app.py" in capsys.readouterr().err


def test_serve_rejects_a_malformed_setting_with_its_message(qdgain):
    result = run([qdgain, "serve"], env={**os.environ, "PORT": "http"})
    assert result.returncode == 2
    assert "PORT='http'" in result.stderr and "allowed" in result.stderr and "Traceback" not in result.stderr


@pytest.mark.slow
def test_qdgain_serve_answers_healthz_on_loopback(qdgain, tmp_path):
    """``qdgain serve`` from another folder: PORT from the environment, --host from the flag."""
    port = free_port()
    env = {key: value for key, value in os.environ.items() if key not in ("QDGAIN_CACHE_URL", "REDIS_URL")}
    env.update(PORT=str(port), HOST=LOOPBACK)
    server = ServerProcess([qdgain, "serve", "--host", LOOPBACK], port, tmp_path / "serve.log", tmp_path, env)
    server.start()
    try:
        server.wait_until(lambda: http_ok(server.url + "/healthz"), 30, "qdgain serve")
        health = requests.get(server.url + "/healthz", timeout=5).json()
        assert health["version"] == __version__
        assert requests.get(server.url + "/", timeout=10).status_code == 200
    finally:
        server.stop()
    assert "Traceback" not in server.log()


def test_production_never_runs_in_debug_mode():
    """gunicorn serves ``app:server``; neither it nor any entry point turns on Flask's or Dash's debug mode."""
    import re
    from pathlib import Path

    import app

    assert app.server.debug is False
    assert not any(value for key, value in app.app._dev_tools.items() if isinstance(value, bool)), app.app._dev_tools
    root = Path(__file__).resolve().parents[2]
    served = [root / "app.py", root / "gunicorn.conf.py", root / "Dockerfile", root / "compose.yaml",
              *(root / "scripts").glob("*.sh"), *(root / "components").rglob("*.py"), *(root / "qdgain_core").rglob("*.py")]
    pattern = re.compile(r"debug\s*=\s*True|enable_dev_tools|FLASK_DEBUG|--reload")
    offending = [path.name for path in served if pattern.search(path.read_text(encoding="utf-8"))]
    assert len(served) > 40 and offending == []
