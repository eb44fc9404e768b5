"""A broker of the 3-broker cluster SIGKILLed during 1,000 reports (issue 19): the one that leads
the most of the busiest partitions. Topics have 3 replicas and min.insync.replicas 2, so the two
survivors take over its partitions and every acks=all write still has 2 copies: exactly 1,000
tickets and 1,000 assignee messages come out (and one of every other kind), and intake, which
only writes PostgreSQL and its outbox, does not stall. The figures printed: the longest gap
between consecutive accepted reports before and after the kill, the longest time the tickets'
count stood still, and the load beside them. The killed broker is started again at the end and
catches up (back in every partition's in-sync replicas)."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from collections.abc import Iterator

import launcher
import pytest
from cluster_support import (
    BROKERS,
    Progress,
    cluster_infra,
    cluster_platform,
    file_reports,
    load,
    min_insync,
    partitions,
)
from helpers import eventually
from test_faults import MESSAGE_KINDS, settle, what_the_workers_said

pytestmark = [pytest.mark.infra, pytest.mark.slow, pytest.mark.timeout(900)]
N = 1000


@pytest.fixture(scope="module")
def cluster() -> Iterator[launcher.Platform]:
    with cluster_platform() as platform:
        yield platform


def busiest_leader(inst: launcher.Instance) -> tuple[int, dict[int, int]]:
    """The broker leading the most records of the platform's event topics (their busiest
    partitions), and each broker's share."""
    share: Counter[int] = Counter()
    for p in asyncio.run(partitions(inst)):
        if p.topic.endswith(".events"):
            share[p.leader] += p.end_offset
    return share.most_common(1)[0][0], dict(share)


def test_topics_are_replicated_three_times_with_two_in_sync(cluster: launcher.Platform) -> None:
    parts = asyncio.run(partitions(cluster.inst))
    assert parts, "no topics on the cluster"
    assert {len(p.replicas) for p in parts} == {BROKERS}
    assert {len(p.isr) for p in parts} == {BROKERS}
    topics = sorted({p.topic for p in parts})
    assert set(asyncio.run(min_insync(cluster.inst, topics)).values()) == {"2"}


def test_the_leading_broker_killed_during_1000_reports(cluster: launcher.Platform) -> None:
    inst = cluster.inst
    tag = "bk-" + uuid.uuid4().hex[:8]
    killed: dict[str, object] = {}

    def kill_the_busiest_leader() -> None:
        node, share = busiest_leader(inst)
        killed.update(node=node, share=share, at=time.monotonic())
        cluster_infra("kafka-kill", "--node", str(node))

    logs_at = {p.name: p.stat().st_size for p in (inst.data / "logs").glob("*.log")}
    with Progress(inst.admin_dsn, tag, N) as progress:
        intake = asyncio.run(file_reports(inst, tag, N, kill_the_busiest_leader, at=0.2))
        assert len(intake.accepted) == N
        assert intake.fault_at < max(intake.accepted), "the kill must come while reports arrive"
        got = settle(inst.admin_dsn, tag, N, timeout_s=300)
    want = dict.fromkeys(("reports", "tickets", "facts", *MESSAGE_KINDS), N)
    assert got == want, what_the_workers_said(inst.data / "logs", logs_at)

    before = intake.longest_stall(until=intake.fault_at)  # the baseline, same run
    after = intake.longest_stall(after=intake.fault_at)
    pipeline_before = progress.longest_stall(until=intake.fault_at)
    pipeline = progress.longest_stall(after=intake.fault_at)
    done = (progress.done_at() or time.monotonic()) - intake.fault_at
    print(
        f"\nbroker kill: node {killed['node']} (records led per node {killed['share']});"
        f" intake's longest gap between accepted reports {before * 1000:.0f} ms before the kill,"
        f" {after * 1000:.0f} ms after it (x{after / max(before, 1e-3):.1f});"
        f" tickets' count stood still at most {pipeline_before:.1f} s before the kill,"
        f" {pipeline:.1f} s after it;"
        f" {N} reports in {max(intake.accepted) - min(intake.accepted):.1f} s;"
        f" all {N} tickets {done:.0f} s after the kill; load {load()}"
    )

    cluster_infra("kafka-start", "--node", str(killed["node"]))  # it catches up and rejoins

    def rejoined() -> bool:
        return all(len(p.isr) == BROKERS for p in asyncio.run(partitions(inst)))

    restarted = time.monotonic()
    eventually(rejoined, "the restarted broker back in every in-sync replica set", 180, 2)
    print(
        f"broker kill: node {killed['node']} restarted, back in every ISR after"
        f" {time.monotonic() - restarted:.0f} s; load {load()}"
    )
    assert settle(inst.admin_dsn, tag, N, timeout_s=5) == want, "nothing doubled on its return"
