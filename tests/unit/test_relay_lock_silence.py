"""The relay leader's lock connection is dropped by both ends within seconds of going silent,
so a standby takes over quickly (issue 15: "within seconds when the leader's host goes silent");
the pool's connections keep the looser service-wide limits."""

from houqin_shared import db
from houqin_shared.db import KEEPALIVE_PROBES
from houqin_shared.settings import ServiceSettings


def noticed_after_s(t: db.Timeouts) -> float:
    """When keepalives give up on a silent peer (idle, then every interval, KEEPALIVE_PROBES)."""
    return t.keepalive_idle_s + KEEPALIVE_PROBES * t.keepalive_interval_s


def test_the_relay_lock_connection_gives_up_on_a_silent_peer_within_seconds() -> None:
    settings = ServiceSettings()
    pool = db.Timeouts.of(settings)
    lock = pool.silent_after(settings.relay_lock_silence_ms)
    assert lock.tcp_user_timeout_ms <= 5_000 < pool.tcp_user_timeout_ms
    assert noticed_after_s(lock) <= 5 < noticed_after_s(pool)
    server = lock.server_settings()
    assert server["tcp_user_timeout"] == str(lock.tcp_user_timeout_ms)
    assert server["tcp_keepalives_idle"] == str(lock.keepalive_idle_s)
    assert lock.statement_ms == pool.statement_ms  # everything else unchanged


def test_silence_bounds_scale() -> None:
    for ms in (1_000, 2_500, 5_000, 20_000, 60_000):
        t = db.Timeouts().silent_after(ms)
        assert t.tcp_user_timeout_ms == ms
        assert noticed_after_s(t) <= max(ms / 1000, 4)
