"""Create each service's login role and schema (run once by an administrator, idempotent).

`python -m houqin_shared.bootstrap --admin-dsn postgresql://postgres:...@host/houqin feedback ...`
Each role owns exactly its schema and gets no rights on any other; PUBLIC loses CREATE on the
database and the public schema. Each role's sessions default to the services' statement and
idle-in-transaction timeouts (a backstop for clients that set none, such as psql or a migration;
the services send their own `DB_*` settings at connect, which take precedence). Passwords come
from `HOUQIN_DB_PASSWORD_<SERVICE>`, else the file `db-password-<service>` in HOUQIN_SECRETS_DIR
(docker-compose: `houqin_shared.first_start`), else a dev default printed nowhere but here:
`<service>-dev-password`. `--admin-password-file` gives the superuser's password.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
from pathlib import Path

import asyncpg

from houqin_shared.db import Timeouts
from houqin_shared.settings import read_secret

SERVICES = ("feedback", "tickets", "scoring", "notify")
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
ROLE_DEFAULTS = {
    "statement_timeout": Timeouts.statement_ms,
    "idle_in_transaction_session_timeout": Timeouts.idle_in_transaction_ms,
}


def password_for(service: str) -> str:
    given = os.environ.get(f"HOUQIN_DB_PASSWORD_{service.upper()}")
    return given or read_secret(f"db-password-{service}") or f"{service}-dev-password"


async def bootstrap(
    admin_dsn: str, services: tuple[str, ...] = SERVICES, admin_password: str | None = None
) -> None:
    conn = await asyncpg.connect(
        admin_dsn,
        password=admin_password,
        timeout=Timeouts.connect_s,
        command_timeout=Timeouts.command_s,
    )
    try:
        database = await conn.fetchval("SELECT current_database()")
        await conn.execute(f'REVOKE CREATE, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
        await conn.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC")
        for service in services:
            if not _NAME.match(service):
                raise ValueError(f"bad service name {service!r}")
            exists = await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", service)
            verb = "ALTER" if exists else "CREATE"
            password = password_for(service).replace("'", "''")
            await conn.execute(f"{verb} ROLE {service} LOGIN PASSWORD '{password}'")
            await conn.execute(f"CREATE SCHEMA IF NOT EXISTS {service} AUTHORIZATION {service}")
            await conn.execute(f"REVOKE ALL ON SCHEMA {service} FROM PUBLIC")
            await conn.execute(f"ALTER ROLE {service} SET search_path = {service}")
            for name, value in ROLE_DEFAULTS.items():
                await conn.execute(f"ALTER ROLE {service} SET {name} = {value}")
            await conn.execute(f'GRANT CONNECT ON DATABASE "{database}" TO {service}')
    finally:
        await conn.close()


def service_dsn(admin_dsn: str, service: str) -> str:
    """The DSN of `service`'s own role on the same server and database as `admin_dsn`."""
    scheme, rest = admin_dsn.split("://", 1)
    hostpart = rest.split("@", 1)[-1]
    return f"{scheme}://{service}:{password_for(service)}@{hostpart}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--admin-dsn", required=True)
    parser.add_argument("--admin-password-file", type=Path, help="the superuser's password")
    parser.add_argument("services", nargs="*", default=list(SERVICES))
    args = parser.parse_args()
    file = args.admin_password_file
    password = file.read_text().strip() if file is not None else None
    asyncio.run(bootstrap(args.admin_dsn, tuple(args.services), password))


if __name__ == "__main__":
    main()
