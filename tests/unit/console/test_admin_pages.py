"""The administrators' pages without a platform: every admin template renders in both languages
with the data its page gives it, the QR codes decode to the filing form's deep link, and the
pure helpers (dates, catalogue form, channel settings, row errors) do what their pages need."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

import pytest
import segno
import zxingcpp
from fastapi import FastAPI
from fastapi.testclient import TestClient
from PIL import Image

from console import i18n
from console.api import ApiProblem, BuildingPlaces
from console.clients.admin import SheetResult
from console.pages import admin_notify_words as words
from console.pages.admin_calendar import merged, parse_dates, spans
from console.pages.admin_catalog import entry_of, form_of
from console.pages.admin_directory import by_department, row_errors
from console.pages.admin_notify import Texts
from console.pages.admin_notify_channels import settings_of
from console.pages.admin_qr import cards, report_url
from console.web import environment

DOC: dict[str, Any] = {
    "departments": [{"id": "maintenance", "name": "维修管理科", "name_en": "Maintenance",
                     "head_id": "maintenance-head"}],
    "teams": [{"id": "plumbers", "department_id": "maintenance", "name": "水工组、仓管",
               "name_en": "Plumbers", "lead_id": "plumbing-lead"}],
    "staff": [{"id": "plumber", "name": "张师傅", "team_id": "plumbers"},
              {"id": "plumbing-lead", "name": "陈班长", "team_id": "plumbers"},
              {"id": "maintenance-head", "name": "刘科长", "team_id": None}],
    "posts": [{"id": "plumbing-duty", "team_id": "plumbers", "name": "水工值班岗",
               "primary_id": "plumber", "backup_id": "plumbing-lead"}],
    "areas": [{"id": "north", "kind": "campus", "name": "北校区", "parent_id": None},
              {"id": "north-dorm-7", "kind": "building", "name": "北区7号楼",
               "parent_id": "north"}],
    "version": 3,
}  # fmt: skip
SERVICE = {
    "code": "plumbing", "name": "水电维修·给排水", "name_en": "Plumbing", "description": "",
    "standard": "", "fee": "免费", "calendar": "round_the_clock", "service_phone": "6000",
    "complaint_phone": None, "department_id": "maintenance", "active": True, "public": True,
    "limits": [{"urgency": "normal", "accept_minutes": 30, "arrive_minutes": 240,
                "finish_minutes": 1440}],
}  # fmt: skip
PLACE = BuildingPlaces.model_validate({
    "code": "north-dorm-7", "name": "北区7号楼", "floors": [
        {"code": "3", "name": "3层", "rooms": [
            {"code": "312", "name": "312室"},
            {"code": "330", "name": "330室", "source": "reported"}]},
    ],
})  # fmt: skip
PREVIEWS = {
    "zh": {"subject": "新工单", "body": "请处理"},
    "en": {"error": "有误", "detail": "第 1 行"},
}
CAL = {"tz": "Asia/Shanghai", "hours": [{"start": "08:00:00", "end": "12:00:00"}],
       "holidays": ["2026-10-01"], "workdays": []}  # fmt: skip
OFFICIAL = {"year": 2026, "known": True,
            "holidays": [{"day": "2026-10-01", "name": "国庆节", "name_en": "National Day"}],
            "workdays": [{"day": "2026-10-10", "name": "国庆节", "name_en": "National Day"}]}  # fmt: skip
RULES = {"complaint_acknowledge_minutes": 480, "complaint_investigate_minutes": 1440,
         "complaint_reply_minutes": 2400, "answer_reply_minutes": 2400, "recurring_count": 3,
         "recurring_days": 30, "pause_max_days": 3}  # fmt: skip
SCREENS: dict[str, dict[str, Any]] = {
    "admin.html": {},
    "admin_qr.html": {"campuses": []},
    "admin_qr_sheet.html": {"place": PLACE, "floor": "", "cards": []},
    "admin_directory.html": {
        "departments": by_department(DOC), "team_count": 1, "staff": DOC["staff"],
        "staff_names": {"plumber": "张师傅"}, "buildings": DOC["areas"], "rooms": 0,
        "version": 3, "applied": 2, "saved": True, "message": "有误", "filename": "a.xlsx",
        "sheet_errors": [{"sheet": "人员", "row": 5, "column": "班组", "reason": "没有"}],
        "parents": DOC["areas"], "area_form": {"kind": "room", "id": "x"},
        "area_errors": {"parent_id": "楼层", "area_name": "名称"},
    },
    "admin_person.html": {"person": DOC["staff"][0], "form": {"name": "张师傅", "on_duty": "on"},
                          "roles": ["staff"], "all_roles": ("staff", "team_lead"),
                          "errors": {"phone": "x"}, "message": "m",
                          "departments": DOC["departments"], "teams": DOC["teams"],
                          "contacts": ("phone",)},
    "admin_department.html": {"dept": DOC["departments"][0], "form": {"name": "维修管理科"},
                              "errors": {}, "message": "", "people": DOC["staff"]},
    "admin_directory_preview.html": {
        "filename": "a.xlsx", "sheet": "AAAA",
        "result": SheetResult.model_validate({"applied": False, "changes": [
            {"kind": "team", "id": "t", "name": "空调组", "action": "add",
             "fields": [{"field": "name", "before": None, "after": "空调组"}]},
            {"kind": "post", "id": "p", "name": "岗", "action": "change",
             "fields": [{"field": "backup_id", "before": "赵师傅", "after": "陈班长"}]}]}),
    },
    "admin_team.html": {"team": DOC["teams"][0], "form": {"name": "水工组", "name_en": "",
                        "department_id": "maintenance", "lead_id": ""},
                        "errors": {"name": "请填写"}, "message": "", "departments": DOC["departments"],
                        "people": DOC["staff"]},
    "admin_post.html": {"post": DOC["posts"][0], "team": DOC["teams"][0],
                        "form": {"name": "岗", "primary_id": "plumber", "backup_id": ""},
                        "errors": {"backup_id": "不同"}, "message": "m", "people": DOC["staff"]},
    "admin_catalog.html": {"services": [SERVICE], "rules": RULES, "saved": "plumbing",
                           "departments": {"maintenance": "维修管理科"}, "errors": {},
                           "message": ""},
    "admin_service.html": {"code": "plumbing", "form": form_of(SERVICE),
                           "errors": {"limit-normal": "顺序"}, "message": "",
                           "departments": {"maintenance": "维修管理科"},
                           "urgencies": ("low", "normal"), "stages": ("accept", "finish")},
    "admin_calendar.html": {"year": 2026, "years": range(2025, 2028), "calendar": CAL,
                            "official": OFFICIAL, "off": spans(OFFICIAL["holidays"], "zh"),
                            "worked": spans(OFFICIAL["workdays"], "zh"),
                            "form": {"holidays": "2026-10-01", "workdays": ""},
                            "errors": {"workdays": "x"}, "message": "", "saved": True},
    "admin_notify.html": {"channels": [{"name": "email", "enabled": True, "rate_per_s": 2.0,
                                        "burst": 5}],
                          "rules": [{"id": 1, "event_type": "houqin.tickets.TicketAssigned.v1",
                                     "match": {"urgency": "urgent"}, "audience": "assignee",
                                     "kind": "assigned", "priority": "high",
                                     "channels": ["inbox"], "template": "assigned",
                                     "enabled": True}],
                          "names": ["assigned"], "overridden": {("assigned", "en")}, "w": words,
                          "saved": "", "channel_types": list(words.CHANNELS)},
    "admin_template.html": {"name": "assigned", "stored": {"zh-CN": {"overridden": True}},
                            "form": {"subject_zh": "a", "body_zh": "b", "subject_en": "c",
                                     "body_en": "d"}, "previews": PREVIEWS, "errors": {},
                            "message": "", "saved": True, "title": "派单通知",
                            "event": words.event_word("houqin.tickets.TicketAssigned.v1")},
    "admin_channel.html": {"name": "dingtalk", "current": None, "form": {"url": "https://x"},
                           "fields": ("url", "secret"), "secrets": ("secret",), "errors": {},
                           "message": "", "title": "钉钉机器人"},
    "admin_new_department.html": {"form": {"name": "后勤保障科"}, "errors": {"name": "已有"},
                                  "message": "m", "departments": [], "teams": [],
                                  "people": DOC["staff"]},
    "admin_new_team.html": {"form": {"department_id": "maintenance", "primary_id": "plumber"},
                            "errors": {"post_name": "岗位"}, "message": "",
                            "departments": DOC["departments"], "teams": DOC["teams"],
                            "people": DOC["staff"]},
    "admin_new_person.html": {"form": {"account": "Bad Name", "on_duty": "on"},
                              "errors": {"account": "账号"}, "message": "", "roles": ["staff"],
                              "all_roles": ("staff", "team_lead"),
                              "departments": DOC["departments"], "teams": DOC["teams"],
                              "people": DOC["staff"], "contacts": ("phone",)},
    "admin_new_post.html": {"form": {"team_id": "plumbers"}, "errors": {"team_id": "班组"},
                            "message": "", "departments": [], "teams": DOC["teams"],
                            "people": DOC["staff"]},
    "admin_area_map.html": {"rows": [], "form": {"unit": "team:plumbers"},
                            "errors": {"post_id": "岗位"}, "message": "", "place": "north",
                            "saved": "saved", "places": [("north", "北校区")],
                            "tops": [("north", "北校区")], "services": [("plumbing", "给排水")],
                            "departments": [{**DOC["departments"][0], "teams": DOC["teams"]}],
                            "posts": [{**DOC["posts"][0], "team": "水工组"}]},
}  # fmt: skip
# Latin words a zh-CN admin page may show: the language switch, product names, formats.
LATIN_ALLOWED = {
    "English",
    "Excel",
    "WPS",
    "XLSX",
    "xlsx",
    "SMTP",
    "URL",
    "Maintenance",
    "plumber",
}  # and a person's sign-in account


def _visible_latin_words(html: str) -> set[str]:
    """Latin words in the text a reader sees (not in tags, attributes, scripts or styles)."""
    text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return set(re.findall(r"[A-Za-z]{2,}", text)) - LATIN_ALLOWED


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("name", sorted(SCREENS))
def test_every_admin_template_renders(name: str, lang: str) -> None:
    html = environment().get_template(name).render(
        _=i18n.gettext_for(lang), lang=lang, html_lang=i18n.html_lang(lang), user=None,
        csrf="t", csrf_field="csrf", when=str, path="/admin", here="/admin", **SCREENS[name],
    )  # fmt: skip
    assert "admin-page" in html and "/static/admin.css" in html
    if lang == "zh":
        assert "系统管理" in html
        assert _visible_latin_words(html) == set(), name


def test_qr_cards_decode_to_the_deep_link() -> None:
    found = cards("http://console.example/", PLACE, public_label="公共区域")
    assert [c.label for c in found] == ["北区7号楼 · 公共区域", "北区7号楼 312"]  # map rooms only
    assert found[1].url == report_url("http://console.example", "north-dorm-7", "3", "312")
    assert found[1].url == "http://console.example/report?building=north-dorm-7&floor=3&room=312"
    assert found[1].svg.startswith('<svg role="img" viewBox=') and "<title>" in found[1].svg
    # the fixed mask (2, chosen for speed) decodes
    png = io.BytesIO()
    segno.make(found[1].url, error="m", micro=False, mask=2).save(png, kind="png", scale=4)
    (decoded,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.getvalue())))
    assert decoded.text == found[1].url


def test_row_errors_in_the_readers_language() -> None:
    problem = ApiProblem(422, {"type": "x", "errors": [
        {"sheet": "人员", "row": 7, "column": "班组", "reason": "没有", "reason_en": "none"},
        {"loc": ["body"], "msg": "not a row"}]})  # fmt: skip
    assert row_errors(problem, "zh") == [{"sheet": "人员", "row": 7, "column": "班组",
                                          "reason": "没有"}]  # fmt: skip
    assert row_errors(problem, "en")[0]["reason"] == "none"


def test_calendar_dates() -> None:
    days, bad = parse_dates("2026-10-01\n2026/10/02 国庆\n\n2025-01-01\nabc", 2026)
    assert days == [date(2026, 10, 1), date(2026, 10, 2)] and bad == ["2025-01-01", "abc"]
    assert merged(["2025-05-01", "2026-01-01"], 2026, days) == [
        "2025-05-01", "2026-10-01", "2026-10-02"]  # fmt: skip


def test_official_days_as_runs() -> None:
    days = [
        {"day": f"2026-10-0{i}", "name": "国庆节", "name_en": "National Day"} for i in (1, 2, 3)
    ]
    days.append({"day": "2026-10-05", "name": "国庆节", "name_en": "National Day"})
    assert spans(days, "en") == [
        {"name": "National Day", "from": "2026-10-01", "to": "2026-10-03", "days": "3"},
        {"name": "National Day", "from": "2026-10-05", "to": "", "days": "1"},
    ]


def test_catalogue_form_round_trip_and_checks() -> None:
    entry, problems = entry_of(form_of(SERVICE))
    assert problems == {}
    assert entry["limits"] == SERVICE["limits"] and entry["public"] is True
    assert (entry["fee_en"], entry["description_en"]) == (None, None)  # blank: not said
    english = form_of(SERVICE | {"fee_en": "Free", "standard_en": " Fixed on the first visit "})
    entry, _ = entry_of(english)
    assert (entry["fee_en"], entry["standard_en"]) == ("Free", "Fixed on the first visit")
    form = form_of(SERVICE) | {"limit-normal-arrive": "10", "limit-urgent-accept": "x", "name": ""}
    _, problems = entry_of(form)
    assert problems == {"limit-normal": "order", "limit-urgent": "minutes", "name": "required"}
    chased = SERVICE | {
        "reply_minutes": 960,
        "escalation": {
            "warn_at_percent": 50,
            "level_percents": [100, 150, 400],
            "remind_every_minutes": 60,
        },
    }
    entry, problems = entry_of(form_of(chased))
    assert problems == {} and entry["escalation"] == chased["escalation"]
    assert entry["reply_minutes"] == 960
    _, problems = entry_of(form_of(chased) | {"level2_percent": "90", "level3_percent": "x"})
    assert problems == {"level2_percent": "range:100:2000", "level3_percent": "range:100:2000"}
    _, problems = entry_of(form_of(chased) | {"level2_percent": "500"})
    assert problems == {"level3_percent": "levels"}


def test_channel_settings_keep_numbers_and_drop_empty_secrets() -> None:
    form = {"host": "smtp.example", "port": "465", "password": "", "sender": "a@b.c"}
    assert settings_of("email", form, {}) == {"host": "smtp.example", "port": 465,
                                              "sender": "a@b.c"}  # fmt: skip


def test_the_responsibility_map_in_words() -> None:
    from console.pages.admin_area_map import area_paths, rows
    from console.pages.admin_directory_new import new_code

    class Words:
        lang = "zh"

        def _(self, text: str) -> str:
            return i18n.gettext_for("zh")(text)

    doc = {**DOC, "posts": [*DOC["posts"], {"id": "a-post", "team_id": "plumbers", "name": "早班",
                                             "primary_id": "plumbing-lead", "backup_id": None}],
           "responsibilities": [
               {"area_id": "north-dorm-7", "category": "plumbing", "team_id": "plumbers",
                "post_id": "plumbing-duty"},
               {"area_id": None, "category": "plumbing", "team_id": "plumbers"},
               {"area_id": None, "category": "*", "department_id": "maintenance"}]}  # fmt: skip
    assert area_paths(DOC["areas"])["north-dorm-7"] == "北校区 › 北区7号楼"
    found = rows(doc, {"plumbing": "给排水"}, Words())  # type: ignore[arg-type]
    assert [(r["place"], r["work"], r["team"], r["post"], r["primary"], r["backup"])
            for r in found] == [
        ("全校各处", "给排水", "水工组、仓管", "早班", "陈班长", ""),  # the team's first post by code
        ("全校各处", "其他各类事项", "", "", "", ""),
        ("北校区 › 北区7号楼", "给排水", "水工组、仓管", "水工值班岗", "张师傅", "陈班长"),
    ]  # fmt: skip
    assert found[1]["department"] == "维修管理科"
    code = new_code("team", {"team-000000"})
    assert re.fullmatch(r"team-[0-9a-f]{6}", code) and code != "team-000000"
    assert words.condition_word("level", 2) == "督办级别：2"
    assert words.condition_word("warning", False, "en") == "due-soon warning: no"


def test_a_template_form_reads_both_languages_and_keeps_their_bounds() -> None:
    """The preview and the save of a message template read the same four fields, each bounded
    as before (admin_notify.TemplateForm, a FastAPI dependency)."""
    app = FastAPI()

    @app.post("/t")
    async def posted(texts: Texts) -> dict[str, str]:
        return texts.fields

    client = TestClient(app)
    sent = {"subject_zh": "新派单", "body_zh": "请接单", "subject_en": "New job", "body_en": "Go"}
    assert client.post("/t", data=sent).json() == sent
    assert client.post("/t", data={}).json() == dict.fromkeys(sent, "")
    assert client.post("/t", data={"subject_en": "x" * 501}).status_code == 422
    assert client.post("/t", data={"body_zh": "x" * 20001}).status_code == 422
