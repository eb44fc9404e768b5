"""Schema migrations with yoyo-migrations: the shared outbox/inbox, then the service's own.

Run by each service's `migrate` command (never at replica start), as the service's own role, so
every table lands in the service's schema.
"""

from __future__ import annotations

from pathlib import Path

from yoyo import get_backend, read_migrations

SHARED_MIGRATIONS = Path(__file__).parent / "migrations"


def yoyo_url(database_url: str, schema: str) -> str:
    scheme, rest = database_url.split("://", 1)
    sep = "&" if "?" in rest else "?"
    return (
        f"postgresql+psycopg://{rest}{sep}schema={schema}"
        if scheme.startswith("postgres")
        else database_url
    )


def migrate(database_url: str, schema: str, service_migrations: Path) -> list[str]:
    """Apply what is pending; return the ids applied (empty when already up to date)."""
    backend = get_backend(yoyo_url(database_url, schema))
    migrations = read_migrations(str(SHARED_MIGRATIONS), str(service_migrations))
    with backend.lock():
        pending = backend.to_apply(migrations)
        backend.apply_migrations(pending)
    return [m.id for m in pending]
