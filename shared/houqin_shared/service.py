"""The four processes of every service, one command line: `python -m <service> api|worker|relay|migrate`.

A service describes itself with a `ServiceSpec`; this module runs it, so no service repeats the
wiring of pools, producers, consumers, health endpoints and signals.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import socket
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
import uvicorn
import uvloop
from aiokafka import AIOKafkaProducer
from fastapi import FastAPI

from houqin_shared import db, dlq_requeue, kafka, logs
from houqin_shared.consumer import BatchHandler, ConsumerRunner, Handler
from houqin_shared.contracts.base import Event
from houqin_shared.http import base_app, db_check, install_health, kafka_check
from houqin_shared.migrate import migrate
from houqin_shared.relay import Relay
from houqin_shared.settings import ServiceSettings

log = logs.get_logger(__name__)
COMMANDS = ("api", "worker", "relay", "migrate")
REQUEUE_EVERY_S = 2.0  # how often a worker takes what its API requeued (houqin_shared.dlq_requeue)


@dataclass(frozen=True)
class Periodic:
    name: str
    every_s: float
    run: Callable[[asyncpg.Pool], Awaitable[None]]


async def run_periodic(task: Periodic, pool: asyncpg.Pool, stop: asyncio.Event) -> None:
    """Run `task` every `every_s` seconds until `stop`; a failing round is logged, not fatal."""
    while not stop.is_set():
        try:
            await task.run(pool)
        except Exception:
            log.exception("periodic_failed", task=task.name)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), task.every_s)


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    settings: Callable[[], ServiceSettings]
    migrations: Path
    create_app: Callable[[ServiceSettings], FastAPI]
    produces: list[str] = field(default_factory=list)
    consumes: list[str] = field(default_factory=list)
    handlers: dict[type[Event], Handler] = field(default_factory=dict)
    # Types whose events are handled a run at a time (see houqin_shared.runs).
    batch_handlers: dict[type[Event], BatchHandler] = field(default_factory=dict)
    # Work the worker process also does every N seconds (sweepers, auto-confirmation, retries).
    # Each must be safe with several worker replicas running it at once.
    periodic: list[Periodic] = field(default_factory=list)

    @property
    def group(self) -> str:
        return f"houqin.{self.name}"


class _Server(uvicorn.Server):
    """uvicorn inside our own event loop: the process, not uvicorn, owns the signals."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)


async def _serve_ops(app: FastAPI, host: str, port: int, stop: asyncio.Event) -> None:
    if not port:
        await stop.wait()
        return
    server = _Server(uvicorn.Config(app, host=host, port=port, log_config=None, access_log=False))
    task = asyncio.create_task(server.serve())
    await stop.wait()
    server.should_exit = True
    await task


Loop = Callable[[asyncio.Event], Awaitable[None]]
Build = Callable[[asyncpg.Pool, AIOKafkaProducer], tuple[Loop, Callable[[], bool]]]


async def _run_background(
    spec: ServiceSpec,
    settings: ServiceSettings,
    process: str,
    port: int,
    build: Build,
    pool_max: int,
) -> None:
    """A worker or relay: its pool and producer, its loop, and its health and metrics server."""
    stop = asyncio.Event()
    _stop_on_signals(stop)
    pool = await db.create_pool(settings, min_size=1, max_size=pool_max)
    producer = kafka.producer(
        settings.kafka_bootstrap,
        f"{spec.group}-{process}",
        settings.kafka_max_message_bytes,
        kafka.KafkaAuth.of(settings),
    )
    try:
        if not await kafka.start_when_reachable(producer, f"{process} producer", stop):
            return
        loop, stalled = build(pool, producer)
        ops = base_app(f"{spec.name} {process}")
        install_health(
            ops,
            {"database": db_check(pool), "kafka": kafka_check(settings.kafka_bootstrap)},
            alive=lambda: not stalled(),
        )
        await asyncio.gather(loop(stop), _serve_ops(ops, settings.http_host, port, stop))
    finally:
        await producer.stop()
        await pool.close()


async def run_worker(spec: ServiceSpec, settings: ServiceSettings) -> None:
    def build(pool: asyncpg.Pool, producer: AIOKafkaProducer) -> tuple[Loop, Callable[[], bool]]:
        runner = ConsumerRunner(
            group=spec.group,
            topics=spec.consumes,
            handlers=spec.handlers,
            batch_handlers=spec.batch_handlers,
            pool=pool,
            producer=producer,
            bootstrap=settings.kafka_bootstrap,
            batch=settings.consumer_batch,
            max_attempts=settings.consumer_max_attempts,
            backoff_s=settings.consumer_backoff_ms / 1000,
            commit_every_s=settings.consumer_commit_ms / 1000,
            fetch_min_bytes=settings.consumer_fetch_min_bytes,
            fetch_wait_ms=settings.consumer_fetch_wait_ms,
            quiet_wait_ms=settings.consumer_quiet_wait_ms,
            auth=kafka.KafkaAuth.of(settings),
            rebuild_after_s=settings.consumer_rebuild_s,
        )

        async def requeued(_: asyncpg.Pool) -> None:
            await dlq_requeue.requeue_round(runner)

        periodic = [*spec.periodic, Periodic("dlq_requeue", REQUEUE_EVERY_S, requeued)]

        async def loop(stop: asyncio.Event) -> None:
            await asyncio.gather(runner.run(stop), *(run_periodic(p, pool, stop) for p in periodic))

        return loop, lambda: runner.stalled(settings.consumer_stall_s)

    await _run_background(
        spec, settings, "worker", settings.worker_port, build, settings.db_pool_max
    )


async def run_relay(spec: ServiceSpec, settings: ServiceSettings) -> None:
    def build(pool: asyncpg.Pool, producer: AIOKafkaProducer) -> tuple[Loop, Callable[[], bool]]:
        relay = Relay(
            settings.database_url,
            settings.db_schema,
            producer,
            batch=settings.relay_batch,
            poll_s=settings.relay_poll_ms / 1000,
            idle_poll_s=settings.relay_idle_poll_ms / 1000,
            max_message_bytes=settings.kafka_max_message_bytes,
            timeouts=db.Timeouts.of(settings).silent_after(settings.relay_lock_silence_ms),
        )
        return relay.run, lambda: relay.stalled(settings.consumer_stall_s)

    await _run_background(spec, settings, "relay", settings.relay_port, build, pool_max=2)


async def run_migrate(spec: ServiceSpec, settings: ServiceSettings) -> None:
    applied = migrate(settings.database_url, settings.db_schema, spec.migrations)
    log.info("migrated", applied=applied)
    topics = (
        spec.produces
        + spec.consumes
        + ([kafka.dead_letter_topic(spec.group)] if spec.consumes else [])
    )
    await kafka.ensure_topics(
        settings.kafka_bootstrap,
        sorted(set(topics)),
        auth=kafka.KafkaAuth.of(settings),
        layout=kafka.TopicLayout.of(settings),
    )


def shared_socket(host: str, port: int) -> socket.socket:
    """A listening socket other processes may bind too (SO_REUSEPORT)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def main(spec: ServiceSpec, argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    if len(argv) != 2 or argv[1] not in COMMANDS:
        print(f"usage: python -m {spec.name} {{{'|'.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    command = argv[1]
    settings = spec.settings()
    logs.configure(spec.name, command, settings.log_level, settings.log_json)
    if command == "api":  # uvloop and httptools, which uvicorn picks when they are installed
        config = uvicorn.Config(
            spec.create_app(settings),
            host=settings.http_host,
            port=settings.http_port,
            log_config=None,
            access_log=False,
        )
        shared = settings.http_reuse_port
        sockets = [shared_socket(settings.http_host, settings.http_port)] if shared else None
        uvicorn.Server(config).run(sockets=sockets)
    elif command == "worker":
        uvloop.run(run_worker(spec, settings))
    elif command == "relay":
        uvloop.run(run_relay(spec, settings))
    else:
        asyncio.run(run_migrate(spec, settings))
    return 0
