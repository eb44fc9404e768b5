"""How a worker's fetches wait (pure pacing logic, a stand-in for aiokafka's fetcher): a long
poll while it takes fewer records a second than one per fetch_wait_ms, fuller batches above."""

from __future__ import annotations

from types import SimpleNamespace

from houqin_shared.consumer import ConsumerRunner


def runner(quiet_wait_ms: int = 500) -> tuple[ConsumerRunner, SimpleNamespace]:
    r = ConsumerRunner(
        group="g", topics=["t"], handlers={}, pool=None, producer=None,  # type: ignore[arg-type]
        bootstrap="", fetch_min_bytes=32768, fetch_wait_ms=10, quiet_wait_ms=quiet_wait_ms,
    )  # fmt: skip
    fetcher = SimpleNamespace(_fetch_min_bytes=32768, _fetch_max_wait_ms=10)
    r._rate_since = 0.0
    return r, fetcher


def pace(r: ConsumerRunner, fetcher: SimpleNamespace, taken: int, now: float) -> tuple[int, int]:
    r._pace(SimpleNamespace(_fetcher=fetcher), taken, now=now)  # type: ignore[arg-type]
    return fetcher._fetch_min_bytes, fetcher._fetch_max_wait_ms


def test_a_quiet_worker_long_polls_and_a_busy_one_fills_its_batches() -> None:
    r, fetcher = runner()
    assert pace(r, fetcher, 0, now=0.5) == (32768, 10)  # busy until a second is measured
    assert pace(r, fetcher, 0, now=1.0) == (1, 500)  # nothing for a second: long poll
    assert pace(r, fetcher, 30, now=1.5) == (1, 500)  # 30 records a second: still quiet
    assert pace(r, fetcher, 20, now=2.0) == (1, 500)  # 50 a second < one per 10 ms
    assert pace(r, fetcher, 150, now=3.0) == (32768, 10)  # 150 a second: batches again
    assert pace(r, fetcher, 0, now=3.5) == (32768, 10)  # until the next second is measured
    assert pace(r, fetcher, 0, now=4.0) == (1, 500)


def test_zero_keeps_the_busy_pacing_and_another_aiokafka_is_left_alone() -> None:
    r, fetcher = runner(quiet_wait_ms=0)
    assert pace(r, fetcher, 0, now=1.0) == (32768, 10)
    r, _ = runner()
    r._pace(SimpleNamespace(), 0, now=1.0)  # type: ignore[arg-type]  # no _fetcher: no error
