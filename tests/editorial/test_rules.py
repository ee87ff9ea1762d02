"""Pure rules: how a review round ends, air-time warnings, durations. No database."""

import pytest

from editorial.models import Decision, Outcome, ReviewRule
from editorial.rules import AreaLimit, air_time_warnings, format_duration, review_outcome

A, C, R = Decision.APPROVE, Decision.REQUEST_CHANGES, Decision.REJECT


@pytest.mark.parametrize(
    ("decisions", "reviewers", "rule", "outcome"),
    [
        ([], 3, ReviewRule.ALL, Outcome.PENDING),
        ([A, A], 3, ReviewRule.ALL, Outcome.PENDING),
        ([A, A, A], 3, ReviewRule.ALL, Outcome.APPROVED),
        ([A, C], 3, ReviewRule.ALL, Outcome.CHANGES_REQUESTED),  # returned at once, not waiting for the third
        ([R], 3, ReviewRule.ALL, Outcome.REJECTED),
        ([A, A, R], 3, ReviewRule.ALL, Outcome.REJECTED),
        ([C, R], 3, ReviewRule.ALL, Outcome.REJECTED),  # a reject ends it whatever else was said
        # majority: more than half of the assigned reviewers
        ([A], 3, ReviewRule.MAJORITY, Outcome.PENDING),
        ([A, A], 3, ReviewRule.MAJORITY, Outcome.APPROVED),
        ([A, C], 3, ReviewRule.MAJORITY, Outcome.PENDING),  # the third can still make a majority
        ([A, C, A], 3, ReviewRule.MAJORITY, Outcome.APPROVED),
        ([C, C], 3, ReviewRule.MAJORITY, Outcome.CHANGES_REQUESTED),  # a majority can no longer approve
        ([A, A, R], 3, ReviewRule.MAJORITY, Outcome.REJECTED),
        ([A, C], 2, ReviewRule.MAJORITY, Outcome.CHANGES_REQUESTED),  # 1 of 2 is not more than half
        ([A, A], 4, ReviewRule.MAJORITY, Outcome.PENDING),
        ([A, A, A], 4, ReviewRule.MAJORITY, Outcome.APPROVED),
        ([A], 1, ReviewRule.MAJORITY, Outcome.APPROVED),
        ([C], 1, ReviewRule.ALL, Outcome.CHANGES_REQUESTED),
    ],
)
def test_review_outcome(decisions, reviewers, rule, outcome):
    assert review_outcome(decisions, reviewers, rule) == outcome


def test_review_outcome_does_not_depend_on_order():
    import itertools

    for rule in ReviewRule.values:
        for combo in itertools.product([A, C, R], repeat=3):
            results = {review_outcome(list(p), 5, rule) for p in itertools.permutations(combo)}
            assert len(results) == 1, (rule, combo)


def test_review_outcome_reads_decision_objects():
    class D:
        def __init__(self, decision):
            self.decision = decision

    assert review_outcome([D(A), D(A)], 2, ReviewRule.ALL) == Outcome.APPROVED


@pytest.mark.parametrize(
    ("args", "message"),
    [(([], 0, ReviewRule.ALL), "at least one"), (([A, A], 1, ReviewRule.ALL), "2 decisions"),
     ((["maybe"], 2, ReviewRule.ALL), "unknown decisions"), (([A], 2, "unanimous-ish"), "unknown review rule")],
)
def test_review_outcome_refuses_nonsense(args, message):
    with pytest.raises(ValueError, match=message):
        review_outcome(*args)


def test_air_time_warnings_name_the_area_and_limit():
    urban = AreaLimit("urban", "phường, thị trấn (đô thị)", 15)
    rural = AreaLimit("rural", "xã (nông thôn)", 45)
    assert air_time_warnings(15 * 60, [urban, rural]) == []
    warnings = air_time_warnings(16 * 60, [urban, rural])
    assert len(warnings) == 1
    assert "16 phút 00 giây" in warnings[0] and "15 phút" in warnings[0] and "phường, thị trấn" in warnings[0]
    assert len(air_time_warnings(46 * 60, [urban, rural])) == 2
    assert air_time_warnings(46 * 60, []) == []


def test_format_duration():
    assert format_duration(None) == ""
    assert format_duration(42.4) == "42 giây"
    assert format_duration(185) == "3 phút 05 giây"
