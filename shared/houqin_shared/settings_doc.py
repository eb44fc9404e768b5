"""Prints the configuration table of README.md from the settings classes' field descriptions:
`python -m houqin_shared.settings_doc`."""

from __future__ import annotations

from houqin_shared.settings import ServiceSettings

PREFIXES = ("FEEDBACK_", "TICKETS_", "SCORING_", "NOTIFY_")


def table() -> str:
    rows = [
        "| variable (after the service prefix) | default | meaning |",
        "|---|---|---|",
    ]
    for name, info in ServiceSettings.model_fields.items():
        default = "" if info.default is None else f"`{info.default}`"
        alias = info.validation_alias  # a variable without the prefix, e.g. HOUQIN_DEMO
        variable = alias if isinstance(alias, str) else name.upper()
        rows.append(f"| `{variable}` | {default} | {info.description} |")
    return "\n".join(rows)


if __name__ == "__main__":
    print(f"Prefixes: {', '.join(f'`{p}`' for p in PREFIXES)}; each service's own defaults for")
    print("`DB_SCHEMA` and the ports are in its `settings.py`.\n")
    print(table())
