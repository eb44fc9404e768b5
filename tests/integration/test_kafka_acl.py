"""The broker's authentication and ACLs, with real clients against the instance's Kafka: each
service's user writes its own events topic and DLQ, reads what it consumes in its own groups
and its own DLQ without a group (its dead-letter admin API), and nothing else; the external systems' user writes houqin.inbound.reports only; a
wrong password, or no sign-in at all, is refused. Fails if the ACLs are missing or too wide."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import (
    GroupAuthorizationFailedError,
    KafkaConnectionError,
    TopicAuthorizationFailedError,
)
from helpers import Infra, unique

from houqin_shared import kafka, kafka_acl
from houqin_shared.contracts.feedback import FEEDBACK_TOPIC
from houqin_shared.contracts.inbound import INBOUND_TOPIC
from houqin_shared.contracts.scoring import SCORING_TOPIC
from houqin_shared.contracts.tickets import TICKETS_TOPIC

pytestmark = pytest.mark.infra

ALL_TOPICS = [FEEDBACK_TOPIC, TICKETS_TOPIC, SCORING_TOPIC, INBOUND_TOPIC]
SERVICES = ("feedback", "tickets", "scoring", "notify")
DLQS = [kafka.dead_letter_topic(kafka_acl.service_group(s)) for s in SERVICES]


@pytest.fixture
async def users(infra: Infra) -> dict[str, kafka.KafkaAuth]:
    """Every declared user, applied as admin (as the launcher does), with its credentials."""
    admin = kafka.KafkaAuth.from_env()
    assert admin.protocol == "SASL_PLAINTEXT" and admin.username == "admin", (
        "the instance's Kafka runs without SASL (started before it came): restart it with"
        " deploy/local/infra.sh kafka-stop / kafka-start"
    )
    secrets_dir = Path(os.environ["HOUQIN_KAFKA_SECRETS_DIR"])
    passwords = await kafka_acl.apply(infra.kafka, admin, secrets_dir)
    await kafka.ensure_topics(infra.kafka, ALL_TOPICS + DLQS)
    return {
        user: kafka.KafkaAuth("SASL_PLAINTEXT", "SCRAM-SHA-512", user, secret)
        for user, secret in passwords.items()
    }


async def can_write(infra: Infra, auth: kafka.KafkaAuth, topic: str) -> bool:
    producer = kafka.producer(infra.kafka, unique("acl"), auth=auth)
    await producer.start()
    try:
        await producer.send_and_wait(topic, b'{"acl": "probe"}')
        return True
    except TopicAuthorizationFailedError:
        return False
    finally:
        await producer.stop()


async def can_read(infra: Infra, auth: kafka.KafkaAuth, topic: str, group: str) -> bool:
    consumer = AIOKafkaConsumer(
        topic,
        **kafka.security(auth),
        bootstrap_servers=infra.kafka,
        group_id=group,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )
    try:
        await consumer.start()
        await consumer.getmany(timeout_ms=2000)
        await consumer.commit()
        return True
    except (TopicAuthorizationFailedError, GroupAuthorizationFailedError):
        return False
    finally:
        await consumer.stop()


async def can_read_assigned(infra: Infra, auth: kafka.KafkaAuth, topic: str) -> bool:
    """Whether a record of `topic`'s partition 0 (the test writes one first) can be read from
    the start by assign(), without a consumer group. Refused, aiokafka raises or, for the
    offsets lookup, logs and retries: then no record comes."""
    consumer = AIOKafkaConsumer(
        **kafka.security(auth), bootstrap_servers=infra.kafka, group_id=None,
        enable_auto_commit=False, request_timeout_ms=10000, auto_offset_reset="earliest",
    )  # fmt: skip
    try:
        await consumer.start()
        consumer.assign([TopicPartition(topic, 0)])
        for _ in range(6):
            if await consumer.getmany(timeout_ms=500):
                return True
        return False
    except TopicAuthorizationFailedError:
        return False
    finally:
        await consumer.stop()


def test_the_declared_topics_are_the_services_own() -> None:
    from feedback.__main__ import SPEC as FEEDBACK
    from notify.__main__ import SPEC as NOTIFY
    from scoring.__main__ import SPEC as SCORING
    from tickets.__main__ import SPEC as TICKETS

    for spec in (FEEDBACK, TICKETS, SCORING, NOTIFY):
        topics = kafka_acl.SERVICE_TOPICS[spec.name]
        assert (list(topics.produces), sorted(topics.consumes)) == (
            spec.produces,
            sorted(spec.consumes),
        ), spec.name
        assert kafka_acl.service_group(spec.name) == spec.group


async def test_each_service_writes_only_its_own_topics(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    allowed = {  # its events topic, and the dead-letter topic of its consumer group
        "feedback": {FEEDBACK_TOPIC, DLQS[0]},
        "tickets": {TICKETS_TOPIC, DLQS[1]},
        "scoring": {SCORING_TOPIC, DLQS[2]},
        "notify": {DLQS[3]},
    }
    for service, own in allowed.items():
        for topic in ALL_TOPICS + DLQS:
            assert await can_write(infra, users[service], topic) == (topic in own), (
                service,
                topic,
            )


async def test_tickets_cannot_forge_feedback_events(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    producer = kafka.producer(infra.kafka, "forger", auth=users["tickets"])
    await producer.start()
    try:
        with pytest.raises(TopicAuthorizationFailedError):
            await producer.send_and_wait(FEEDBACK_TOPIC, b'{"type": "ReportSubmitted"}')
    finally:
        await producer.stop()


async def test_each_service_reads_what_it_consumes_in_its_own_groups_only(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    for service, topics in kafka_acl.SERVICE_TOPICS.items():
        auth = users[service]
        group = f"{kafka_acl.service_group(service)}.{unique('acl')}"  # the prefix is its own
        for topic in ALL_TOPICS:
            readable = await can_read(infra, auth, topic, group)
            assert readable == (topic in topics.consumes), (service, topic)
        consumed = topics.consumes[0]
        assert not await can_read(infra, auth, consumed, unique("houqin.other")), service
    assert not await can_read(infra, users["tickets"], TICKETS_TOPIC, "houqin.feedback")


async def test_each_service_reads_its_own_dead_letter_topic_without_a_group(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    await kafka.ensure_topics(infra.kafka, DLQS)
    probe = kafka.producer(infra.kafka, unique("acl"))  # the environment's admin
    await probe.start()
    try:
        for topic in DLQS:
            await probe.send_and_wait(topic, b'{"acl": "probe"}', partition=0)
    finally:
        await probe.stop()
    for service, own in zip(SERVICES, DLQS, strict=True):
        for topic in DLQS:
            readable = await can_read_assigned(infra, users[service], topic)
            assert readable == (topic == own), (service, topic)


async def test_external_systems_write_the_inbound_topic_only(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    external = users["campus-systems"]
    for topic in ALL_TOPICS + DLQS:
        assert await can_write(infra, external, topic) == (topic == INBOUND_TOPIC), topic
    assert not await can_read(infra, external, INBOUND_TOPIC, unique("campus"))
    assert not await can_write(infra, external, unique("houqin.new-topic"))  # no auto-create


async def test_a_wrong_password_or_no_sign_in_is_refused(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    feedback = users["feedback"]
    wrong = kafka.KafkaAuth(feedback.protocol, feedback.mechanism, "feedback", "not-its-password")
    stranger = kafka.KafkaAuth(feedback.protocol, feedback.mechanism, "mallory", feedback.password)
    for auth in (wrong, stranger):
        producer = kafka.producer(infra.kafka, "impostor", auth=auth)
        with pytest.raises(KafkaConnectionError):
            await producer.start()
        await producer.stop()
    plain = AIOKafkaProducer(bootstrap_servers=infra.kafka, request_timeout_ms=3000)
    with pytest.raises(KafkaConnectionError):
        await plain.start()  # the broker answers only ApiVersions before a SASL sign-in
    await plain.stop()


async def test_apply_removes_acls_nobody_declared(
    infra: Infra, users: dict[str, kafka.KafkaAuth]
) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    stray = kafka_acl.Acl(
        "User:tickets", kafka_acl.TOPIC, FEEDBACK_TOPIC, kafka_acl.LITERAL, kafka_acl.WRITE
    )
    admin = AIOKafkaAdminClient(**kafka.security(), bootstrap_servers=infra.kafka)
    await admin.start()
    try:
        response = await admin._send_request(kafka_acl.CreateAcls([stray]))
        assert response.creation_responses[0][0] == 0
    finally:
        await admin.close()
    assert await can_write(infra, users["tickets"], FEEDBACK_TOPIC)  # the stray rule works
    await kafka_acl.apply(
        infra.kafka, kafka.KafkaAuth.from_env(), Path(os.environ["HOUQIN_KAFKA_SECRETS_DIR"])
    )
    assert not await can_write(infra, users["tickets"], FEEDBACK_TOPIC)
