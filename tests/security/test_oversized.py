"""Oversized and wrong input at the HTTP edge: JSON bodies far over any field's limit, photos
over the size limit or of the wrong type, huge query strings and headers. Each is refused with
a 4xx problem+json (never a 5xx), and nothing is stored."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import launcher
import psycopg
import pytest
from security_support import PLUMBING_REPORT, Api, assert_problem, auth, unique

from houqin_shared.identity import Role

pytestmark = pytest.mark.infra
BIG = 8 * 1024 * 1024  # 8 MiB of text in one field
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PHOTO_LIMIT = 5_000_000  # FEEDBACK_PHOTO_MAX_BYTES default


@pytest.fixture(scope="module")
def api(platform: launcher.Platform) -> Iterator[Api]:
    client = Api(platform.inst)
    yield client
    client.close()


def count(inst: launcher.Instance, sql: str, *args: Any) -> int:
    with psycopg.connect(inst.admin_dsn) as conn:
        row = conn.execute(sql, args).fetchone()
    assert row is not None
    return int(row[0])


def test_json_bodies_far_over_the_limits_are_refused_and_nothing_is_stored(api: Api) -> None:
    inst = api.inst
    subject = unique("big-reporter")
    reporter = auth(inst, subject, Role.reporter)
    admin = auth(inst, "big-admin", Role.admin)
    supervisor = auth(inst, "big-supervisor", Role.supervisor)
    leader = auth(inst, "big-leader", Role.leader)
    huge = "漏" * (BIG // 3)
    cases: list[tuple[str, str, str, dict[str, str], Any]] = [
        ("POST", "feedback", "/v1/reports", reporter, {**PLUMBING_REPORT, "description": huge}),
        ("POST", "feedback", "/v1/reports", reporter, {**PLUMBING_REPORT, "padding": huge}),
        (
            "POST",
            "feedback",
            "/v1/reports",
            reporter,
            {**PLUMBING_REPORT, "photo_ids": ["00000000-0000-0000-0000-000000000000"] * 200_000},
        ),
        ("PUT", "feedback", "/v1/catalog/big-service", admin, {"name": huge}),
        ("POST", "tickets", "/v1/rectifications", supervisor, {"problem": huge}),
        ("PUT", "tickets", "/v1/directory", admin, {"departments": [{"id": "x", "name": huge}]}),
        ("POST", "scoring", "/v1/campaigns", leader, {"name": huge}),
        ("POST", "notify", "/v1/templates/preview", admin, {"subject": "s", "body": huge}),
        ("PUT", "notify", "/v1/preferences/me", reporter, {"channels": {"x": [huge]}}),
    ]
    for method, service, path, headers, body in cases:
        r = api.call(method, service, path, headers, json=body)
        assert_problem(r, 413)  # over HTTP_MAX_BODY_BYTES: refused before it is read
    # not even parsed as JSON: a huge malformed document
    r = api.call(
        "POST",
        "feedback",
        "/v1/reports",
        {**reporter, "Content-Type": "application/json"},
        content=b"{" + b'"a":' * (BIG // 4),
    )
    assert_problem(r, 413)
    assert api.ok("GET", "feedback", "/v1/reports", reporter) == []
    assert count(inst, "SELECT count(*) FROM feedback.reports WHERE filed_by = %s", subject) == 0
    assert count(inst, "SELECT count(*) FROM feedback.services WHERE code = 'big-service'") == 0
    assert count(inst, "SELECT count(*) FROM tickets.departments WHERE id = 'x'") == 0
    for service in launcher.SERVICES:  # and every service is still well
        assert api.call("GET", service, "/healthz").status_code == 200


def test_photos_over_the_limit_or_of_the_wrong_type_are_refused_and_not_stored(
    api: Api,
) -> None:
    inst = api.inst
    subject = unique("photo-reporter")
    reporter = auth(inst, subject, Role.reporter)
    report = api.file_report(reporter)
    over = PNG + b"\x00" * (PHOTO_LIMIT + 1 - len(PNG))
    far_over = PNG + b"\x00" * (4 * PHOTO_LIMIT)
    too_large = [("big.png", over, "image/png"), ("huge.png", far_over, "image/png")]
    wrong_type = [
        ("note.txt", b"just some text, not an image", "text/plain"),
        ("fake.png", b"GIF89a" + b"\x00" * 64, "image/png"),  # a GIF named and typed as PNG
        ("x.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "image/svg+xml"),
        ("page.html", b"<html><script>alert(1)</script></html>", "image/jpeg"),
        ("empty.png", b"", "image/png"),
    ]
    for path in ("/v1/photos", f"/v1/reports/{report['id']}/photos"):
        for name, data, kind in too_large:
            r = api.call("POST", "feedback", path, reporter, files={"file": (name, data, kind)})
            assert_problem(r, 413)
        for name, data, kind in wrong_type:
            r = api.call("POST", "feedback", path, reporter, files={"file": (name, data, kind)})
            assert_problem(r, 415)
        # no file at all, or the image in a field of another name
        assert_problem(api.call("POST", "feedback", path, reporter), 422)
        r = api.call("POST", "feedback", path, reporter, files={"other": ("p.png", PNG)})
        assert_problem(r, 422)
    assert count(inst, "SELECT count(*) FROM feedback.photos WHERE uploaded_by = %s", subject) == 0
    assert api.ok("GET", "feedback", f"/v1/reports/{report['id']}", reporter)["photo_ids"] == []
    # a photo just within the limit is taken (the limit is the limit, not something lower)
    within = PNG + b"\x00" * (PHOTO_LIMIT - len(PNG))
    r = api.call("POST", "feedback", "/v1/photos", reporter, files={"file": ("ok.png", within)})
    assert r.status_code == 201, r.text
    assert r.json()["size"] == PHOTO_LIMIT


def raw_get(inst: launcher.Instance, service: str, target: str, headers: str = "") -> bytes:
    """One HTTP/1.1 request over a socket (httpx refuses to send such requests); the answer's
    status line and headers, or b'' when the server dropped the connection."""
    port = inst.port(service, "api")
    data = b""
    with socket.create_connection(("127.0.0.1", port), timeout=60) as s:
        try:
            s.sendall(
                f"GET {target} HTTP/1.1\r\nHost: x\r\n{headers}Connection: close\r\n\r\n".encode()
            )
            while chunk := s.recv(65536):
                data += chunk
        except ConnectionError:
            pass
    return data


def test_huge_query_strings_and_headers_never_get_a_5xx(api: Api) -> None:
    inst = api.inst
    supervisor = auth(inst, "big-supervisor", Role.supervisor)
    # Over a route's own limits (max_length of a query value) but not the edge's: 422.
    for service, path, params in [
        ("feedback", "/v1/supervision/reports", {"category": "a" * 5_000}),
        ("feedback", "/v1/supervision/reports", {"status": "a" * 5_000}),
        ("notify", "/v1/messages", {"tracking_no": "FK" + "9" * 5_000}),
        ("tickets", "/v1/queues/overdue", {"limit": "9" * 5_000}),
    ]:
        assert_problem(api.call("GET", service, path, supervisor, params=params), 422)
    # Over the edge's (HTTP_MAX_QUERY_BYTES): 414, before any route runs.
    r = api.call(
        "GET", "feedback", "/v1/supervision/reports", supervisor, params={"q": "a" * 60_000}
    )
    assert_problem(r, 414)
    # Far over anything (300 kB of query string, one 300 kB header, 5,000 headers). The
    # server must never answer 5xx nor go down.
    token = supervisor["Authorization"]
    for service in launcher.SERVICES:
        answers = [
            raw_get(inst, service, "/readyz?q=" + "a" * 300_000),
            raw_get(
                inst, service, "/readyz", f"Authorization: {token}\r\nX-Big: {'a' * 300_000}\r\n"
            ),
            raw_get(inst, service, "/readyz", "".join(f"X-H{i}: v\r\n" for i in range(5_000))),
        ]
        for answer in answers:
            status_line = answer.split(b"\r\n", 1)[0]
            assert not status_line.startswith(b"HTTP/1.1 5"), status_line
            # Refused at the edge (HTTP_MAX_QUERY_BYTES, HTTP_MAX_HEADER_BYTES) as problem+json;
            # a request line the HTTP parser itself cannot take (300 kB) gets its plain 400.
            code = status_line.split(b" ")[1]
            assert code in (b"400", b"414", b"431"), status_line
            assert code == b"400" or b"application/problem+json" in answer
        assert api.call("GET", service, "/healthz").status_code == 200
