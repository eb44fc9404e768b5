"""扫码报修 QR sheets: a printable page of QR codes for one building, one for the building's
public spaces and one per room; each opens part 1's filing form with the place filled in
(/report?building=…&floor=…&room=…). The codes are inline SVG made here (segno)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated
from urllib.parse import urlencode

import segno
from fastapi import APIRouter, Path
from fastapi.responses import Response
from markupsafe import Markup

from console.api import BuildingPlaces
from console.pages.admin import admin_token
from console.web import Page

router = APIRouter()
CODE = r"^[a-z0-9][a-z0-9_-]{0,63}$"
FLOOR = r"^[A-Za-z0-9-]{1,16}$"


@dataclass(frozen=True)
class QrCard:
    label: str
    url: str
    svg: Markup


def report_url(base: str, building: str, floor: str | None = None, room: str | None = None) -> str:
    """The filing form's deep link for a place (absolute: a phone's camera opens it)."""
    query = {"building": building}
    if floor:
        query["floor"] = floor
    if room:
        query["room"] = room
    return f"{base.rstrip('/')}/report?{urlencode(query)}"


@lru_cache(maxsize=4096)
def qr_svg(url: str, title: str) -> Markup:
    """The URL as an inline SVG QR code (error correction M, a quiet zone of 4 modules). The
    mask is fixed: choosing the best of eight took four fifths of the time (a sheet of 121
    codes: 4.3 s against 0.9 s on a busy machine), and any mask decodes."""
    code = segno.make(url, error="m", micro=False, mask=2)
    svg = code.svg_inline(scale=4, title=title, svgclass="qr", omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704 segno's own SVG


def cards(
    base: str, place: BuildingPlaces, floor: str = "", public_label: str = ""
) -> list[QrCard]:
    """One card for the building (its public spaces), then one per room, floor by floor."""
    out: list[QrCard] = []
    if not floor:
        url = report_url(base, place.code)
        label = f"{place.name} · {public_label}" if public_label else place.name
        out.append(QrCard(label, url, qr_svg(url, label)))
    for f in place.floors:
        if floor and f.code != floor:
            continue
        for room in f.rooms:
            if room.source != "map":  # a room only reports have named may not exist
                continue
            url = report_url(base, place.code, f.code, room.code)
            label = f"{place.name} {room.code}"  # as people say it: 北校区学生公寓7号楼 312
            out.append(QrCard(label, url, qr_svg(url, label)))
    return out


@router.get("/admin/qr")
async def buildings(ctx: Page) -> Response:
    token = await admin_token(ctx)
    return ctx.render("admin_qr.html", campuses=await ctx.api.places(token) or [])


@router.get("/admin/qr/{building}")
async def sheet(
    ctx: Page,
    building: Annotated[str, Path(pattern=CODE)],
    floor: str = "",
) -> Response:
    token = await admin_token(ctx)
    place = await ctx.api.building(token, building)
    if place is None:
        return ctx.render("not_found.html", status=404)
    if floor and not place.floor(floor):
        floor = ""
    found = await asyncio.to_thread(
        cards, ctx.settings.public_url, place, floor, ctx._("public areas")
    )
    return ctx.render("admin_qr_sheet.html", place=place, floor=floor, cards=found)
