"""The timing module: millisecond laps that are filled in even when the block raises."""

from __future__ import annotations

import time

import pytest

from signgen.timing import Clock, Lap, timed


def test_a_lap_measures_at_least_the_time_spent() -> None:
    clock = Clock("cpu")
    with timed(clock) as lap:
        time.sleep(0.02)
    assert lap.ms >= 20.0


def test_a_lap_is_filled_when_the_block_raises() -> None:
    laps: list[Lap] = []
    with pytest.raises(ValueError), timed(Clock()) as lap:
        laps.append(lap)
        time.sleep(0.005)
        raise ValueError
    assert laps[0].ms >= 5.0


def test_clock_reads_are_monotonic_milliseconds() -> None:
    clock = Clock("cpu")
    first = clock.now_ms()
    time.sleep(0.01)
    assert clock.now_ms() - first >= 10.0
    assert not Clock("cpu")._cuda
