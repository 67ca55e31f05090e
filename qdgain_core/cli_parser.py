"""The command line's argument parser: a bad argument is one line on stderr and exit code 2, never a usage dump."""

from __future__ import annotations

import argparse
from typing import NoReturn


class UsageError(Exception):
    """A bad command-line argument (exit code 2)."""


class Parser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` that raises ``UsageError`` instead of printing usage and exiting."""

    def error(self, message: str) -> NoReturn:  # argparse's hook; one line, exit 2
        raise UsageError(message)
