"""The time limit interrupts pure-Python work in any thread, and only when
it has run out (no stray exception later)."""

from __future__ import annotations

import threading

import pytest

from dossier.deadline import Expired, time_limit


def _spin() -> None:
    while True:
        pass


def test_an_endless_loop_is_interrupted_in_the_main_thread():
    with pytest.raises(Expired):
        with time_limit(0.1):
            _spin()


def test_an_endless_loop_is_interrupted_in_another_thread():
    seen = []

    def work():
        try:
            with time_limit(0.1):
                _spin()
        except Expired:
            seen.append("expired")

    t = threading.Thread(target=work)
    t.start()
    t.join(60)
    assert seen == ["expired"]


def test_work_within_the_limit_runs_to_the_end_and_nothing_arrives_later():
    for _ in range(200):
        with time_limit(5):
            total = sum(range(1000))
    assert total == 499500
    # a limit that was never reached leaves nothing behind: plain work goes on
    x = 0
    for i in range(2_000_000):
        x += i
    assert x == sum(range(2_000_000))


def test_an_exception_of_the_work_passes_through():
    with pytest.raises(ZeroDivisionError):
        with time_limit(5):
            _ = 1 / 0


def test_except_exception_cannot_swallow_it():
    caught = []
    with pytest.raises(Expired):
        with time_limit(0.1):
            try:
                _spin()
            except Exception:  # noqa: BLE001 - what careless code does
                caught.append(1)
    assert caught == []
