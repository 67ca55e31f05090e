"""The ``qdgain`` command (the package's console script).

``qdgain serve [--host H] [--port P]`` runs the dashboard of this checkout (``app.py`` beside
the ``components`` folder) with ``app.run(debug=False)``; HOST and PORT default to
``components.settings.current()``. Every other subcommand is one of ``python -m qdgain_core``
(``qdgain_core.cli``), with the same arguments and output.

Nothing of the web is imported until ``serve`` runs, so the core commands and ``--help`` work
without the ``web`` extra, and ``serve`` names the missing packages instead of a traceback.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from qdgain_core import __version__

if TYPE_CHECKING:
    from components.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
APP_FILE = ROOT / "app.py"
WEB_MODULES = ("dash", "plotly", "flask", "flask_caching", "redis", "orjson")
WEB_INSTALL_HINT = "pip install -e '.[web]' (or pip install -r requirements.txt)"
REPRODUCE = "reproduce"
CORE_HELP = {
    "threshold": "<N_th> by every threshold method, sigma_eff ratio",
    "spectra": "OD_NL and its parts at one <N>",
    "map": "the (chi, eta) phase maps",
    "ase": "ASE stripe output against fluence",
    "dynamics": "Auger gain dynamics and gain lifetimes",
    "presets": "the material presets and their sources",
    REPRODUCE: "the paper-claims table as Markdown (docs/reproduction.md)",
}


def core_commands() -> tuple[str, ...]:
    """The subcommands of ``python -m qdgain_core``, in its order, then ``reproduce``."""
    from qdgain_core.cli import COMMANDS

    return (*COMMANDS, REPRODUCE)


def make_parser() -> argparse.ArgumentParser:
    """The top-level parser: only for ``--help``, ``--version`` and naming the subcommands."""
    parser = argparse.ArgumentParser(
        prog="qdgain",
        description=f"qdgain {__version__}: optical gain in colloidal quantum dots.",
        epilog="'qdgain COMMAND --help' gives a command's arguments. The core commands print JSON "
               "(or write CSV with --csv FILE) and exit with code 2 on bad arguments.",
    )
    parser.add_argument("--version", action="version", version=f"qdgain {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    sub.add_parser("serve", help="run the dashboard (needs the web extra and this checkout's app.py)")
    for name in core_commands():
        sub.add_parser(name, help=CORE_HELP.get(name, f"see 'qdgain {name} --help'"))
    return parser


def _port(text: str) -> int:
    """``--port``, checked by the same parser as the PORT setting (``components.settings``)."""
    from components.settings import VARIABLES, SettingsError

    port_variable = next(variable for variable in VARIABLES if variable.name == "PORT")
    try:
        return int(port_variable.parse("--port", text))
    except SettingsError as error:
        raise argparse.ArgumentTypeError(str(error)) from None


def make_serve_parser() -> argparse.ArgumentParser:
    """``qdgain serve``'s parser; its defaults are None and are filled in from the settings."""
    parser = argparse.ArgumentParser(
        prog="qdgain serve",
        description="Run the dashboard on Flask's server (debug off), like 'python app.py'. For "
                    "production use 'gunicorn -c gunicorn.conf.py app:server'.",
    )
    parser.add_argument("--host", default=None, help="interface to bind (default: HOST, else 127.0.0.1)")
    parser.add_argument("--port", type=_port, default=None, help="TCP port (default: PORT, else 8050)")
    return parser


def serve_address(args: argparse.Namespace, settings: Settings) -> tuple[str, int]:
    """(host, port): the flags where given, else the settings' ``host`` and ``port``."""
    host = args.host if args.host is not None else settings.host
    port = args.port if args.port is not None else settings.port
    return host, port


def missing_web_modules() -> list[str]:
    """The modules of the ``web`` extra that cannot be imported here."""
    return [name for name in WEB_MODULES if importlib.util.find_spec(name) is None]


def load_app() -> ModuleType:
    """This checkout's ``app.py`` as the module ``app`` (its folder first on ``sys.path``)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    spec = importlib.util.spec_from_file_location("app", APP_FILE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["app"] = module
    spec.loader.exec_module(module)
    return module


def serve(argv: Sequence[str]) -> int:
    """``qdgain serve``: 0 after the server stops, 1 without the web or app.py, 2 on bad settings."""
    args = make_serve_parser().parse_args(argv)
    missing = missing_web_modules()
    if missing:
        print(f"qdgain serve: the web extra is not installed (missing: {', '.join(missing)}); "
              f"install it with {WEB_INSTALL_HINT}", file=sys.stderr)
        return 1
    if not APP_FILE.is_file():
        print(f"qdgain serve: no app.py beside components in {ROOT}; serve runs the dashboard of a "
              "source checkout (installed editable, as scripts/test.sh does)", file=sys.stderr)
        return 1
    from components import settings

    try:
        host, port = serve_address(args, settings.current())
    except settings.SettingsError as error:
        print(f"qdgain serve: {error}", file=sys.stderr)
        return 2
    load_app().app.run(debug=False, host=host, port=port)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``qdgain``; returns the exit code (0 ok, 2 bad arguments)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0].startswith("-") or argv[0] not in ("serve", *core_commands()):
        try:
            make_parser().parse_args(argv[:1])  # prints help, the version or the error, and exits
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else 2
        return 2
    if argv[0] == "serve":
        try:
            return serve(argv[1:])
        except SystemExit as done:  # argparse's --help and errors
            return done.code if isinstance(done.code, int) else 2
    from qdgain_core.cli import main as core_main

    return core_main(argv)
