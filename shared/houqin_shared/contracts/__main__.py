"""`python -m houqin_shared.contracts export` writes the schemas and AsyncAPI document;
`check` fails when a published schema changed incompatibly or a file is out of date."""

from __future__ import annotations

import json
import sys

from houqin_shared.contracts import ALL_CONTRACTS
from houqin_shared.contracts.schema import (
    ASYNCAPI_FILE,
    SCHEMA_DIR,
    asyncapi,
    dump,
    incompatibilities,
    schema_for,
    schema_path,
)


def main(argv: list[str]) -> int:
    command = argv[1] if len(argv) > 1 else "check"
    problems: list[str] = []
    for model in ALL_CONTRACTS:
        path, current = schema_path(model), schema_for(model)
        if path.exists():
            for p in incompatibilities(json.loads(path.read_text()), current):
                problems.append(f"{model.event_type}: {p}")
        if command == "export":
            SCHEMA_DIR.mkdir(exist_ok=True)
            path.write_text(dump(current))
        elif not path.exists() or path.read_text() != dump(current):
            problems.append(
                f"{path.name} is out of date: run `python -m houqin_shared.contracts export`"
            )
    if command == "export":
        ASYNCAPI_FILE.write_text(dump(asyncapi(ALL_CONTRACTS)))
    elif ASYNCAPI_FILE.read_text() != dump(asyncapi(ALL_CONTRACTS)):
        problems.append("asyncapi.json is out of date")
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
