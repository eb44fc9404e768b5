"""Open311 shapes without I/O."""

from __future__ import annotations

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest

from feedback import domain_open311 as o311
from feedback import domain_public as public


def test_xml_lists_use_the_spec_item_names_and_booleans() -> None:
    doc = o311.to_xml("services", [{"service_code": "a", "metadata": True, "group": None}])
    root = ET.fromstring(doc)
    assert doc.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    assert root.find("service/metadata").text == "true"  # type: ignore[union-attr]
    assert root.find("service/group").text is None  # type: ignore[union-attr]
    nested = ET.fromstring(o311.to_xml("service_definition", o311.definition("plumbing")))
    assert nested.findtext("attributes/attribute/values/value/key") == "repair"


def test_errors_keys_status_and_address() -> None:
    assert o311.Open311Error(403, "invalid api_key").body() == [
        {"code": 403, "description": "invalid api_key"}
    ]
    assert o311.parse_api_keys(" k1=app , bad, k2=iot ") == {"k1": "app", "k2": "iot"}
    assert o311.status_of("confirmed") == "closed" and o311.status_of("on_site") == "open"
    typed = o311.Open311Error(400, "too many", "https://houqin.dev/problems/open311-too-many-ids")
    assert typed.body()[0]["type"].endswith("/open311-too-many-ids")
    assert o311.split_list("a, b,,c") == ["a", "b", "c"]


def test_expected_time_follows_the_published_finish_limit() -> None:
    filed = datetime(2026, 11, 21, 8, tzinfo=UTC)
    limits = [{"urgency": "normal", "finish_minutes": 90}, {"urgency": "urgent"}]
    row = {"limits": limits, "urgency": "normal", "filed_at": filed}
    assert o311.expected(row) == datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
    assert o311.expected({**row, "urgency": "urgent"}) is None
    assert o311.expected({**row, "limits": None}) is None


@pytest.mark.parametrize(
    "link",
    [
        "https://photos.example.edu/a.jpg",
        "HTTP://photos.example.edu:8080/a.jpg?x=1#y",
        "https://[2001:db8::1]/a.png",
        "https://图片.example.cn/照片.jpg",
    ],
)
def test_media_url_keeps_http_links_as_given(link: str) -> None:
    assert o311.media_url(link) == link


@pytest.mark.parametrize(
    "link",
    [
        "ftp://photos.example.edu/a.jpg",
        "javascript:alert(1)",
        "data:image/png;base64,AAAA",
        "//photos.example.edu/a.jpg",
        "https:///a.jpg",
        "https://user@photos.example.edu/a.jpg",
        "https://photos.example.edu/a\nb.jpg",
        "https://photos.example.edu:99999999/a.jpg",
        "https://[::1/a.jpg",
        "https://example.edu/" + "x" * o311.MEDIA_URL_MAX,
    ],
)
def test_media_url_refuses_anything_else(link: str) -> None:
    with pytest.raises(o311.Open311Error) as refused:
        o311.media_url(link)
    assert refused.value.status == 400


def test_a_request_links_its_first_photo_before_the_clients_link() -> None:
    row = {
        "tracking_no": "FK20261121-0001",
        "status": "filed",
        "explanation": None,
        "service_name": "Plumbing",
        "category": "plumbing",
        "description": "leak",
        "department_id": "maintenance",
        "filed_at": datetime(2026, 11, 21, 8, tzinfo=UTC),
        "updated_at": None,
        "location": {"building": "b1"},
        "urgency": "normal",
        "media_url": "https://client.example.edu/p.jpg",
    }
    assert o311.request(row)["media_url"] == "https://client.example.edu/p.jpg"
    assert o311.request(row, "https://us/open311/v2/media/1")["media_url"].startswith("https://us")
    assert o311.request({**row, "media_url": None})["media_url"] is None


def test_a_public_request_names_nobody_and_no_room() -> None:
    row = {
        "tracking_no": "FK20261121-0002",
        "status": "cannot_handle",
        "explanation": "张师傅 13812345678 comes to room 507",
        "service_name": "水电维修 (plumbing)",
        "category": "plumbing",
        "description": "王老师: the tap in 507 leaks, call 13812345678",
        "department_id": "maintenance",
        "filed_at": datetime(2026, 11, 21, 8, tzinfo=UTC),
        "updated_at": None,
        "location": {
            "campus": "north",
            "building": "dorm-7",
            "floor": "3",
            "room": "507",
            "text": "王老师's room",
            "lat": 30.512345678,
            "long": 114.507345678,
        },
        "urgency": "normal",
    }
    out = o311.request(row)
    for secret in ("312", "13812345678", "王老师", "张师傅"):
        assert secret not in str(out), secret
    assert out["address"] == "north dorm-7" and out["description"] == "水电维修 (plumbing)"
    assert out["status_notes"] == public.STATUS_NOTES["open"]
    assert (out["lat"], out["long"]) == (30.5123, 114.5073)


@pytest.mark.parametrize(
    ("public_flag", "anonymous", "kind", "shown"),
    [
        (True, False, "repair", True),
        (True, False, "suggestion", True),
        (True, True, "repair", False),
        (True, False, "complaint", False),
        (True, False, "praise", False),
        (False, False, "repair", False),
    ],
)
def test_which_reports_are_public(
    public_flag: bool, anonymous: bool, kind: str, shown: bool
) -> None:
    row = {"public": public_flag, "anonymous": anonymous, "kind": kind}
    assert public.is_public(row) is shown
