"""Kafka clients with the platform's settings: idempotent producer, topics created up front,
every client signed in (SASL/SCRAM) as the user its `KafkaAuth` names."""

from __future__ import annotations

import asyncio
import contextlib
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiokafka import AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient, NewTopic
from aiokafka.errors import KafkaConnectionError, KafkaError, TopicAlreadyExistsError
from aiokafka.record.default_records import DefaultRecordBatchBuilder

from houqin_shared.logs import get_logger

if TYPE_CHECKING:
    from houqin_shared.settings import ServiceSettings

log = get_logger(__name__)
DEFAULT_PARTITIONS = 4
# The broker's message.max.bytes: Kafka's default (1 MiB and the 12-byte log overhead), which
# deploy/local/kafka/server.properties.template and docker-compose.yml leave as it is. A record
# whose batch would be larger is refused by the broker; the producer refuses it first.
BROKER_MESSAGE_MAX_BYTES = 1_048_588
SASL_PROTOCOLS = ("SASL_PLAINTEXT", "SASL_SSL")


@dataclass(frozen=True)
class KafkaAuth:
    """Who a client signs in to Kafka as: a service's user (its settings), or for tools and
    tests the user the environment names (`HOUQIN_KAFKA_*`, which `infra.sh env` prints)."""

    protocol: str = "PLAINTEXT"
    mechanism: str = "SCRAM-SHA-512"
    username: str = ""
    password: str = field(default="", repr=False)

    @classmethod
    def of(cls, settings: ServiceSettings) -> KafkaAuth:
        return cls(
            settings.kafka_security_protocol,
            settings.kafka_sasl_mechanism,
            settings.kafka_sasl_username,
            settings.kafka_sasl_password.get_secret_value(),
        )

    @classmethod
    def from_env(cls) -> KafkaAuth:
        """HOUQIN_KAFKA_SECURITY_PROTOCOL, _SASL_MECHANISM, _SASL_USERNAME, _SASL_PASSWORD;
        SASL_PLAINTEXT when a user is named and no protocol is."""
        env = os.environ
        username = env.get("HOUQIN_KAFKA_SASL_USERNAME", "")
        default = "SASL_PLAINTEXT" if username else "PLAINTEXT"
        return cls(
            env.get("HOUQIN_KAFKA_SECURITY_PROTOCOL") or default,
            env.get("HOUQIN_KAFKA_SASL_MECHANISM") or "SCRAM-SHA-512",
            username,
            env.get("HOUQIN_KAFKA_SASL_PASSWORD", ""),
        )

    def client_kwargs(self) -> dict[str, Any]:
        """The keyword arguments of any aiokafka client (producer, consumer, admin)."""
        if self.protocol not in SASL_PROTOCOLS:
            return {"security_protocol": self.protocol}
        if not self.username or not self.password:
            raise ValueError(
                f"Kafka security protocol {self.protocol} needs a SASL user name and password"
                " (<SERVICE>_KAFKA_SASL_USERNAME / _PASSWORD; HOUQIN_KAFKA_SASL_* for tools)"
            )
        kwargs: dict[str, Any] = {
            "security_protocol": self.protocol,
            "sasl_mechanism": self.mechanism,
            "sasl_plain_username": self.username,
            "sasl_plain_password": self.password,
        }
        if self.protocol == "SASL_SSL":
            from aiokafka.helpers import create_ssl_context

            kwargs["ssl_context"] = create_ssl_context()
        return kwargs


def security(auth: KafkaAuth | None = None) -> dict[str, Any]:
    """`auth`'s client keyword arguments; without one, the environment's (tools and tests)."""
    return (auth or KafkaAuth.from_env()).client_kwargs()


def producer(
    bootstrap: str,
    client_id: str,
    max_request_size: int = BROKER_MESSAGE_MAX_BYTES,
    auth: KafkaAuth | None = None,
) -> AIOKafkaProducer:
    """The idempotent producer; `max_request_size` must match the broker's message.max.bytes
    (aiokafka checks each record's upper-bound batch size, headers included, against it)."""
    return AIOKafkaProducer(
        **security(auth),
        bootstrap_servers=bootstrap,
        client_id=client_id,
        acks="all",
        enable_idempotence=True,
        linger_ms=2,
        max_batch_size=256 * 1024,
        max_request_size=max_request_size,
        request_timeout_ms=15000,
    )


def record_size(key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]) -> int:
    """Upper bound of the bytes one record takes in a batch of its own, as the producer counts
    them against max_request_size (and the broker against message.max.bytes)."""
    size: int = DefaultRecordBatchBuilder.estimate_size_in_bytes(key, value, headers)
    return size


async def start_when_reachable(client: Any, what: str, stop: asyncio.Event | None = None) -> bool:
    """Start an aiokafka client, retrying with backoff while the broker is unreachable (a
    process may start before Kafka does). False when asked to stop first."""
    delay = 0.5
    while stop is None or not stop.is_set():
        try:
            await client.start()
            return True
        except KafkaError as exc:
            log.warning("kafka_unreachable", client=what, error=repr(exc), retry_in_s=delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 10.0)
    return False


def dead_letter_topic(consumer: str) -> str:
    return f"{consumer}.dlq"


async def start_admin(admin: AIOKafkaAdminClient, attempts: int = 15, pause_s: float = 2.0) -> None:
    """Start an admin client, trying again for up to `attempts` x `pause_s` while a broker that
    has just started does not answer yet (on a busy machine its listener can lag its log line)."""
    for attempt in range(attempts):
        try:
            await admin.start()
            return
        except KafkaConnectionError:
            if attempt + 1 == attempts:
                raise
            await asyncio.sleep(pause_s)


@dataclass(frozen=True)
class TopicLayout:
    """How the platform's topics are made: `partitions` bounds how many workers of one group
    share the work; on a cluster, `replication` 3 with `min_insync` 2 lets one broker die with
    nothing lost (an acks=all write needs 2 copies). One broker: replication 1, as always."""

    partitions: int = DEFAULT_PARTITIONS
    replication: int = 1
    min_insync: int = 1

    def __post_init__(self) -> None:
        if not 1 <= self.min_insync <= self.replication:
            raise ValueError(
                f"min_insync {self.min_insync} must be between 1 and replication {self.replication}"
            )

    @classmethod
    def of(cls, settings: ServiceSettings) -> TopicLayout:
        return cls(
            settings.kafka_topic_partitions,
            settings.kafka_topic_replication,
            settings.kafka_topic_min_insync,
        )

    def new_topic(self, name: str) -> NewTopic:
        # One replica: no topic config, the broker's defaults (as before clusters came).
        configs = {"min.insync.replicas": str(self.min_insync)} if self.replication > 1 else None
        return NewTopic(name, self.partitions, self.replication, topic_configs=configs)


async def ensure_topics(
    bootstrap: str,
    topics: list[str],
    partitions: int = DEFAULT_PARTITIONS,
    auth: KafkaAuth | None = None,
    layout: TopicLayout | None = None,
) -> None:
    """Create the topics that do not exist yet (idempotent); part of each service's migrate
    (a service's user may create the topics it produces, consumes and dead-letters). `layout`
    (partitions, replication, min.insync.replicas) wins over `partitions`; a topic that exists
    keeps its own."""
    layout = layout or TopicLayout(partitions)
    admin = AIOKafkaAdminClient(
        **security(auth), bootstrap_servers=bootstrap, client_id="houqin-migrate"
    )
    await start_admin(admin)
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics([layout.new_topic(t) for t in missing])
            log.info(
                "topics_created",
                topics=missing,
                partitions=layout.partitions,
                replication=layout.replication,
                min_insync=layout.min_insync,
            )
    finally:
        await admin.close()
