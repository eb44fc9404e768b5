"""Settings for every service process, read from the environment with one prefix per service.

Each service subclasses `ServiceSettings` and sets `env_prefix` (for example `FEEDBACK_`), so
`FEEDBACK_DATABASE_URL` configures the feedback service only. Every field carries a description;
`python -m houqin_shared.settings_doc` prints the configuration table in README.md from them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SecretsSettingsSource,
    SettingsConfigDict,
)

DEMO_ENV = "HOUQIN_DEMO"
"""The one switch of the demo mode, shared by every service and the demo SSO (no prefix)."""
SECRETS_ENV = "HOUQIN_SECRETS_DIR"
"""A directory of secret files named like the variables (`FEEDBACK_DATABASE_URL`), read for
what the environment does not set (docker-compose keeps them in a volume: first_start)."""
CLAIM_PATH = r"^[A-Za-z0-9_:-]+(\.[A-Za-z0-9_:-]+)*$"  # a claim name, or a dotted path


def read_secret(name: str) -> str | None:
    """The file `name` in HOUQIN_SECRETS_DIR, when that is set and the file exists."""
    directory = os.environ.get(SECRETS_ENV)
    path = Path(directory) / name if directory else None
    return path.read_text().strip() if path is not None and path.is_file() else None


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True, populate_by_name=True)

    database_url: str = Field(
        "postgresql://postgres@127.0.0.1:5432/houqin",
        description="PostgreSQL DSN of this service's own login role (it owns one schema only).",
    )
    db_schema: str = Field("public", description="The schema this service owns; the search_path.")
    db_pool_min: int = Field(1, ge=1, description="Minimum connections in the asyncpg pool.")
    db_pool_max: int = Field(10, ge=1, description="Maximum connections in the asyncpg pool.")
    db_acquire_timeout_s: float = Field(
        5,
        gt=0,
        description="Longest a request waits for a free pooled connection; then it is answered"
        " 503 (Retry-After) instead of queueing on, seconds.",
    )
    db_connect_timeout_s: float = Field(
        10, gt=0, description="Longest opening a database connection may take, seconds."
    )
    db_command_timeout_s: float = Field(
        35,
        gt=0,
        description="Client-side limit on every query (asyncpg command_timeout): a server that"
        " stops answering is given up after this long, seconds (a little above"
        " DB_STATEMENT_TIMEOUT_MS, so the server's own limit normally fires first).",
    )
    db_statement_timeout_ms: int = Field(
        30_000,
        ge=0,
        description="PostgreSQL statement_timeout of this service's connections (0: none;"
        " migrations and benchmarks may raise it), ms.",
    )
    db_idle_in_transaction_timeout_ms: int = Field(
        60_000,
        ge=0,
        description="PostgreSQL idle_in_transaction_session_timeout of this service's"
        " connections: a session left idle inside a transaction this long is ended, its locks"
        " freed (0: none), ms.",
    )
    db_tcp_keepalive_idle_s: int = Field(
        10,
        ge=1,
        description="TCP keepalive on every database connection, both ends: first probe after"
        " this much silence, then every half of it, 3 probes (a silent peer is noticed after"
        " about 2.5 times this), seconds.",
    )
    db_tcp_user_timeout_ms: int = Field(
        20_000,
        ge=0,
        description="TCP_USER_TIMEOUT on every database connection, both ends: a connection"
        " whose sent data stays unacknowledged this long is closed (0: the kernel's default), ms.",
    )
    kafka_bootstrap: str = Field(
        "127.0.0.1:9092", description="Kafka bootstrap servers, comma separated."
    )
    kafka_security_protocol: Literal["SASL_PLAINTEXT", "SASL_SSL", "PLAINTEXT"] = Field(
        "SASL_PLAINTEXT",
        description="How this service's Kafka clients connect: SASL_PLAINTEXT (the broker asks"
        " every client to sign in, and its ACLs let each service write only its own topic),"
        " SASL_SSL, or PLAINTEXT (only for a broker without authentication).",
    )
    kafka_sasl_mechanism: Literal["SCRAM-SHA-512", "SCRAM-SHA-256"] = Field(
        "SCRAM-SHA-512", description="The SASL mechanism of this service's Kafka user."
    )
    kafka_sasl_username: str = Field(
        "",
        description="This service's Kafka user (its name under ./houqin run and compose):"
        " the broker's ACLs name what it may write, read and which groups it may join.",
    )
    kafka_sasl_password: SecretStr = Field(
        SecretStr(""),
        description="That user's password (./houqin run: made per instance by"
        " deploy/local; compose: a first_start secret file).",
    )
    kafka_max_message_bytes: int = Field(
        1_048_588,
        ge=65536,
        description="The broker's message.max.bytes (Kafka's default, which deploy/local and"
        " compose keep): the producers' max_request_size, and the largest outbox row a relay"
        " publishes (a larger one is moved to outbox_quarantine, counted and logged), bytes.",
    )
    kafka_topic_partitions: int = Field(
        4,
        ge=1,
        le=1024,
        description="Partitions of each topic a migrate creates (a topic that exists keeps its"
        " own): at most this many workers of one group share the work.",
    )
    kafka_topic_replication: int = Field(
        1,
        ge=1,
        le=16,
        description="Replication factor of each topic a migrate creates: 1 on one broker, 3 on a"
        " cluster (infra.sh --brokers 3 and ./houqin run give 3 there).",
    )
    kafka_topic_min_insync: int = Field(
        1,
        ge=1,
        le=16,
        description="min.insync.replicas of each topic a migrate creates with more than one"
        " replica (2 of 3: an acks=all write survives one broker's loss); at most"
        " KAFKA_TOPIC_REPLICATION.",
    )
    http_host: str = Field("127.0.0.1", description="Address the HTTP API binds to.")
    http_port: int = Field(8000, description="Port of the HTTP API.")
    http_max_body_bytes: int = Field(
        6 * 1024 * 1024,
        ge=1024,
        description="Largest request body accepted (a photo upload with its form), bytes;"
        " larger ones are refused with 413 before they are read.",
    )
    http_max_query_bytes: int = Field(
        8192, ge=256, description="Longest query string accepted (414 beyond), bytes."
    )
    http_max_header_bytes: int = Field(
        16384, ge=1024, description="Most header bytes accepted in a request (431 beyond)."
    )
    http_max_in_flight: int = Field(
        32,
        ge=0,
        description="Most requests one API process handles at once; beyond, an immediate 503"
        " problem+json `overloaded` with Retry-After instead of a queue (0: no limit).",
    )
    http_reuse_port: bool = Field(
        False,
        description="Bind the API with SO_REUSEPORT, so that several API processes of one"
        " service share its port (the kernel spreads connections among them).",
    )
    worker_port: int = Field(
        0, description="Port of the worker's health and metrics endpoint (0: none)."
    )
    relay_port: int = Field(
        0, description="Port of the relay's health and metrics endpoint (0: none)."
    )
    jwt_issuer: str = Field(
        "https://sso.campus.invalid",
        description="Expected `iss` of bearer tokens (the default names no real host: set it).",
    )
    jwt_audience: str = Field("houqin", description="Expected `aud` of bearer tokens.")
    jwt_jwks_url: str = Field(
        "https://sso.campus.invalid/.well-known/jwks.json",
        description="JWKS of the campus SSO, fetched and cached; https, unless HOUQIN_DEMO is"
        " set (the local demo SSO speaks http).",
    )
    jwt_jwks_timeout_s: float = Field(
        10,
        gt=0,
        description="Deadline of one JWKS fetch, whole answer included (only a token with a key"
        " id not seen before waits for one), seconds.",
    )
    demo_mode: bool = Field(
        False,
        validation_alias=DEMO_ENV,
        description="No prefix (1 or true): the demo mode of `./houqin run`, the"
        " tests and compose's demo SSO. Only then may the JWKS come over http; the demo SSO"
        " refuses to start without it.",
    )
    jwt_leeway_s: int = Field(30, ge=0, description="Clock skew tolerated on `exp`/`nbf`, seconds.")
    jwt_subject_claim: str = Field(
        "sub",
        pattern=CLAIM_PATH,
        max_length=200,
        description="Claim naming the caller as the directory knows them (the staff id;"
        " Keycloak: `preferred_username`); a dotted path reaches into nested claims"
        " (docs/identity.md).",
    )
    jwt_name_claim: str = Field(
        "name", pattern=CLAIM_PATH, max_length=200, description="Claim of the person's name."
    )
    jwt_roles_claim: str = Field(
        "roles",
        pattern=CLAIM_PATH,
        max_length=200,
        description="Claim listing the caller's roles (Keycloak's realm roles:"
        " `realm_access.roles`); names Houqin does not know are ignored.",
    )
    jwt_department_claim: str = Field(
        "dept",
        pattern=CLAIM_PATH,
        max_length=200,
        description="Claim of the caller's department (科室) id.",
    )
    jwt_team_claim: str = Field(
        "team", pattern=CLAIM_PATH, max_length=200, description="Claim of the caller's team id."
    )
    log_level: str = Field("INFO", description="Log level: DEBUG, INFO, WARNING, ERROR.")
    log_json: bool = Field(True, description="JSON log lines (true) or human-readable (false).")
    relay_batch: int = Field(500, ge=1, description="Outbox rows the relay publishes per round.")
    relay_poll_ms: int = Field(5, ge=1, description="Relay's sleep when the outbox is empty, ms.")
    relay_idle_poll_ms: int = Field(
        50,
        ge=1,
        description="Longest sleep of a relay whose outbox stays empty (the sleep doubles from"
        " RELAY_POLL_MS while it finds nothing, and drops back when it finds something), ms.",
    )
    relay_lock_silence_ms: int = Field(
        5_000,
        ge=1_000,
        le=60_000,
        description="How long the relay leader's lock connection may go silent before both ends"
        " drop it (its keepalives and TCP_USER_TIMEOUT, tighter than DB_TCP_USER_TIMEOUT_MS):"
        " the server then frees the leader lock and a standby relay takes over, ms.",
    )
    consumer_batch: int = Field(500, ge=1, description="Events a worker handles per transaction.")
    consumer_max_attempts: int = Field(
        5, ge=1, description="Attempts for an event whose handler fails before it is dead-lettered."
    )
    consumer_backoff_ms: int = Field(
        200, ge=0, description="First retry delay, doubled each attempt (with jitter), ms."
    )
    consumer_fetch_min_bytes: int = Field(
        32768,
        ge=1,
        description="Kafka answers a worker's fetch once this much is waiting (or after"
        " CONSUMER_FETCH_WAIT_MS): under load a worker takes fuller batches, far fewer"
        " fetches, transactions and commits, bytes.",
    )
    consumer_fetch_wait_ms: int = Field(
        10,
        ge=0,
        description="Longest a fetch waits for CONSUMER_FETCH_MIN_BYTES (what a quiet event can"
        " lose per hop), ms.",
    )
    consumer_quiet_wait_ms: int = Field(
        500,
        ge=0,
        description="While a worker takes fewer records a second than one per"
        " CONSUMER_FETCH_WAIT_MS, its fetches wait for the first record (or this long) instead"
        " of CONSUMER_FETCH_MIN_BYTES: a quiet worker costs Kafka a fetch per record instead of"
        " a hundred a second, and no event is held for CONSUMER_FETCH_WAIT_MS (0: always wait"
        " as under load), ms.",
    )
    consumer_commit_ms: int = Field(
        200,
        ge=0,
        description="A worker commits its Kafka offsets at most this often (0: after every"
        " batch), always after the batch's transaction; the inbox makes a redelivery harmless, ms.",
    )
    consumer_stall_s: int = Field(
        60, ge=1, description="Liveness fails when the consumer loop has not turned for this long."
    )
    consumer_rebuild_s: int = Field(
        30,
        ge=1,
        description="A consumer whose loop has not turned, or that has held no partition, for"
        " this long is stopped and made again (aiokafka can stay wedged after a broker restart).",
    )

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments, then the environment, then HOUQIN_SECRETS_DIR's files when it is set."""
        directory = os.environ.get(SECRETS_ENV)
        files = (SecretsSettingsSource(settings_cls, secrets_dir=directory),) if directory else ()
        return (init_settings, env_settings, dotenv_settings, *files)

    @field_validator("demo_mode", mode="before")
    @classmethod
    def _unset_is_off(cls, value: Any) -> Any:
        return False if value == "" else value

    @model_validator(mode="after")
    def _min_insync_within_replication(self) -> ServiceSettings:
        if self.kafka_topic_min_insync > self.kafka_topic_replication:
            raise ValueError("KAFKA_TOPIC_MIN_INSYNC must not exceed KAFKA_TOPIC_REPLICATION")
        return self
