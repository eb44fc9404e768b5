"""`python -m console api`: the web console (it has no worker, relay or migrations)."""

from __future__ import annotations

import sys

import uvicorn

from console.app import create_app
from console.settings import ConsoleSettings
from houqin_shared import logs


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv if argv is None else argv
    if len(argv) != 2 or argv[1] != "api":
        print("usage: python -m console api", file=sys.stderr)
        return 2
    settings = ConsoleSettings()
    logs.configure("console", "api", settings.log_level, settings.log_json)
    config = uvicorn.Config(
        create_app(settings),
        host=settings.http_host,
        port=settings.http_port,
        log_config=None,
        access_log=False,
        proxy_headers=False,
    )
    uvicorn.Server(config).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
