"""The renders the open queue pages share (console.render_cache): by kind and version for
anyone, the last one given to each viewer, bounded and short-lived."""

from __future__ import annotations

from console.render_cache import RenderCache, Rendered

KIND = ("mine", "zh", "30")


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_render_is_found_by_version_and_held_by_whom_it_was_given() -> None:
    cache = RenderCache(size=8, ttl_s=15.0, clock=Clock())
    assert cache.held(("plumber", *KIND)) is None and cache.find(KIND, "v1") is None
    kept = cache.put(("plumber", *KIND), KIND, Rendered("v1", "<ul>1</ul>", {"t": "水管"}))
    assert kept.html == "<ul>1</ul>" and kept.about == {"t": "水管"}
    assert cache.held(("plumber", *KIND)) == kept
    assert cache.find(KIND, "v1") == kept  # anyone whose queue is at v1 gets the same cards
    assert cache.find(("mine", "en", "30"), "v1") is None  # another language is another render
    assert cache.find(("team", "zh", "30"), "v1") is None
    assert cache.held(("plumber-backup", *KIND)) is None
    newer = cache.put(("plumber", *KIND), KIND, Rendered("v2", "<ul>2</ul>"))
    assert cache.held(("plumber", *KIND)) == newer and cache.find(KIND, "v1") == kept


def test_renders_expire_and_the_least_recently_used_go_first() -> None:
    clock = Clock()
    cache = RenderCache(size=2, ttl_s=15.0, clock=clock)
    cache.put(("a", *KIND), KIND, Rendered("v1", "1"))
    clock.now += 10
    cache.put(("b", *KIND), KIND, Rendered("v1", "again"))  # the same version: kept as made
    held = cache.held(("b", *KIND))
    assert held is not None and held.html == "1"
    clock.now += 6  # 16 s after it was made: older than the TTL, for everyone who held it
    assert cache.find(KIND, "v1") is None and cache.held(("a", *KIND)) is None
    cache.put(("a", *KIND), KIND, Rendered("v2", "2"))
    cache.put(("b", *KIND), KIND, Rendered("v3", "3"))
    assert cache.find(KIND, "v2") is not None  # used: v3 and v2 are the two most recent
    cache.put(("c", *KIND), KIND, Rendered("v4", "4"))
    assert cache.find(KIND, "v3") is None and cache.find(KIND, "v2") is not None
    assert cache.find(KIND, "v4") is not None
    assert cache.held(("c", *KIND)) is not None
    assert cache.held(("b", *KIND)) is None  # what b was given (v3) has gone
    assert cache.held(("a", *KIND)) is None  # and viewers are bounded the same way
