"""Award documents (issue 18): a final award's certificate (奖状) as PDF, the prize list for
the finance office as XLSX, and a nomination's filled recommendation form (附表1–3) as PDF.
Each is made off the event loop in the report workers, with their time limit
(scoring.rendering); the data are read first and the connection released."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Path, Response

from houqin_shared.db import Conn
from houqin_shared.identity import CurrentPrincipal, Principal, Role, require_roles
from houqin_shared.openapi import refusals
from houqin_shared.problems import problem
from houqin_shared.webapp import DbPool
from scoring import award_documents, award_forms, award_prizes, charts, nominating, repository
from scoring.deps import Signatory
from scoring.reading import campaign_setup
from scoring.rendering import RENDERED, RENDERER, XLSX
from scoring.repository import awards as awards_repo
from scoring.repository import nominations as nominations_repo

router = APIRouter(tags=["awards"])
Finance = Annotated[Principal, Depends(require_roles(Role.leader, Role.supervisor, Role.admin))]
PDF = "application/pdf"
FONT = ("chart-font-missing",)


def font_path() -> str:
    try:
        return charts.find_cjk_font()
    except charts.CjkFontMissing as exc:
        raise problem("chart-font-missing", str(exc)) from exc


async def final_publicity(conn: Conn, campaign_id: UUID) -> dict[str, Any]:
    p = await awards_repo.publicity(conn, campaign_id)
    if p is None:
        raise problem("publicity-not-open", "the awards are not decided yet")
    if p["final_at"] is None:
        raise problem("publicity-open", "the awards are not final yet")
    return p


async def unit_names(conn: Conn, campaign_id: UUID) -> dict[str, str]:
    rows = await repository.scores.ranking(conn, campaign_id)
    return {r["unit_id"]: r["unit_name"] for r in rows if r["unit_type"] in ("department", "team")}


@router.get(
    "/v1/campaigns/{campaign_id}/awards/{award_id}/certificate.pdf",
    response_class=Response,
    responses={200: {"content": {PDF: {}}}, **refusals(
        "campaign-not-found", "award-setup-missing", "publicity-not-open", "publicity-open",
        "award-not-found", *RENDERED, *FONT)},
)  # fmt: skip
async def certificate(
    campaign_id: UUID, award_id: Annotated[int, Path(ge=1, le=2**31 - 1)], _: CurrentPrincipal,
    pool: DbPool,
) -> Response:  # fmt: skip
    """The certificate (奖状) of a final award, A4 landscape, in Chinese."""
    font = font_path()
    async with pool.acquire() as conn:
        campaign, setup = await campaign_setup(conn, campaign_id)
        p = await final_publicity(conn, campaign_id)
        award = await awards_repo.award(conn, campaign_id, award_id)
    if award is None or award["removed_at"] is not None:
        raise problem("award-not-found", f"no award {award_id} in this campaign")
    issued = p["final_at"].astimezone(ZoneInfo(campaign["timezone"])).date()
    data = award_documents.Certificate(
        award["unit_name"], award["kind_name"], campaign["name"], setup.issuer, issued
    )
    body = await RENDERER.output((campaign_id, "certificate", award_id),
                                 award_documents.certificate_pdf, data, font)  # fmt: skip
    name = f"certificate-{award_id}.pdf"
    return Response(
        body, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'}
    )


@router.get(
    "/v1/campaigns/{campaign_id}/awards/prizes.xlsx",
    response_class=Response,
    responses={200: {"content": {XLSX: {}}}, **refusals(
        "campaign-not-found", "award-setup-missing", "publicity-not-open", "publicity-open",
        *RENDERED)},
)  # fmt: skip
async def prizes(campaign_id: UUID, _: Finance, pool: DbPool) -> Response:
    """The prize list for the finance office: each final award with prize money, the total."""
    async with pool.acquire() as conn:
        campaign, _setup = await campaign_setup(conn, campaign_id)
        await final_publicity(conn, campaign_id)
        awards = await awards_repo.awards(conn, campaign_id)
        names = await unit_names(conn, campaign_id)
    rows = award_prizes.prize_rows(awards, names)
    title = f"{campaign['name']}评优奖金发放表"
    body = await RENDERER.output((campaign_id, "prizes"), award_prizes.to_xlsx, title, rows)
    disposition = f'attachment; filename="prizes-{campaign_id}.xlsx"'
    return Response(body, media_type=XLSX, headers={"Content-Disposition": disposition})


@router.get(
    "/v1/nominations/{nomination_id}/form.pdf",
    response_class=Response,
    responses={200: {"content": {PDF: {}}}, **refusals(
        "nomination-not-found", "campaign-not-found", "award-setup-missing",
        "award-kind-unknown",  # the setup was edited after the nomination and dropped its kind
        *RENDERED, *FONT)},
)  # fmt: skip
async def recommendation_form(nomination_id: UUID, who: Signatory, pool: DbPool) -> Response:
    """The nomination's recommendation form (附表1–3) filled in: deeds, scores and every
    sign-off so far, A4 portrait."""
    font = font_path()
    async with pool.acquire() as conn, conn.transaction():
        n = await nominating.existing(conn, nomination_id, who)
        campaign, setup = await campaign_setup(conn, n["campaign_id"])
        n["signoffs"] = (await nominations_repo.signoffs(conn, [n["id"]]))[n["id"]]
        names = await unit_names(conn, n["campaign_id"])
        people = await nominations_repo.staff_names(conn, [s["signed_by"] for s in n["signoffs"]])
    kind = nominating.kind_of(setup, n["kind"]).model_dump()
    data = award_forms.form(campaign, kind, n, names, people)
    body = await RENDERER.output((nomination_id, "form"), award_documents.form_pdf, data, font)
    name = f"form-{nomination_id}.pdf"
    return Response(
        body, media_type=PDF, headers={"Content-Disposition": f'inline; filename="{name}"'}
    )
