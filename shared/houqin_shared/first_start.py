"""The secrets of a docker-compose platform, made at its first start and kept in a volume, so
none is committed: `python -m houqin_shared.first_start DIR --db postgres:5432/houqin
--users deploy/demo/users.json`.

In DIR, each file made only when absent (mode 0444; the volume is mounted by the containers that
need it, read-only but for this one):
- `postgres-password`: the PostgreSQL superuser's (the postgres image's POSTGRES_PASSWORD_FILE);
- `db-password-<service>`: each service role's (read by `houqin_shared.bootstrap`);
- `<SERVICE>_DATABASE_URL`, `NOTIFY_CLIENT_SECRET`, `CONSOLE_OIDC_CLIENT_SECRET`,
  `FEEDBACK_BALLOT_SECRET`: settings files,
  which every process reads when HOUQIN_SECRETS_DIR names DIR (a variable set in the
  environment still wins);
- `kafka-password-<user>`: the Kafka users' (`admin`, each service, each external system:
  `--kafka-external`), read by the broker (deploy/compose/kafka-start.sh) and by
  `houqin_shared.kafka_acl`, and each service's as its settings file
  `<SERVICE>_KAFKA_SASL_PASSWORD`;
- `client-secret-<client>` for each SSO client of the users file, and `users.json`: that file
  with those secrets in place of the committed demo ones, for the demo SSO (rewritten at every
  start, so changes to the users file reach it).
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
from pathlib import Path

from houqin_shared.bootstrap import SERVICES
from houqin_shared.kafka_acl import ADMIN, EXTERNAL_USERS

CLIENT_SETTINGS = {"notify": "NOTIFY_CLIENT_SECRET", "console": "CONSOLE_OIDC_CLIENT_SECRET"}
"""The setting of the process that signs in as each SSO client."""
SERVER_SECRETS = ("FEEDBACK_BALLOT_SECRET",)
"""Secrets a service keeps to itself (feedback's key of secret ballots)."""


def secret_settings() -> set[str]:
    """The variables first_start supplies as files instead of the environment."""
    made = {f"{s.upper()}_DATABASE_URL" for s in SERVICES} | set(CLIENT_SETTINGS.values())
    kafka = {f"{s.upper()}_KAFKA_SASL_PASSWORD" for s in SERVICES}
    return made | set(SERVER_SECRETS) | kafka


def _keep(directory: Path, name: str, make: str) -> str:
    """The content of `directory/name`, written with `make` first when absent."""
    path = directory / name
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
        with os.fdopen(fd, "w") as out:
            out.write(make)
    return path.read_text().strip()


def _replace(directory: Path, name: str, text: str) -> None:
    temporary = directory / f".{name}.tmp"
    temporary.unlink(missing_ok=True)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o444)
    with os.fdopen(fd, "w") as out:
        out.write(text)
    temporary.replace(directory / name)


def kafka_passwords(directory: Path, external: list[str]) -> None:
    """A password per Kafka user; each service's also as its settings file."""
    for user in (ADMIN, *external):
        _keep(directory, f"kafka-password-{user}", secrets.token_urlsafe(24))
    for service in SERVICES:
        password = _keep(directory, f"kafka-password-{service}", secrets.token_urlsafe(24))
        _keep(directory, f"{service.upper()}_KAFKA_SASL_PASSWORD", password)


def first_start(
    directory: Path, db: str, users_file: Path, kafka_external: list[str] | None = None
) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    _keep(directory, "postgres-password", secrets.token_urlsafe(24))
    for service in SERVICES:
        password = _keep(directory, f"db-password-{service}", secrets.token_urlsafe(24))
        dsn = f"postgresql://{service}:{password}@{db}"
        _keep(directory, f"{service.upper()}_DATABASE_URL", dsn)
    for name in SERVER_SECRETS:
        _keep(directory, name, secrets.token_urlsafe(32))
    kafka_passwords(directory, list(EXTERNAL_USERS) if kafka_external is None else kafka_external)
    users = json.loads(users_file.read_text(encoding="utf-8"))
    for user in users:
        if user.get("client_secret") is None:
            continue
        client = user["username"]
        user["client_secret"] = _keep(
            directory, f"client-secret-{client}", secrets.token_urlsafe(32)
        )
        if client in CLIENT_SETTINGS:
            _keep(directory, CLIENT_SETTINGS[client], user["client_secret"])
    _replace(directory, "users.json", json.dumps(users, ensure_ascii=False, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("directory", type=Path)
    parser.add_argument("--db", required=True, help="host:port/database of the services' DSNs")
    parser.add_argument("--users", type=Path, required=True, help="the demo SSO's users file")
    parser.add_argument(
        "--kafka-external",
        default=",".join(EXTERNAL_USERS),
        help="the external systems' Kafka users, comma separated",
    )
    args = parser.parse_args()
    external = [u for u in args.kafka_external.split(",") if u]
    first_start(args.directory, args.db, args.users, external)


if __name__ == "__main__":
    main()
