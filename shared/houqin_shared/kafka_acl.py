"""Kafka's users and ACLs: each service writes only its own events topic and dead-letter topic,
reads only what it consumes (in its own consumer groups) and its own dead-letter topic; the external systems write only
`houqin.inbound.reports`; `admin` (the broker's super user) sets this up.

`apply` is idempotent: it keeps a password per user in a secrets directory (files
`kafka-password-<user>`, made when absent), upserts each user's SCRAM-SHA-512 credential and
makes the broker's ACLs of these users exactly the declared ones. deploy/local's launcher and
the tests run it after `infra.sh start`; compose in its `kafka-users` one-shot:
`python -m houqin_shared.kafka_acl --bootstrap kafka:9092 --secrets DIR [--external a,b]`.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import re
import secrets
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import (
    CreateAclsRequest_v1,
    DeleteAclsRequest,
    DescribeAclsRequest,
)
from aiokafka.protocol.api import Request, RequestStruct, Response
from aiokafka.protocol.types import (
    CompactArray,
    CompactBytes,
    CompactString,
    Int8,
    Int16,
    Int32,
    Schema,
    TaggedFields,
)

from houqin_shared.contracts.feedback import FEEDBACK_TOPIC
from houqin_shared.contracts.inbound import INBOUND_TOPIC
from houqin_shared.contracts.scoring import SCORING_TOPIC
from houqin_shared.contracts.tickets import TICKETS_TOPIC
from houqin_shared.kafka import KafkaAuth, dead_letter_topic, start_admin
from houqin_shared.logs import get_logger

log = get_logger(__name__)

ADMIN = "admin"
EXTERNAL_USERS = ("campus-systems",)
"""The external systems' users by default (each may write houqin.inbound.reports only)."""
SCRAM_ITERATIONS = 8192
USER_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


@dataclass(frozen=True)
class Topics:
    produces: tuple[str, ...]
    consumes: tuple[str, ...]


SERVICE_TOPICS = {
    "feedback": Topics((FEEDBACK_TOPIC,), (TICKETS_TOPIC, INBOUND_TOPIC)),
    "tickets": Topics((TICKETS_TOPIC,), (FEEDBACK_TOPIC,)),
    "scoring": Topics((SCORING_TOPIC,), (TICKETS_TOPIC, FEEDBACK_TOPIC)),
    "notify": Topics((), (FEEDBACK_TOPIC, TICKETS_TOPIC, SCORING_TOPIC)),
}
"""Each service's ServiceSpec.produces and .consumes (tests/integration/test_kafka_acl.py
checks that they agree)."""

# Kafka's ACL codes (org.apache.kafka.common.resource / acl).
TOPIC, GROUP = 2, 3
LITERAL, PREFIXED = 3, 4
READ, WRITE, CREATE, DESCRIBE = 3, 4, 5, 8
ALLOW = 3
ANY = 1  # the wildcard of a filter (resource type, pattern type, operation, permission)
SCRAM_SHA_512 = 2


@dataclass(frozen=True, order=True)
class Acl:
    """One ALLOW rule for `principal` from any host."""

    principal: str
    resource_type: int
    name: str
    pattern: int
    operation: int


def service_group(service: str) -> str:
    """ServiceSpec.group: the consumer group of the service's worker."""
    return f"houqin.{service}"


def service_acls(service: str, topics: Topics) -> set[Acl]:
    """Write (and create) its own topics and its DLQ, read (and create, whoever migrates first)
    what it consumes, join the consumer groups named after it, and read its own DLQ (its
    dead-letter admin API, houqin_shared.dlq_api, reads it by assign(), without a group)."""
    user = f"User:{service}"
    group = service_group(service)
    dlq = (dead_letter_topic(group),) if topics.consumes else ()
    acls = {Acl(user, GROUP, group, PREFIXED, READ)}
    for topic in (*topics.produces, *dlq):
        acls |= {Acl(user, TOPIC, topic, LITERAL, op) for op in (WRITE, DESCRIBE, CREATE)}
    for topic in (*topics.consumes, *dlq):
        acls |= {Acl(user, TOPIC, topic, LITERAL, op) for op in (READ, DESCRIBE, CREATE)}
    return acls


def external_acls(user: str) -> set[Acl]:
    return {Acl(f"User:{user}", TOPIC, INBOUND_TOPIC, LITERAL, op) for op in (WRITE, DESCRIBE)}


def declared(external: Iterable[str] = EXTERNAL_USERS) -> dict[str, set[Acl]]:
    """Every user but admin, with its ACLs."""
    for user in external:
        if not USER_NAME.fullmatch(user) or user == ADMIN or user in SERVICE_TOPICS:
            raise ValueError(f"not a name for an external system's Kafka user: {user!r}")
    plan = {s: service_acls(s, t) for s, t in SERVICE_TOPICS.items()}
    return plan | {user: external_acls(user) for user in external}


def password(directory: Path, user: str) -> str:
    """`user`'s password from `directory/kafka-password-<user>`, made once when absent."""
    path = directory / f"kafka-password-{user}"
    if not path.exists():
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return path.read_text().strip()
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_urlsafe(24))
    return path.read_text().strip()


# --- the wire requests aiokafka lacks ----------------------------------------------------------


class AlterUserScramCredentialsResponse_v0(Response):  # type: ignore[misc]  # noqa: N801
    API_KEY = 51
    API_VERSION = 0
    SCHEMA = Schema(
        ("throttle_time_ms", Int32),
        (
            "results",
            CompactArray(
                ("user", CompactString("utf-8")),
                ("error_code", Int16),
                ("error_message", CompactString("utf-8")),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentialsRequest_v0(RequestStruct):  # type: ignore[misc]  # noqa: N801
    FLEXIBLE_VERSION = True
    API_KEY = 51
    API_VERSION = 0
    RESPONSE_TYPE = AlterUserScramCredentialsResponse_v0
    SCHEMA = Schema(
        (
            "deletions",
            CompactArray(
                ("name", CompactString("utf-8")), ("mechanism", Int8), ("tags", TaggedFields)
            ),
        ),
        (
            "upsertions",
            CompactArray(
                ("name", CompactString("utf-8")),
                ("mechanism", Int8),
                ("iterations", Int32),
                ("salt", CompactBytes),
                ("salted_password", CompactBytes),
                ("tags", TaggedFields),
            ),
        ),
        ("tags", TaggedFields),
    )


class AlterUserScramCredentials(Request[AlterUserScramCredentialsRequest_v0]):  # type: ignore[misc]
    API_KEY = 51

    def __init__(self, users: dict[str, str]) -> None:
        self.users = users

    def build(
        self, request_struct_class: type[AlterUserScramCredentialsRequest_v0]
    ) -> AlterUserScramCredentialsRequest_v0:
        upsertions: list[tuple[Any, ...]] = []
        for name, secret in sorted(self.users.items()):
            salt = secrets.token_bytes(32)
            salted = hashlib.pbkdf2_hmac("sha512", secret.encode(), salt, SCRAM_ITERATIONS)
            upsertions.append((name, SCRAM_SHA_512, SCRAM_ITERATIONS, salt, salted, {}))
        return request_struct_class([], upsertions, {})


class CreateAcls(Request[CreateAclsRequest_v1]):  # type: ignore[misc]
    """Many creations in one request (aiokafka's CreateAclsRequest sends one)."""

    API_KEY = 30

    def __init__(self, acls: Sequence[Acl]) -> None:
        self.acls = acls

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class(
            [
                (a.resource_type, a.name, a.pattern, a.principal, "*", a.operation, ALLOW)
                for a in self.acls
            ]
        )


# --- applying it -------------------------------------------------------------------------------


def _check(errors: Iterable[tuple[Any, int, str | None]], what: str) -> None:
    failed = [(who, code, message) for who, code, message in errors if code]
    if failed:
        raise RuntimeError(f"Kafka refused to {what}: {failed}")


async def _existing(admin: AIOKafkaAdminClient, principal: str) -> set[Acl]:
    request = DescribeAclsRequest(ANY, None, ANY, principal, None, ANY, ANY)
    response = await admin._send_request(request)
    _check([(principal, response.error_code, response.error_message)], "describe ACLs")
    return {
        Acl(principal, rtype, name, pattern, op)
        for rtype, name, pattern, entries in response.resources
        for entry_principal, _host, op, permission in entries
        if entry_principal == principal and permission == ALLOW
    }


async def _create(admin: AIOKafkaAdminClient, missing: list[Acl]) -> list[Acl]:
    """Create the ACLs declared but not in the broker; returns them."""
    if missing:
        response = await admin._send_request(CreateAcls(missing))
        _check(
            [
                (a, code, msg)
                for a, (code, msg) in zip(missing, response.creation_responses, strict=True)
            ],
            "create ACLs",
        )
    return missing


async def _delete(admin: AIOKafkaAdminClient, stale_acls: list[Acl]) -> None:
    """Delete the ACLs the broker has for the declared users that are no longer declared."""
    for stale in stale_acls:
        filter_ = DeleteAclsRequest(
            stale.resource_type, stale.name, stale.pattern, stale.principal, "*", stale.operation,
            ALLOW,
        )  # fmt: skip
        response = await admin._send_request(filter_)
        _check([(stale, r[0], r[1]) for r in response.filter_responses], "delete a stale ACL")


async def apply(
    bootstrap: str,
    admin_auth: KafkaAuth,
    secrets_dir: Path,
    external: Sequence[str] = EXTERNAL_USERS,
) -> dict[str, str]:
    """Users (SCRAM-SHA-512) and ACLs as declared; returns each user's password."""
    plan = declared(external)
    passwords = {user: password(secrets_dir, user) for user in plan}
    admin = AIOKafkaAdminClient(
        **admin_auth.client_kwargs(), bootstrap_servers=bootstrap, client_id="houqin-kafka-acl"
    )
    await start_admin(admin)
    try:
        response = await admin._send_request(AlterUserScramCredentials(passwords))
        _check([r[:3] for r in response.results], "store the SCRAM users")
        wanted = set().union(*plan.values())
        have: set[Acl] = set()
        for user in plan:
            have |= await _existing(admin, f"User:{user}")
        missing = await _create(admin, sorted(wanted - have))
        await _delete(admin, sorted(have - wanted))
        log.info(
            "kafka_acl_applied",
            users=sorted(plan),
            created=len(missing),
            deleted=len(have - wanted),
        )
    finally:
        await admin.close()
    return passwords


def user_auth(user: str, secrets_dir: Path | None = None) -> KafkaAuth:
    """A declared user's sign-in, its password from `secrets_dir` (by default
    HOUQIN_KAFKA_SECRETS_DIR, which `infra.sh env` prints): tests acting as that user. Against
    a broker without SASL (the environment says PLAINTEXT), no sign-in."""
    if not secrets_dir and KafkaAuth.from_env().protocol == "PLAINTEXT":
        return KafkaAuth.from_env()
    directory = secrets_dir or Path(os.environ["HOUQIN_KAFKA_SECRETS_DIR"])
    return KafkaAuth("SASL_PLAINTEXT", "SCRAM-SHA-512", user, password(directory, user))


def admin_auth(secrets_dir: Path) -> KafkaAuth:
    """The broker's admin, its password from `secrets_dir` (one instance's, whatever the
    environment says: `./houqin test` exports the test instance's admin)."""
    admin_password = (secrets_dir / f"kafka-password-{ADMIN}").read_text().strip()
    return KafkaAuth("SASL_PLAINTEXT", "SCRAM-SHA-512", ADMIN, admin_password)


def admin_auth_for(secrets_dir: Path) -> KafkaAuth:
    """The environment's user when it names one (infra.sh env), else admin from `secrets_dir`."""
    auth = KafkaAuth.from_env()
    return auth if auth.username else admin_auth(secrets_dir)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bootstrap", required=True)
    parser.add_argument("--secrets", type=Path, required=True, help="kafka-password-<user> files")
    parser.add_argument(
        "--external",
        default=",".join(EXTERNAL_USERS),
        help="the external systems' users, comma separated",
    )
    args = parser.parse_args()
    external = [u for u in args.external.split(",") if u]
    asyncio.run(apply(args.bootstrap, admin_auth_for(args.secrets), args.secrets, external))


if __name__ == "__main__":
    main()
