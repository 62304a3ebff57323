"""The collector pause around bulk work: nested and overlapping pauses, and the collector's state restored."""

from __future__ import annotations

import gc
import threading

from batchship.services.bulk import no_cycle_collection


def test_pauses_nest_overlap_across_threads_and_restore_the_collector() -> None:
    assert gc.isenabled()
    inside, release = threading.Event(), threading.Event()

    def worker() -> None:
        with no_cycle_collection():
            inside.set()
            release.wait(10)

    thread = threading.Thread(target=worker)
    with no_cycle_collection():
        assert not gc.isenabled()
        thread.start()
        assert inside.wait(10)
        with no_cycle_collection():
            assert not gc.isenabled()
    assert not gc.isenabled()  # the worker's pause still holds
    release.set()
    thread.join(10)
    assert gc.isenabled()


def test_a_collector_turned_off_before_stays_off() -> None:
    gc.disable()
    try:
        with no_cycle_collection():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
