"""Every problem the APIs answer has a catalogued, stable type with zh-CN and English text: the
catalogue is complete and well-formed, the source of every service names only catalogued types
(an AST walk), docs/problems.md is the catalogue, and the edge answers titles and validation
errors a client can translate."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import httpx
from fastapi import Query
from pydantic import BaseModel, Field

from houqin_shared.field_errors import FIELD_ERRORS, RULES, field_message
from houqin_shared.http import base_app
from houqin_shared.problem_types import (
    CATALOGUE,
    PREFIX,
    UNKNOWN,
    language,
    lookup,
    markdown,
    texts,
    title_of,
    uri,
)
from houqin_shared.problems import ProblemError, problem

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [ROOT / "shared" / "houqin_shared"] + [
    ROOT / "services" / name for name in ("feedback", "tickets", "scoring", "notify")
]
# Functions whose first argument is a problem slug.
SLUG_TAKERS = {"problem", "problem_of", "unauthorized", "refused", "invalid", "_invalid"}
# Generic helpers and constructors that name no specific type.
BANNED_CALLS = {"not_found", "forbidden", "conflict", "ProblemError", "HTTPException"}
# Where a banned call is the point: the class itself, and the edge's own HTTPException (413 on a
# streamed body, turned into content-too-large by the handler).
ALLOWED = {("problems.py", "ProblemError"), ("http.py", "HTTPException")}
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
CJK = re.compile(r"[\u4e00-\u9fff]")


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Name):
        return func.id
    return func.attr if isinstance(func, ast.Attribute) else ""


def _string(node: ast.expr | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def offences(path: Path) -> list[str]:
    """What in one file answers an uncatalogued or generic problem type."""
    tree = ast.parse(path.read_text(), str(path))
    where = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name
    found = []
    for node in ast.walk(tree):
        text = _string(node) if isinstance(node, ast.expr) else None
        if text == "about:blank":
            found.append(f"{where}:{node.lineno}: about:blank")
        if text and text.startswith(PREFIX) and text.removeprefix(PREFIX) not in {"", *CATALOGUE}:
            found.append(f"{where}:{node.lineno}: uncatalogued type {text}")
        if isinstance(node, ast.Call):
            name = _name(node.func)
            if name in BANNED_CALLS and (path.name, name) not in ALLOWED:
                found.append(f"{where}:{node.lineno}: {name}(...) names no catalogued type")
            first = _string(node.args[0]) if node.args else None
            if name in SLUG_TAKERS and first is not None and first not in CATALOGUE:
                found.append(f"{where}:{node.lineno}: uncatalogued slug {first!r}")
            if name == "refusals":  # the OpenAPI declaration of a route's refusals
                named = [_string(a) for a in node.args]
                found += [
                    f"{where}:{node.lineno}: uncatalogued refusal {n!r}"
                    for n in named
                    if n is not None and n not in CATALOGUE
                ]
            if name == "invalid_field" and first not in RULES:
                found.append(f"{where}:{node.lineno}: uncatalogued field error {first!r}")
            if any(k.arg == "type_" for k in node.keywords) and path.name != "problems.py":
                found.append(f"{where}:{node.lineno}: type_= bypasses the catalogue")
        if isinstance(node, ast.Dict):  # an `errors` item built by hand: its code is catalogued
            keys = {_string(k): v for k, v in zip(node.keys, node.values, strict=True) if k}
            code = _string(keys["type"]) if "loc" in keys and "type" in keys else None
            if code is not None and code not in FIELD_ERRORS:
                found.append(f"{where}:{node.lineno}: uncatalogued field error {code!r}")
        # A domain rule's refusal is a slug the API raises as it is.
        if isinstance(node, ast.FunctionDef) and re.search(r"_refusal$|^check_filing$", node.name):
            for ret in ast.walk(node):
                slug = _string(ret.value) if isinstance(ret, ast.Return) else None
                if slug is not None and slug not in CATALOGUE:
                    found.append(f"{where}:{ret.lineno}: {node.name} answers {slug!r}")
    return found


def test_every_problem_in_the_source_names_a_catalogued_type() -> None:
    files = [f for source in SOURCES for f in sorted(source.rglob("*.py"))]
    assert len(files) > 50
    found = [o for f in files for o in offences(f)]
    fix = (
        "\nraise houqin_shared.problems.problem('<slug>', detail) with a slug catalogued (status,"
        " zh, en) in shared/houqin_shared/problem_types.py; field rules: invalid_field('<code>')"
    )
    assert found == [], "\n".join(found) + fix


def test_the_walk_can_fail(tmp_path: Path) -> None:
    bad = tmp_path / "probe.py"
    bad.write_text(
        "from houqin_shared.problems import ProblemError, not_found, problem\n"
        "def f():\n"
        "    raise not_found('x')\n"
        "def g():\n"
        "    raise ProblemError(404, 'Not Found', type_='about:blank')\n"
        "def h():\n"
        "    raise problem('no-such-slug')\n"
        "def p_refusal():\n"
        "    return 'english text'\n"
        "def v():\n"
        "    raise invalid_field('some_new_rule')\n"
        "ERRORS = [{'loc': ['x'], 'type': 'made_up', 'msg': 'no'}]\n"
        "DOC = refusals('report-not-found', 'not-in-the-catalogue')\n"
    )
    found = offences(bad)
    assert len(found) == 9, found


def test_every_type_has_a_slug_a_status_and_text_in_both_languages() -> None:
    assert len(CATALOGUE) > 100
    for slug, kind in CATALOGUE.items():
        assert slug == kind.slug and SLUG.match(slug), slug
        assert 400 <= kind.status <= 599, slug
        assert kind.zh.strip() and CJK.search(kind.zh), slug
        assert kind.en.strip() and kind.en[0].isupper(), slug
        assert kind.uri == PREFIX + slug == uri(slug)


def test_every_field_error_code_has_text_in_both_languages_with_the_same_parameters() -> None:
    for code, (zh, en) in FIELD_ERRORS.items():
        assert CJK.search(zh) and en.strip(), code
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), code
    assert field_message("string_too_long", {"max_length": 200}, "zh") == "最多 200 个字"
    assert field_message("rating_comment_required", {"low": 2}, "en").endswith("needs a comment")
    assert field_message("from_a_newer_server", None, "zh") == "此项填写有误"
    assert field_message("score_above_maximum", {}, "en").endswith("above its maximum")


def test_a_client_finds_the_text_of_a_type_with_a_fallback() -> None:
    assert texts(uri("report-not-found"))[0].startswith("找不到该报修")
    assert title_of(uri("rating-own-work"), "en") == "Nobody rates their own work"
    assert lookup("about:blank") is None and texts("about:blank") == UNKNOWN
    assert texts(PREFIX + "from-a-newer-server") == UNKNOWN
    assert all(UNKNOWN)


def test_the_title_language_follows_accept_language() -> None:
    assert language(None) == "zh" and language("") == "zh" and language("fr-FR") == "zh"
    assert language("en-US,en;q=0.9") == "en"
    assert language("zh-CN,zh;q=0.9,en;q=0.8") == "zh"
    assert language("en;q=0.5, zh-TW;q=0.7") == "zh"
    assert language("de, en;q=0.3, zh;q=bad") == "en"


def test_problem_takes_status_and_titles_from_the_catalogue() -> None:
    p = problem("transfer-not-pending", "this transfer is already accepted", transfer="t1")
    assert isinstance(p, ProblemError) and p.status == 409
    body = p.body("/v1/transfers/t1/accept", lang="zh")
    assert body == {
        "type": PREFIX + "transfer-not-pending",
        "title": CATALOGUE["transfer-not-pending"].zh,
        "status": 409,
        "detail": "this transfer is already accepted",
        "instance": "/v1/transfers/t1/accept",
        "transfer": "t1",
    }
    assert p.body(lang="en")["title"] == CATALOGUE["transfer-not-pending"].en
    assert problem("rate-limited").detail == CATALOGUE["rate-limited"].en


def test_docs_list_the_catalogue() -> None:
    doc = (ROOT / "docs" / "problems.md").read_text()
    assert doc == markdown(), "run: uv run python -m houqin_shared.problem_types > docs/problems.md"


class Form(BaseModel):
    name: str = Field(max_length=5)
    floor: int = Field(ge=0, le=30)


async def test_validation_errors_carry_the_field_a_code_and_its_parameters() -> None:
    app = base_app("probe")

    @app.post("/forms")
    async def post_form(form: Form, page: int = Query(1, ge=1)) -> dict[str, str]:
        return {"name": form.name}

    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        r = await client.post(
            "/forms?page=0", json={"name": "x" * 6, "floor": 99}, headers={"Accept-Language": "en"}
        )
        missing = await client.get("/nowhere")
    assert r.status_code == 422 and r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["type"] == uri("validation") and body["title"] == CATALOGUE["validation"].en
    by_loc = {tuple(e["loc"]): e for e in body["errors"]}
    assert by_loc[("body", "name")]["type"] == "string_too_long"
    assert by_loc[("body", "name")]["ctx"] == {"max_length": 5}
    assert by_loc[("body", "floor")]["type"] == "less_than_equal"
    assert by_loc[("body", "floor")]["ctx"] == {"le": 30}
    assert by_loc[("query", "page")]["ctx"] == {"ge": 1}
    assert missing.status_code == 404 and missing.json()["type"] == uri("route-not-found")
    assert missing.json()["title"] == CATALOGUE["route-not-found"].zh
