"""Typed calls of the APIs for each part of the console (work, supervise, lead, admin), on top of
`console.api.Api.call`; part 1's calls are in `console.api`."""
