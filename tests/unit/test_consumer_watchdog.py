"""When the consumer runner calls its consumer wedged (pure timing logic, a stand-in consumer)."""

from __future__ import annotations

from typing import Any

from houqin_shared.consumer import ConsumerRunner

WALL = 1_800_000_000.0  # the epoch clock of the stand-in's fetch answers


class Holding:
    def __init__(self) -> None:
        self.partitions: set[str] = {"t-0"}
        self.fetched: dict[str, float | None] = {"t-0": WALL}

    def assignment(self) -> set[str]:
        return self.partitions

    def last_poll_timestamp(self, tp: str) -> float | None:
        at = self.fetched[tp]
        return None if at is None else at * 1000


def runner(consumer: Holding) -> ConsumerRunner:
    r = ConsumerRunner(
        group="g", topics=["t"], handlers={}, pool=None, producer=None,  # type: ignore[arg-type]
        bootstrap="", rebuild_after_s=30.0,
    )  # fmt: skip
    r._consumer = consumer
    r._assigned_at = 900.0
    return r


def test_a_turning_loop_that_fetches_is_not_wedged() -> None:
    r = runner(Holding())
    r.last_turn = 1000.0
    assert r._wedged(1029.0, wall=WALL + 29) is None


def test_a_loop_waiting_on_kafka_for_the_limit_is_stuck() -> None:
    r = runner(Holding())
    r.last_turn = 1000.0
    assert r._wedged(1030.5, wall=WALL) == "stuck"


def test_a_batch_in_hand_gets_four_times_as_long() -> None:
    r = runner(Holding())
    r.last_turn = 1000.0
    r._processing = True
    assert [r._wedged(1000.0 + s, wall=WALL) for s in (31, 119, 121)] == [None, None, "stuck"]


def test_no_partition_for_the_limit_is_unassigned_and_a_new_one_resets_the_clock() -> None:
    c = Holding()
    r = runner(c)
    c.partitions = set()
    seen: list[Any] = []
    for now in (1000.0, 1010.0, 1020.0):
        r.last_turn = now
        seen.append(r._wedged(now, wall=WALL))
    c.partitions = {"t-0"}  # a rebalance gave it one back: the clock starts again
    r.last_turn = 1025.0
    seen.append(r._wedged(1025.0, wall=WALL))
    c.partitions = set()
    for now in (1026.0, 1040.0, 1055.0, 1056.5):
        r.last_turn = now
        seen.append(r._wedged(now, wall=WALL))
    assert seen == [None, None, None, None, None, None, None, "unassigned"]


def test_partitions_without_a_fetch_answer_for_the_limit_are_not_fetching() -> None:
    c = Holding()
    c.partitions = {"t-0", "t-1"}
    c.fetched = {"t-0": WALL, "t-1": None}
    r = runner(c)
    r.last_turn = 1000.0
    assert r._wedged(1000.0, wall=WALL + 29) is None
    assert r._wedged(1000.0, wall=WALL + 31) == "not_fetching"
    c.fetched["t-1"] = WALL + 30  # one partition answered: the fetcher works
    assert r._wedged(1000.0, wall=WALL + 31) is None


def test_partitions_given_a_moment_ago_are_not_judged_yet() -> None:
    c = Holding()
    c.fetched = {"t-0": None}
    r = runner(c)
    r._assigned_at = 990.0
    r.last_turn = 1000.0
    assert r._wedged(1000.0, wall=WALL + 100) is None
    assert r._wedged(1021.0, wall=WALL + 100) == "not_fetching"
