"""The leaders' routers, in the order they are matched (/lead/campaigns/new before
/lead/campaigns/{id})."""

from console.pages import lead, lead_awards, lead_nominations, lead_scores

ROUTERS = (lead.router, lead_scores.router, lead_awards.router, lead_nominations.router)
