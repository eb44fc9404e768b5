"""Cutting a consumer batch into runs: each key's events keep their order."""

from __future__ import annotations

import random

from houqin_shared.runs import distinct_chunks, group_runs


def cut(events: list[tuple[str, str | None]], batchable: set[str]) -> list[list[str]]:
    """events: (kind, key); the result names each event kind+key+position."""
    names = [f"{kind}{key or '-'}{i}" for i, (kind, key) in enumerate(events)]
    runs = group_runs(names, [k for k, _ in events], [key for _, key in events], batchable)
    return runs


def key_order_kept(events: list[tuple[str, str | None]], runs: list[list[str]]) -> bool:
    flat = [int(name[2:]) for run in runs for name in run]
    for key in {k for _, k in events}:
        positions = [i for i in flat if events[i][1] == key]
        if positions != sorted(positions):
            return False
    return sorted(flat) == list(range(len(events)))


def test_alternating_types_of_different_keys_gather_into_two_runs() -> None:
    events = [("O", "a"), ("A", "a"), ("O", "b"), ("A", "b"), ("O", "c"), ("A", "c")]
    runs = cut(events, {"O", "A"})
    assert runs == [["Oa0", "Ob2", "Oc4"], ["Aa1", "Ab3", "Ac5"]]
    assert key_order_kept(events, runs)


def test_a_key_seen_after_a_run_starts_a_new_run_of_its_kind() -> None:
    # b's second O must come after b's A, so it cannot join the first O run.
    events = [("O", "a"), ("O", "b"), ("A", "b"), ("O", "b"), ("O", "c")]
    runs = cut(events, {"O", "A"})
    assert runs == [["Oa0", "Ob1"], ["Ab2"], ["Ob3", "Oc4"]]
    assert key_order_kept(events, runs)


def test_kinds_without_a_batch_handler_run_alone() -> None:
    events = [("X", "a"), ("X", "b"), ("O", "a"), ("O", "b")]
    runs = cut(events, {"O"})
    assert runs == [["Xa0"], ["Xb1"], ["Oa2", "Ob3"]]


def test_an_event_without_a_key_is_a_barrier() -> None:
    events = [("O", "a"), ("O", None), ("O", "b")]
    assert cut(events, {"O"}) == [["Oa0"], ["O-1"], ["Ob2"]]


def test_same_key_repeats_of_one_kind_stay_together_in_order() -> None:
    events = [("S", "a"), ("S", "a"), ("S", "b"), ("S", "a")]
    assert cut(events, {"S"}) == [["Sa0", "Sa1", "Sb2", "Sa3"]]


def test_every_mix_keeps_each_keys_order() -> None:
    rng = random.Random(3)
    for _ in range(500):
        events = [
            (rng.choice("OAS"), rng.choice(["a", "b", "c", "d", None]))
            for _ in range(rng.randint(0, 30))
        ]
        runs = cut(events, {"O", "A"})
        assert key_order_kept(events, runs)
        for run in runs:
            assert len({name[0] for name in run}) == 1  # one kind per run
        flat = [int(name[2:]) for run in runs for name in run]
        for at, i in enumerate(flat):
            if events[i][1] is None:  # a barrier: the earlier all before it, the later after
                assert sorted(flat[:at]) == list(range(i))


def test_distinct_chunks_cut_where_a_key_would_repeat() -> None:
    items = ["a1", "b1", "a2", "c1", "a3", "b2"]
    assert distinct_chunks(items, [i[0] for i in items]) == [
        ["a1", "b1"],
        ["a2", "c1"],
        ["a3", "b2"],
    ]
    assert distinct_chunks([], []) == []
