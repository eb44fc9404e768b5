"""The place picker: campuses and buildings, then one building's floors and rooms, for anyone
signed in (reporters and front desk pick where the problem is); and the names of departments and
teams, which a report's timeline gives by id. Cacheable: an ETag of the answer and a short
private max-age."""

from __future__ import annotations

import hashlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from pydantic import BaseModel

from houqin_shared.identity import CurrentPrincipal
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from tickets import places
from tickets.domain import CODE
from tickets.repository import places as repo

router = APIRouter(prefix="/places", tags=["places"])
units_router = APIRouter(prefix="/units", tags=["directory"])
MAX_AGE_S = 300
PLACE_PROBLEMS: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified (If-None-Match matched the ETag)"},
    401: {"description": "Not signed in", "content": {"application/problem+json": {}}},
}


def _cached(request: Request, body: BaseModel) -> Response:
    data = body.model_dump_json().encode()
    etag = '"' + hashlib.sha256(data).hexdigest()[:32] + '"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"private, max-age={MAX_AGE_S}",
        "Vary": "Authorization",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    return Response(data, media_type="application/json", headers=headers)


@router.get("", response_model=places.PlacesOut, responses=PLACE_PROBLEMS)
async def list_places(_: CurrentPrincipal, pool: DbPool, request: Request) -> Response:
    """Campuses and their buildings by name (at most 2,000 buildings)."""
    async with pool.acquire() as conn:
        rows = await repo.campuses_and_buildings(conn, places.MAX_BUILDINGS + 1)
    return _cached(request, places.campuses(rows))


@units_router.get("", response_model=places.UnitNamesOut, responses=PLACE_PROBLEMS)
async def unit_names(_: CurrentPrincipal, pool: DbPool, request: Request) -> Response:
    """Every department's and team's name (zh-CN, English) by id, for anyone signed in: a
    report's timeline names the team that took it on by id (at most 1,000 of each)."""
    async with pool.acquire() as conn:
        names = await repo.unit_names(conn, places.MAX_UNITS)
    return _cached(request, places.UnitNamesOut.model_validate(names))


@router.get(
    "/{building}",
    response_model=places.BuildingPlacesOut,
    responses={
        **PLACE_PROBLEMS,
        404: {"description": "No such building", "content": {"application/problem+json": {}}},
    },
)
async def building_places(
    building: Annotated[str, Path(min_length=1, max_length=64, pattern=CODE)],
    _: CurrentPrincipal,
    pool: DbPool,
    request: Request,
) -> Response:
    """One building's floors and rooms: the area map's, and rooms repair reports named there
    that the map lacks (`source: reported`); each room carries the report `location` to send.
    At most 3,000 rooms."""
    async with pool.acquire() as conn:
        found = await repo.area(conn, building)
        if found is None or found["kind"] != "building":
            raise problem("building-not-found", f"no building {building} in the area map")
        campus = await repo.area(conn, found["parent_id"]) if found["parent_id"] else None
        children = await repo.below(conn, building, places.MAX_ROOMS + 1)
        reported = await repo.reported_rooms(conn, building, places.MAX_ROOMS + 1)
    answer = places.building_places(found, campus, children, reported)
    return _cached(request, answer)
