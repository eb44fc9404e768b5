"""Issue 14: a linked duplicate's ticket, merged into its primary's, is counted once."""

from __future__ import annotations

from typing import Any

import pytest
from scoring_support import Scoring, make_campaign, plain, scores
from scoring_world import EXPECTED, World, at
from test_scoring_recompute import follow_incrementally, kept_and_rebuilt_totals

from houqin_shared.contracts import TicketMerged

pytestmark = pytest.mark.infra


async def test_a_merged_duplicate_leaves_volume_and_rates(scoring: Scoring) -> None:
    """A second report of T1's leak opened its own plumbers' ticket (accepted late) before
    staff linked it to T1: merged, it changes no figure (volume 4, not 5), in the kept totals
    and in a rebuild from the facts."""
    w = World()
    cid = await make_campaign(scoring, w)
    events = w.events()
    dup: list[Any] = w.ticket("D1", "plumbers", "p1", 5, accept_on_time=False,
                              finish_on_time=None, closed=False)  # fmt: skip
    merged = TicketMerged(
        ticket_id=w.tickets["D1"], report_id=w.reports["D1"], tracking_no="D1",
        into_ticket_id=w.tickets["T1"], into_report_id=w.reports["T1"], into_tracking_no="T1",
        previous_status="accepted", merged_at=at(5, 5),
    )  # fmt: skip
    await follow_incrementally(scoring, cid, [*events, *dup, merged])
    got = await scores(scoring, cid)
    assert plain(w, got) == EXPECTED
    plumbers = got[("team", w.u("plumbers"))]["detail"]["metrics"]
    assert plumbers["volume"] == 4 and plumbers["on_time"]["accept"]["done"] == 4
    kept, fresh = await kept_and_rebuilt_totals(scoring, cid)
    assert kept == fresh
