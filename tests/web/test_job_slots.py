"""Embedded job slots: at most ``count`` jobs compute at once, a killed job frees its slot, waiting jobs look alive."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from components.jobs.board import Entry, judge
from components.jobs.slots import JobSlots, SlotTimeout


def _hold(directory: str, count: int, ready, seconds: float) -> None:
    with JobSlots(directory, count).slot(lambda waited: None, timeout_s=5):
        ready.set()
        time.sleep(seconds)


def test_a_third_job_waits_until_a_killed_holder_frees_its_slot(tmp_path):
    context = multiprocessing.get_context("fork")
    events = [context.Event() for _ in range(2)]
    holders = [context.Process(target=_hold, args=(str(tmp_path), 2, event, 30)) for event in events]
    for holder in holders:
        holder.start()
    try:
        assert all(event.wait(5) for event in events)
        waits: list[float] = []
        with pytest.raises(SlotTimeout, match="all 2 job slots stayed busy"):
            with JobSlots(str(tmp_path), 2).slot(waits.append, timeout_s=0.5):
                pass
        assert waits and max(waits) < 1.0
        os.kill(holders[0].pid, signal.SIGKILL)  # the kernel drops a killed process's locks
        holders[0].join(5)
        started = time.monotonic()
        with JobSlots(str(tmp_path), 2).slot(lambda waited: None, timeout_s=5):
            assert time.monotonic() - started < 2
    finally:
        for holder in holders:
            holder.kill()
            holder.join(5)


def test_a_slot_is_free_again_after_its_block():
    import tempfile

    with tempfile.TemporaryDirectory() as directory:
        slots = JobSlots(directory, 1)
        for _ in range(3):
            with slots.slot(lambda waited: pytest.fail("the single slot should be free"), timeout_s=1):
                pass
        with pytest.raises(ValueError, match="count 0"):
            JobSlots(directory, 0)


def test_judge_tells_a_job_waiting_for_a_slot_from_an_unclaimed_one():
    now = 1_000_000.0
    waiting = judge(Entry("queued", "map", queued_at=now - 120, heartbeat_at=now - 1, text="all 2 slots busy"),
                    now, 10, 60)
    assert waiting is not None and not waiting.final and not waiting.retry
    assert "free job slot" in waiting.message and "all 2 slots busy" in waiting.message
    stale = judge(Entry("queued", "map", queued_at=now - 120, heartbeat_at=now - 30), now, 10, 60)
    assert stale is not None and stale.final and stale.retry and "No worker took the job" in stale.message
