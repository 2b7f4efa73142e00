"""The English wording of the assignment core's structured errors and rule violations.

The core raises :class:`~accord.core.assignment.errors.InfeasibleAssignmentError` with a
``kind`` and ``params`` (plain ints and lists of ints: proposal and reviewer indices, country
0/1, counts) and reports each broken rule of an assignment as a :class:`Violation` of the same
shape. This module turns them into the English sentences the CLI prints; other front ends (the
web layer) translate ``kind`` + ``params`` themselves, with their own names for the indices.

``labels``: the two countries' names as the instance gives them (``instance.country_label``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Every kind of infeasibility, with the names of its params.
INFEASIBLE_KINDS: dict[str, tuple[str, ...]] = {
    "no_proposals_min_load": ("reviewer", "min_load"),
    "k": ("k",),
    "proposal_country": ("proposal", "country", "k", "bilateral", "others"),
    "proposal_reviewers": ("proposal", "available", "by_country", "k", "bilateral", "others"),
    "total_max_load": ("total", "k", "n_proposals", "demand", "with_conflicts"),
    "total_min_load": ("total", "k", "n_proposals", "demand"),
    "country_max_load": ("country", "total", "n_proposals", "with_conflicts"),
    "country_min_load": ("country", "total", "k", "n_proposals", "limit"),
    "reviewer_min_load": ("reviewer", "min_load", "available", "others"),
    "hall": (
        "need_k",
        "need_country",
        "need_min",
        "min_total",
        "cap_max",
        "max_total",
        "cap_k",
        "pairs",
        "demand",
        "supply",
        "unfilled",
        "k",
    ),
    "country_absent": ("country",),
}


@dataclass(frozen=True)
class Violation:
    """One broken rule of an assignment: ``kind`` and its ``params`` (see :func:`describe_violation`).

    Kinds: ``duplicate`` (proposal, reviewer), ``conflict`` (proposal, reviewer),
    ``reviewer_count`` (proposal, count, k), ``no_country`` (proposal, country),
    ``over_max_load`` (reviewer, load, max_load), ``under_min_load`` (reviewer, load, min_load).
    """

    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)


def ids(values: Sequence[int], limit: int = 10) -> str:
    items = [int(v) for v in values]
    shown = ", ".join(str(v) for v in items[:limit])
    if len(items) > limit:
        shown += f" and {len(items) - limit} more"
    return shown


def named(word: str, values: Sequence[int]) -> str:
    """'proposal 3' or 'proposals 0, 1, 2'."""
    return f"{word} {int(values[0])}" if len(values) == 1 else f"{word}s {ids(values)}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _also(others: Sequence[int], what: str) -> str:
    if not others:
        return ""
    if len(others) == 1:
        return f" (so does {what} {int(others[0])})"
    return f" (so do {what}s {ids(others)})"


def describe_infeasible(kind: str, params: Mapping[str, Any], labels: Sequence[str]) -> str:
    """The English sentence for an infeasibility ``kind`` with ``params``."""
    p = params
    need = "it needs at least 1 from each country and " if p.get("bilateral") else "it needs "
    if kind == "no_proposals_min_load":
        return f"there are no proposals, but reviewer {p['reviewer']} has min_load {p['min_load']}"
    if kind == "k":
        return (
            f"k = {p['k']}, but with reviewers from both countries every proposal needs at least "
            f"one {labels[0]} and one {labels[1]} reviewer, so k must be at least 2"
        )
    if kind == "proposal_country":
        return (
            f"proposal {p['proposal']} has no {labels[p['country']]} reviewer without a conflict; "
            f"{need}{p['k']} in all" + _also(p["others"], "proposal")
        )
    if kind == "proposal_reviewers":
        by = p.get("by_country")
        detail = f" ({by[0]} {labels[0]}, {by[1]} {labels[1]})" if by else ""
        return (
            f"proposal {p['proposal']} has only {plural(p['available'], 'reviewer')} without a "
            f"conflict{detail}; {need}{p['k']} in all" + _also(p["others"], "proposal")
        )
    if kind == "total_max_load":
        if p.get("with_conflicts"):
            return (
                f"counting conflicts, the reviewers can take at most {p['total']} reviews "
                f"(each at most min(max_load, proposals without a conflict)) < k*P = {p['demand']}"
            )
        return (
            f"total max_load {p['total']} < k*P = {p['k']}*{p['n_proposals']} = {p['demand']}: "
            "the reviewers cannot take all the reviews; raise max_load or add reviewers"
        )
    if kind == "total_min_load":
        return (
            f"sum of min_load {p['total']} > k*P = {p['k']}*{p['n_proposals']} = {p['demand']}: "
            "there are not enough reviews to give every reviewer their minimum; lower min_load"
        )
    if kind == "country_max_load":
        label = labels[p["country"]]
        if p.get("with_conflicts"):
            return (
                f"counting conflicts, the {label} reviewers can take at most {p['total']} "
                f"reviews < P = {p['n_proposals']}: every proposal needs at least one of them"
            )
        return (
            f"the {label} reviewers' total max_load {p['total']} < P = {p['n_proposals']}: every "
            "proposal needs at least one of them"
        )
    if kind == "country_min_load":
        return (
            f"the {labels[p['country']]} reviewers' total min_load {p['total']} > (k-1)*P = "
            f"{p['k'] - 1}*{p['n_proposals']} = {p['limit']}: each proposal takes at most k-1 of "
            "them"
        )
    if kind == "reviewer_min_load":
        return (
            f"reviewer {p['reviewer']} has min_load {p['min_load']} but only "
            f"{plural(p['available'], 'proposal')} without a conflict"
            + _also(p["others"], "reviewer")
        )
    if kind == "country_absent":
        return (
            f"every proposal needs a {labels[p['country']]} reviewer, but no "
            f"{labels[p['country']]} reviewer is in the pool"
        )
    if kind == "hall":
        return _describe_hall(p, labels)
    return f"infeasible ({kind}: {dict(p)})"


def _describe_hall(p: Mapping[str, Any], labels: Sequence[str]) -> str:
    k = p["k"]
    demand_parts: list[str] = []
    supply_parts: list[str] = []

    def each(values: Sequence[int]) -> tuple[str, str]:
        return ("s", "") if len(values) == 1 else ("", " each")

    if p["need_k"]:
        verb, tail = each(p["need_k"])
        demand_parts.append(f"{named('proposal', p['need_k'])} need{verb} k = {k} reviewers{tail}")
    for c in (0, 1):
        need_c = p["need_country"][c]
        if need_c:
            verb, tail = each(need_c)
            demand_parts.append(
                f"{named('proposal', need_c)} need{verb} a {labels[c]} reviewer{tail}"
            )
    if p["need_min"]:
        demand_parts.append(
            f"{named('reviewer', p['need_min'])} must review at least min_load "
            f"({p['min_total']} in all)"
        )
    if p["cap_max"]:
        supply_parts.append(
            f"{named('reviewer', p['cap_max'])} can take at most max_load ({p['max_total']} in all)"
        )
    if p["cap_k"]:
        verb, tail = each(p["cap_k"])
        supply_parts.append(
            f"{named('proposal', p['cap_k'])} take{verb} at most k = {k} reviewers{tail}"
        )
    if p["pairs"]:
        supply_parts.append(
            f"the other reviewers without a conflict can add at most {p['pairs']} "
            f"(one per proposal-reviewer pair)"
        )
    return (
        "no assignment satisfies every constraint (Hall-type violation): "
        + "; ".join(demand_parts or ["(no demand identified)"])
        + f" — {p['demand']:g} places in all — but "
        + ("; ".join(supply_parts) if supply_parts else "nothing can supply them")
        + f" — at most {p['supply']:g}. Even the best assignment leaves "
        f"{plural(p['unfilled'], 'place')} unfilled; add reviewers without conflicts for these "
        "proposals, raise those max_loads, or lower k or min_load"
    )


def describe_violation(violation: Violation, labels: Sequence[str]) -> str:
    """The English sentence for one broken rule."""
    p = violation.params
    kind = violation.kind
    if kind == "duplicate":
        return f"pair ({p['proposal']}, {p['reviewer']}) is assigned more than once"
    if kind == "conflict":
        return f"pair ({p['proposal']}, {p['reviewer']}) has a conflict"
    if kind == "reviewer_count":
        return f"proposal {p['proposal']} has {p['count']} reviewers, not k = {p['k']}"
    if kind == "no_country":
        return f"proposal {p['proposal']} has no {labels[p['country']]} reviewer"
    if kind == "over_max_load":
        return f"reviewer {p['reviewer']} has load {p['load']} > max_load {p['max_load']}"
    if kind == "under_min_load":
        return f"reviewer {p['reviewer']} has load {p['load']} < min_load {p['min_load']}"
    return f"{kind}: {dict(p)}"
