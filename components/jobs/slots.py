"""How many embedded jobs compute at once: a fixed number of slots, each an ``flock`` on a file.

The embedded manager starts one process per job; without a bound, ten clicks would start ten
processes sharing two cores (and their memory). A job process takes a free slot before it
computes and waits, beating the board as "waiting for a slot", while all are busy. The lock
belongs to the process: when a job ends, is cancelled or is killed, the kernel releases its slot,
so no slot leaks. Celery workers bound their own concurrency (one job per worker process) and
use no slots.
"""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

SLOT_POLL_S = 0.2


def default_slot_count() -> int:
    """One job per CPU core (at least one)."""
    return max(1, os.cpu_count() or 1)


class SlotTimeout(TimeoutError):
    """No slot became free in the time a job may take."""


class JobSlots:
    """``count`` slots under ``directory`` (files ``slot-<i>.lock``)."""

    def __init__(self, directory: str, count: int):
        if count < 1:
            raise ValueError(f"job slots: count {count} must be >= 1")
        self.paths = tuple(os.path.join(directory, f"slot-{i}.lock") for i in range(count))

    def _try_take(self) -> int | None:
        for path in self.paths:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(handle)
                continue
            return handle
        return None

    @contextmanager
    def slot(self, waiting: Callable[[float], None], timeout_s: float) -> Iterator[None]:
        """Hold a slot for the block; until one is free call ``waiting(seconds waited)`` every poll."""
        started = time.monotonic()
        handle = self._try_take()
        while handle is None:
            waited = time.monotonic() - started
            if waited > timeout_s:
                raise SlotTimeout(f"all {len(self.paths)} job slots stayed busy for {waited:.0f} s")
            waiting(waited)
            time.sleep(SLOT_POLL_S)
            handle = self._try_take()
        try:
            yield
        finally:
            os.close(handle)  # closing the descriptor releases the lock
