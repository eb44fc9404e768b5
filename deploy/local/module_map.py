"""Every module of every service in its layer, side by side (ARCHITECTURE.md's table).

    uv run python deploy/local/module_map.py            # the Markdown table
    uv run python deploy/local/module_map.py --check    # exit 1 if a module has no layer

The layers are ARCHITECTURE.md's. A module's layer comes from the conventions shared by every
service (first match wins), then from the service's own list for the names no convention
covers. A module in no layer, or in a list but gone, is an error: tests/unit/test_module_shape.py
runs the check and keeps ARCHITECTURE.md's table in step with this file.
"""

from __future__ import annotations

import sys
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ("feedback", "tickets", "scoring", "notify", "console")
LAYERS = (
    "assembly",
    "routes",
    "route helpers",
    "handlers and periodic work",
    "use cases",
    "rules (no I/O)",
    "adapters (other systems, files)",
    "repositories (SQL)",
)
# The conventions every service follows: (glob of the path in the package, layer).
CONVENTIONS = (
    ("__main__.py", "assembly"),
    ("settings.py", "assembly"),
    ("api.py", "routes"),
    ("api_*.py", "routes"),
    ("pages/*.py", "routes"),
    ("deps.py", "route helpers"),
    ("handlers.py", "handlers and periodic work"),
    ("*_service.py", "use cases"),
    ("domain*.py", "rules (no I/O)"),
    ("rows.py", "rules (no I/O)"),
    ("clients/*.py", "adapters (other systems, files)"),
    ("repository/*.py", "repositories (SQL)"),
)
# What no convention names, per service.
OWN: dict[str, dict[str, str]] = {
    "feedback": {
        "category_cache.py": "route helpers",
        "limits.py": "route helpers",
        "presenting.py": "route helpers",
        "ratelimit.py": "route helpers",
        "uploads.py": "route helpers",
        "inbound.py": "handlers and periodic work",
        "periodic.py": "handlers and periodic work",
        "intake.py": "use cases",
        "adding_photos.py": "use cases",
        "duplicate_finder.py": "use cases",
        "survey_close.py": "use cases",
        "images.py": "rules (no I/O)",
        "photos.py": "adapters (other systems, files)",
    },
    "tickets": {
        "sweeper.py": "handlers and periodic work",
        "decisions.py": "use cases",
        "directory_events.py": "use cases",
        "handover.py": "use cases",
        "merging.py": "use cases",
        "opening.py": "use cases",
        "praises.py": "use cases",
        **{
            name: "rules (no I/O)"
            for name in (
                "access.py",
                "calendar_doc.py",
                "directory_sheet.py",
                "directory_sheet_out.py",
                "directory_sheet_words.py",
                "escalation.py",
                "lifecycle.py",
                "official_calendar.py",
                "pauses.py",
                "places.py",
                "recurring.py",
                "routing.py",
                "sla.py",
                "tracks.py",
                "work.py",
            )
        },
    },
    "scoring": {
        "schemas.py": "route helpers",
        "schemas_awards.py": "route helpers",
        "awards_facts.py": "use cases",
        "compute.py": "use cases",
        "nominating.py": "use cases",
        "publicity.py": "use cases",
        "reading.py": "use cases",
        "trends.py": "use cases",
        **{
            name: "rules (no I/O)"
            for name in (
                "award_documents.py",
                "award_forms.py",
                "award_prizes.py",
                "charts.py",
                "rendering.py",
                "reports.py",
            )
        },
    },
    "notify": {
        "delivery.py": "handlers and periodic work",
        "digest.py": "handlers and periodic work",
        "name_source.py": "handlers and periodic work",
        "claims.py": "use cases",
        "followers.py": "use cases",
        "recipients.py": "use cases",
        **{
            name: "rules (no I/O)"
            for name in (
                "examples.py",
                "links.py",
                "names.py",
                "planning.py",
                "redact.py",
                "samples.py",
                "signing.py",
                "template_sandbox.py",
                "templates.py",
            )
        },
        "channel_settings.py": "adapters (other systems, files)",
        "outbound.py": "adapters (other systems, files)",
        "peer_client.py": "adapters (other systems, files)",
        "reporters.py": "adapters (other systems, files)",
        "senders.py": "adapters (other systems, files)",
    },
    "console": {
        "app.py": "assembly",
        "auth.py": "route helpers",
        "error_pages.py": "route helpers",
        "errors.py": "route helpers",
        "i18n.py": "route helpers",
        "labels.py": "route helpers",
        "render_cache.py": "route helpers",
        "report_form.py": "route helpers",
        "security.py": "route helpers",
        "sessions.py": "route helpers",
        "web.py": "route helpers",
        "api.py": "adapters (other systems, files)",
        "transport.py": "adapters (other systems, files)",
    },
}


def modules(service: str) -> list[str]:
    """The package's modules as paths inside it (`api_queues.py`, `repository/tickets.py`)."""
    package = ROOT / "services" / service / service
    found = (p.relative_to(package).as_posix() for p in package.rglob("*.py"))
    return sorted(m for m in found if not m.endswith("__init__.py"))


def layer_of(service: str, module: str) -> str | None:
    own = OWN.get(service, {})
    if module in own:
        return own[module]
    return next((layer for glob, layer in CONVENTIONS if fnmatch(module, glob)), None)


def problems() -> list[str]:
    out = []
    for service in SERVICES:
        present = set(modules(service))
        out += [f"{service}/{m}: no layer" for m in sorted(present) if not layer_of(service, m)]
        out += [f"{service}/{m}: listed but gone" for m in OWN[service] if m not in present]
    return out


def by_layer(service: str) -> dict[str, list[str]]:
    table: dict[str, list[str]] = {layer: [] for layer in LAYERS}
    for module in modules(service):
        layer = layer_of(service, module)
        if layer:
            table[layer].append(module.removesuffix(".py"))
    return table


def markdown() -> str:
    columns = {service: by_layer(service) for service in SERVICES}
    lines = ["| layer | " + " | ".join(SERVICES) + " |", "|---" * (len(SERVICES) + 1) + "|"]
    for layer in LAYERS:
        cells = [_cell(columns[service][layer]) for service in SERVICES]
        lines.append(f"| {layer} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def _cell(names: list[str]) -> str:
    grouped: dict[str, list[str]] = {}
    for name in names:
        folder, _, leaf = name.rpartition("/")
        grouped.setdefault(folder, []).append(leaf)
    parts = [", ".join(leaves) for folder, leaves in grouped.items() if not folder]
    parts += [f"{folder}/{{{', '.join(leaves)}}}" for folder, leaves in grouped.items() if folder]
    return ", ".join(parts) or "—"


if __name__ == "__main__":
    if "--check" in sys.argv[1:]:
        found = problems()
        print("\n".join(found) or "every module has its layer")
        sys.exit(1 if found else 0)
    sys.stdout.write(markdown())
