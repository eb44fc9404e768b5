"""Award kinds as data (issue 18): quotas with their rounding, eligibility, winners per basis,
the sign-off chain, the seed 002 template, and the property that whatever the facts no vetoed
unit and no unit over quota is awarded and no department nominates more than its quota."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring.domain_awards import (
    OVERALL,
    Candidate,
    Eligibility,
    Kind,
    QuotaRule,
    nomination_refusal,
    quota_key,
    quotas,
    winners,
)
from scoring.domain_signoff import Form, Signer, Step, chain_for, decide
from scoring.schemas_awards import template

DEPTS = ["catering", "property", "maint", "clinic"]


@pytest.mark.parametrize(
    ("heads", "rounding", "expected"),
    [(46, "half_up", 5), (35, "half_up", 4), (14, "half_up", 1), (6, "half_up", 1),
     (35, "floor", 3), (31, "ceil", 4), (0, "half_up", 0)],
)  # fmt: skip
def test_percent_quota_per_department_is_rounded_as_stated(
    heads: int, rounding: str, expected: int
) -> None:
    kind = Kind("i", "优秀个人", "staff", QuotaRule("percent", 10, "department", rounding, 1))  # type: ignore[arg-type]
    assert quotas(kind, {"d": heads}) == {"d": expected}


def test_fixed_overall_quota_and_vote_basis() -> None:
    kind = Kind("v", "服务之星", "service_window", QuotaRule("fixed", 2),
                Eligibility(must_be_nominated=False), "votes")  # fmt: skip
    q = quotas(kind, {"a": 3, "b": 1})
    assert q == {OVERALL: 2}
    cs = [Candidate("service_window", w, "a", votes=v, vetoed=w == "w1")
          for w, v in [("w1", 90), ("w2", 40), ("w3", 40), ("w4", 10)]]  # fmt: skip
    assert [c.unit_id for c in winners(kind, cs, q)] == ["w2", "w3"]


def test_jury_takes_the_leaders_order_among_nominees_only() -> None:
    kind = Kind("i", "优秀个人", "staff", QuotaRule("fixed", 2, "department"), basis="jury")
    cs = [Candidate("staff", s, "d", composite=80) for s in ("a", "b", "c")]
    got = winners(kind, cs, {"d": 2}, nominees={"a", "c"}, jury=["c", "b", "a"])
    assert [c.unit_id for c in got] == ["c", "a"]


def test_refusals_name_the_problem() -> None:
    kind = Kind("t", "优秀班组", "team", QuotaRule("fixed", 1), Eligibility(min_sample=3))
    ok = Candidate("team", "t1", "d", composite=90, samples=3)
    assert nomination_refusal(kind, ok, {OVERALL: 1}, {}) is None
    assert nomination_refusal(kind, ok, {OVERALL: 1}, {"d": 1}) == "award-over-quota"
    vetoed = Candidate("team", "t2", "d", composite=90, samples=3, vetoed=True)
    assert nomination_refusal(kind, vetoed, {OVERALL: 1}, {}) == "award-vetoed"
    few = Candidate("team", "t3", "d", composite=90, samples=2)
    assert nomination_refusal(kind, few, {OVERALL: 1}, {}) == "award-not-eligible"
    person = Candidate("staff", "p", "d", composite=90, samples=3)
    assert nomination_refusal(kind, person, {OVERALL: 1}, {}) == "award-unit-mismatch"


CHAIN = [Step("team_lead", "班组长签字", "team_lead", "team"),
         Step("department", "科室意见", "dept_head", "department"),
         Step("head_of_office", "处长意见", "leader")]  # fmt: skip


def test_sign_off_chain_approve_return_reject_and_refusals() -> None:
    form = Form("in_review", 0, "d1", "t1")
    lead = Signer("l", frozenset({"team_lead"}), "d1", "t1")
    other_lead = Signer("l2", frozenset({"team_lead"}), "d1", "t2")
    head = Signer("h", frozenset({"dept_head"}), "d1")
    assert decide(CHAIN, form, other_lead, "team_lead", "approve") == "nomination-wrong-role"
    assert decide(CHAIN, form, head, "department", "approve") == "nomination-wrong-step"
    step1 = decide(CHAIN, form, lead, "team_lead", "approve")
    assert step1 == Form("in_review", 1, "d1", "t1")
    assert isinstance(step1, Form)
    assert decide(CHAIN, step1, head, "department", "return") == Form("returned", 0, "d1", "t1")
    step2 = decide(CHAIN, step1, head, "department", "approve")
    assert isinstance(step2, Form)
    boss = Signer("b", frozenset({"leader"}))
    assert decide(CHAIN, step2, boss, "head_of_office", "approve") == Form(
        "approved", 2, "d1", "t1"
    )
    assert decide(CHAIN, step2, boss, "head_of_office", "reject") == Form("rejected", 2, "d1", "t1")
    assert [s.code for s in chain_for(CHAIN, None)] == ["department", "head_of_office"]


def test_seed_002_template_has_the_four_kinds_and_the_vote_honour() -> None:
    setup = template("seed002")
    names = {k.code: (k.name, k.prize, k.unit_type) for k in setup.kinds}
    assert names["organisation"] == ("优秀组织奖", 1000, "department")
    assert names["team"] == ("优秀班组", 500, "team")
    assert names["individual"] == ("优秀个人", 200, "staff")
    assert names["model_post"][0] == "优质服务示范岗"
    assert names["vote_star"][2] == "service_window"
    assert [s.label for s in setup.steps] == [
        "班组长签字",
        "科室意见",
        "分管处领导意见",
        "处长意见",
    ]


rules = st.builds(
    QuotaRule,
    mode=st.sampled_from(["fixed", "percent"]),
    value=st.integers(0, 60),
    per=st.sampled_from(["department", "overall"]),
    rounding=st.sampled_from(["half_up", "floor", "ceil"]),
    minimum=st.integers(0, 3),
)
candidates = st.lists(
    st.builds(
        Candidate,
        unit_type=st.just("team"),
        unit_id=st.uuids().map(str),
        department_id=st.sampled_from(DEPTS),
        composite=st.one_of(st.none(), st.floats(0, 100)),
        samples=st.integers(0, 5),
        votes=st.integers(0, 50),
        vetoed=st.booleans(),
    ),
    max_size=40,
    unique_by=lambda c: c.unit_id,
)


@settings(max_examples=300, deadline=None, print_blob=True)
@given(rule=rules, cs=candidates, basis=st.sampled_from(["composite", "votes", "jury"]),
       must=st.booleans(), min_sample=st.integers(0, 3), jury=st.randoms())  # fmt: skip
def test_no_vetoed_or_over_quota_award_and_no_department_over_its_nominations(
    rule: QuotaRule, cs: list[Candidate], basis: str, must: bool, min_sample: int, jury: object
) -> None:
    kind = Kind("k", "奖", "team", rule, Eligibility(min_sample, True, must), basis)  # type: ignore[arg-type]
    bases = {d: sum(1 for c in cs if c.department_id == d) for d in DEPTS}
    quota = quotas(kind, bases)
    nominated: dict[str, int] = {}
    nominees: set[str] = set()
    for c in cs:  # every unit is put forward; the rules keep some out
        if nomination_refusal(kind, c, quota, nominated) is None:
            nominated[c.department_id or OVERALL] = nominated.get(c.department_id or OVERALL, 0) + 1
            nominees.add(c.unit_id)
    for dept, n in nominated.items():
        assert n <= quota[quota_key(kind, dept)]
    order = [c.unit_id for c in cs]
    jury.shuffle(order)  # type: ignore[attr-defined]
    won = winners(kind, cs, quota, nominees, order + order[:3])
    assert not any(c.vetoed for c in won)
    per_key: dict[str, int] = {}
    for c in won:
        per_key[quota_key(kind, c.department_id)] = (
            per_key.get(quota_key(kind, c.department_id), 0) + 1
        )
        assert c.samples >= min_sample
        assert not must or c.unit_id in nominees
    assert all(n <= quota[k] for k, n in per_key.items())
    assert len({c.unit_id for c in won}) == len(won)
