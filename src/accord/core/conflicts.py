"""Conflict-of-interest detection between reviewers and joint applications, from data.

Rules (domain.md §8; Accord applies the union of the UK and Korean HARD rules):

=====================  ===============================================  ==========  ==========
type                   what                                             severity    rules
=====================  ===============================================  ==========  ==========
named_on_application   reviewer is on the team (same id or same ORCID)  hard        UK1, KR1
letter_of_support      reviewer wrote a letter of support               hard        UK5
same_organisation      same organisation as a team member / listed org  hard        UK3, KR4
                       (department scope: same org, other department    declare
                       → declare; same or unknown department → hard)
coauthor               co-authored within ``coauthor_window_years``     hard        UK4
                       (initials-only name match → declare)             declare
supervision            supervisor/student, ended within the window      hard        UK4, UK4b, KR5
                       (10 years for fellowship schemes, else 5)
close_collaborator     declared close collaborator within 5 years       hard        UK4
family                 relative, no window ("is or was")                hard        UK2, KR2
household              shares a household, no window                    hard        UK2
named_by_applicant     applicant named the reviewer / their org         hard        UK7, KR9
=====================  ===============================================  ==========  ==========

Same-organisation scope is per reviewer's side (``ConflictConfig.same_org_scope``): UK reviewers
at organisation level (UKRI), Korean reviewers at department level (2024 표준지침).

People are matched to publication authors by, in order: an explicit link (``known_authors``),
ORCID when both the author and the person have one (a different ORCID is never a match, even
with the same name), else by normalised name in either script (see :func:`name_keys`).
Co-authorship is found through an index of authors → people, never by looping over
reviewer × applicant × publication.

Each rule family is one function over a shared index built once from the input (``_Index``:
people by id, reviewers by ORCID and organisation, who is on which team); ``RULE_FAMILIES``
lists them in the order their conflicts are gathered.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from functools import lru_cache

import numpy as np
from numpy.typing import NDArray

from accord.core.pubimport import Publication, normalise_orcid

__all__ = [
    "Application",
    "Conflict",
    "ConflictConfig",
    "ConflictInputError",
    "ConflictReport",
    "ConflictType",
    "DeclaredRelation",
    "Key",
    "NameKeys",
    "Person",
    "RelationKind",
    "Scope",
    "Severity",
    "TeamMember",
    "detect_conflicts",
    "name_keys",
]

Key = int | str

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")


class ConflictInputError(ValueError):
    """Input data breaks a stated constraint (unknown person id, duplicate id, …)."""


class Scope(StrEnum):
    ORGANISATION = "organisation"
    DEPARTMENT = "department"


class Severity(StrEnum):
    HARD = "hard"  # blocks assignment
    DECLARE = "declare"  # flagged for the programme officer's decision


class ConflictType(StrEnum):
    NAMED_ON_APPLICATION = "named_on_application"
    LETTER_OF_SUPPORT = "letter_of_support"
    SAME_ORGANISATION = "same_organisation"
    COAUTHOR = "coauthor"
    SUPERVISION = "supervision"
    CLOSE_COLLABORATOR = "close_collaborator"
    FAMILY = "family"
    HOUSEHOLD = "household"
    NAMED_BY_APPLICANT = "named_by_applicant"


class RelationKind(StrEnum):
    SUPERVISION = "supervision"  # degree supervisor ↔ student (either direction)
    FAMILY = "family"
    HOUSEHOLD = "household"
    CLOSE_COLLABORATOR = "close_collaborator"


@dataclass(frozen=True)
class Person:
    """A person in the directory. ``country`` is an ISO code ("GB", "KR")."""

    id: Key
    name_en: str = ""
    name_ko: str = ""
    orcid: str | None = None
    organisation_id: Key | None = None
    department: str | None = None
    country: str = ""

    @property
    def label(self) -> str:
        names = [n for n in (self.name_en, self.name_ko) if n]
        return f"{' / '.join(names)} ({self.id})" if names else str(self.id)


@dataclass(frozen=True)
class TeamMember:
    person_id: Key
    role: str = "co-investigator"  # e.g. "lead (GB)", "lead (KR)", "co-investigator", "partner"


@dataclass(frozen=True)
class Application:
    """A joint application. ``organisation_ids`` are the host and partner organisations named
    on it (besides the members' own); ``named_conflict_*`` are those the applicants declared
    conflicted; ``supporter_ids`` wrote letters of support."""

    id: Key
    team: tuple[TeamMember, ...]
    organisation_ids: tuple[Key, ...] = ()
    named_conflict_people: tuple[Key, ...] = ()
    named_conflict_organisations: tuple[Key, ...] = ()
    supporter_ids: tuple[Key, ...] = ()


@dataclass(frozen=True)
class DeclaredRelation:
    """A declared link between two people. ``ended`` is when it ended (None: ongoing or, for
    family, not applicable)."""

    person_a: Key
    person_b: Key
    kind: RelationKind
    ended: date | None = None
    source: str = "declaration"


def _default_scopes() -> dict[str, Scope]:
    return {"GB": Scope.ORGANISATION, "KR": Scope.DEPARTMENT}


@dataclass(frozen=True)
class ConflictConfig:
    """Per-call settings. Defaults follow domain.md §8 "Bilateral defaults for Accord"."""

    rules: frozenset[ConflictType] = frozenset(ConflictType)
    coauthor_window_years: int = 5  # UK4
    collaborator_window_years: int = 5  # UK4
    fellowship_scheme: bool = False  # UK4b: supervision window 10 years
    supervision_window_years: int | None = None  # None: 10 if fellowship_scheme else 5
    same_org_scope: Mapping[str, Scope] = field(default_factory=_default_scopes)
    default_scope: Scope = Scope.ORGANISATION  # for a reviewer country not in same_org_scope
    applicant_named_severity: Severity = Severity.HARD  # UK7 hard; KR9 soft — union: hard
    initials_match_severity: Severity = Severity.DECLARE

    @property
    def supervision_window(self) -> int:
        if self.supervision_window_years is not None:
            return self.supervision_window_years
        return 10 if self.fellowship_scheme else 5

    def scope_for(self, country: str) -> Scope:
        return self.same_org_scope.get(country, self.default_scope)


@dataclass(frozen=True)
class Conflict:
    """One detected conflict between a reviewer and an application."""

    reviewer_id: Key
    application_id: Key
    type: ConflictType
    severity: Severity
    rules: tuple[str, ...]
    evidence: Mapping[str, object]
    sentence: str
    source: str


@dataclass(frozen=True)
class ConflictReport:
    """All conflicts, plus matrices in the solver's orientation.

    ``hard``: bool[P, R] — application p (in ``application_ids`` order) may not be reviewed by
    reviewer r (``reviewer_ids`` order). ``declared``: bool[P, R] — a DECLARE-level conflict
    exists (for the officer; not blocking).
    """

    conflicts: list[Conflict]
    application_ids: tuple[Key, ...]
    reviewer_ids: tuple[Key, ...]
    hard: NDArray[np.bool_]
    declared: NDArray[np.bool_]


# ---------------------------------------------------------------------- names
@dataclass(frozen=True)
class NameKeys:
    """Keys under which a name can match another: ``full`` (family + full given names, or a
    whole Hangul name) and ``initials`` (family + first initial)."""

    full: frozenset[str]
    initials: frozenset[str]


def _strip_accents(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))


_NON_ALNUM = re.compile(r"[\W_]+")


def _letters(s: str) -> str:
    return _NON_ALNUM.sub("", s)


@lru_cache(maxsize=1 << 16)
def name_keys(name: str) -> NameKeys:
    """Normalise a personal name written in Latin or Hangul script.

    Latin: accents stripped, casefolded, punctuation dropped, hyphenated given names joined
    ("Min-jun" = "Minjun"); "Family, Given" and "Given Family" (and Korean-order "Family
    Given") all give the key "family|given". Single letters, "M." or "MJ" count as initials and
    only give the weaker initials key "family|m". Hangul: spaces and punctuation removed
    ("김 민준" = "김민준"); "민준 김" (given first) also gives "김민준".
    """
    text = unicodedata.normalize("NFKC", name).strip()
    if not text:
        return NameKeys(frozenset(), frozenset())
    if _HANGUL.search(text):
        parts = [_letters(p) for p in re.split(r"[\s,]+", text) if _letters(p)]
        hangul = {"ko|" + "".join(parts)}
        if len(parts) == 2 and "," not in text:
            hangul.add("ko|" + parts[1] + parts[0])
        return NameKeys(frozenset(hangul), frozenset())

    text = _strip_accents(text)
    if "," in text:
        family_raw, given_raw = text.split(",", 1)
        orders = [(family_raw, given_raw)]
    else:
        tokens = text.replace(".", ". ").split()
        if len(tokens) == 1:
            return NameKeys(frozenset({_letters(tokens[0]).casefold() + "|"}), frozenset())
        orders = [(tokens[-1], " ".join(tokens[:-1])), (tokens[0], " ".join(tokens[1:]))]
    mixed = any(c.islower() for c in text)
    full: set[str] = set()
    initials: set[str] = set()
    for family_raw, given_raw in orders:
        family = _letters(family_raw).casefold()
        if len(family) <= 1 or _is_initial_token(family_raw.strip(), mixed):
            continue
        given_full, given_initials = _given(given_raw, mixed)
        if given_full:
            full.add(f"{family}|{given_full}")
            initials.add(f"{family}|{given_full[0]}")
        elif given_initials:
            initials.add(f"{family}|{given_initials[0]}")
    return NameKeys(frozenset(full), frozenset(initials))


def _is_initial_token(tok: str, mixed_case: bool = True) -> bool:
    """ "M", "M.", "Mj." — or "MJ" when the name is not written all in capitals."""
    bare = _letters(tok)
    if not bare:
        return True
    if len(bare) == 1:
        return True
    if tok.endswith(".") and len(bare) <= 2:
        return True
    return mixed_case and bare.isupper() and len(bare) <= 3


def _given(given_raw: str, mixed_case: bool) -> tuple[str, str]:
    """(joined full given names, initials) from the given-name part."""
    # "M.-J." → "M", "J"; "Min-jun" → "Minjun"
    spaced = re.sub(r"\.\s*-?", ". ", given_raw)
    full_parts: list[str] = []
    initials = ""
    for tok in spaced.split():
        if _is_initial_token(tok, mixed_case):
            bare = _letters(tok).casefold()
            initials += bare
        else:
            full_parts.append(_letters(tok).casefold())
    return "".join(full_parts), initials


def _person_keys(p: Person) -> NameKeys:
    full: set[str] = set()
    initials: set[str] = set()
    for n in (p.name_en, p.name_ko):
        k = name_keys(n)
        full |= k.full
        initials |= k.initials
    return NameKeys(frozenset(full), frozenset(initials))


# ---------------------------------------------------------------------- helpers
def _years_before(ref: date, years: int) -> date:
    try:
        return ref.replace(year=ref.year - years)
    except ValueError:  # 29 February
        return ref.replace(year=ref.year - years, day=28)


def _norm_dept(d: str | None) -> str | None:
    if d is None:
        return None
    s = " ".join(unicodedata.normalize("NFKC", d).casefold().split())
    return s or None


_MATCH_STRENGTH = {"link": 3, "orcid": 2, "name": 1, "initials": 0}


class _AuthorResolver:
    """Maps a publication author to the people it can be, via ORCID / name indexes."""

    def __init__(self, people: Iterable[Person]) -> None:
        self.by_orcid: dict[str, set[Key]] = defaultdict(set)
        self.by_full: dict[str, set[Key]] = defaultdict(set)
        self.by_initials: dict[str, set[Key]] = defaultdict(set)
        self.orcid_of: dict[Key, str | None] = {}
        for p in people:
            orcid = normalise_orcid(p.orcid)
            self.orcid_of[p.id] = orcid
            if orcid:
                self.by_orcid[orcid].add(p.id)
            keys = _person_keys(p)
            for k in keys.full:
                self.by_full[k].add(p.id)
            for k in keys.initials:
                self.by_initials[k].add(p.id)

    def resolve(self, name: str, orcid_raw: str | None) -> dict[Key, str]:
        orcid = normalise_orcid(orcid_raw)
        out: dict[Key, str] = {}
        if orcid:
            for pid in self.by_orcid.get(orcid, ()):
                out[pid] = "orcid"
        keys = name_keys(name)
        for kind, index, ks in (
            ("name", self.by_full, keys.full),
            ("initials", self.by_initials, keys.initials),
        ):
            for k in ks:
                for pid in index.get(k, ()):
                    if pid in out:
                        continue
                    if orcid and self.orcid_of[pid] and self.orcid_of[pid] != orcid:
                        continue  # both have an ORCID and they differ: not the same person
                    out[pid] = kind
        return out


# ---------------------------------------------------------------------- detection
@dataclass
class _Index:
    """What every rule family reads: the inputs, checked, and their lookups (built once)."""

    cfg: ConflictConfig
    reviewers: Sequence[Person]
    applications: Sequence[Application]
    people: Sequence[Person]
    publications: Sequence[Publication]
    relations: Sequence[DeclaredRelation]
    reference_date: date
    known_authors: Mapping[int, Iterable[Key]] | None
    person: dict[Key, Person] = field(default_factory=dict)
    r_index: dict[Key, int] = field(default_factory=dict)
    a_index: dict[Key, int] = field(default_factory=dict)
    reviewer_by_orcid: dict[str, list[Person]] = field(default_factory=lambda: defaultdict(list))
    reviewer_by_org: dict[Key, list[Person]] = field(default_factory=lambda: defaultdict(list))
    # application id -> ids of the reviewers on its team (same person record or same ORCID)
    on_team: dict[Key, set[Key]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for p in [*self.people, *self.reviewers]:
            if p.id in self.person and self.person[p.id] != p:
                raise ConflictInputError(f"person id {p.id!r} is given twice with different data")
            self.person[p.id] = p
        for i, r in enumerate(self.reviewers):
            if r.id in self.r_index:
                raise ConflictInputError(f"reviewer id {r.id!r} appears twice in reviewers")
            self.r_index[r.id] = i
        for i, a in enumerate(self.applications):
            if a.id in self.a_index:
                raise ConflictInputError(f"application id {a.id!r} appears twice in applications")
            self.a_index[a.id] = i
            for m in a.team:
                if m.person_id not in self.person:
                    raise ConflictInputError(
                        f"application {a.id!r}: team member {m.person_id!r} is not in people; "
                        "pass every team member's Person record"
                    )
        for r in self.reviewers:
            o = normalise_orcid(r.orcid)
            if o:
                self.reviewer_by_orcid[o].append(r)
            if r.organisation_id is not None:
                self.reviewer_by_org[r.organisation_id].append(r)
        for app in self.applications:
            self.on_team[app.id] = {r.id for _m, _mp, r, _o in self.team_reviewers(app)}

    def team_reviewers(
        self, app: Application
    ) -> Iterator[tuple[TeamMember, Person, Person, str | None]]:
        """(member, member's person, reviewer who is that person, ORCID) for each such pair."""
        for m in app.team:
            mp = self.person[m.person_id]
            cands = {r.id: r for r in ([mp] if m.person_id in self.r_index else [])}
            o = normalise_orcid(mp.orcid)
            if o:
                cands.update({r.id: r for r in self.reviewer_by_orcid.get(o, [])})
            for r in cands.values():
                yield m, mp, r, o

    def reviewer(self, rid: Key) -> Person:
        return self.reviewers[self.r_index[rid]]


def _same_person(a: Person, b: Person) -> bool:
    if a.id == b.id:
        return True
    oa, ob = normalise_orcid(a.orcid), normalise_orcid(b.orcid)
    return bool(oa and oa == ob)


def _named_on_application(ix: _Index) -> Iterator[Conflict]:
    """The reviewer is on the team (UK1, KR1) or wrote a letter of support (UK5)."""
    for app in ix.applications:
        for m, mp, r, o in ix.team_reviewers(app):
            how = "the same person record" if r.id == mp.id else f"the same ORCID {o}"
            yield Conflict(
                r.id,
                app.id,
                ConflictType.NAMED_ON_APPLICATION,
                Severity.HARD,
                ("UK1", "KR1"),
                {
                    "member_id": mp.id,
                    "role": m.role,
                    "matched_by": "id" if r.id == mp.id else "orcid",
                },
                f"Reviewer {r.label} is named on application {app.id} as {m.role} ({how}).",
                "application:team",
            )
        for sid in app.supporter_ids:
            if sid in ix.r_index:
                r = ix.reviewer(sid)
                yield Conflict(
                    r.id,
                    app.id,
                    ConflictType.LETTER_OF_SUPPORT,
                    Severity.HARD,
                    ("UK5",),
                    {"supporter_id": sid},
                    f"Reviewer {r.label} wrote a letter of support for application {app.id}.",
                    "application:letters_of_support",
                )


def _same_organisation(ix: _Index) -> Iterator[Conflict]:
    """Same organisation (or department, by the reviewer's side) as a team member, or an
    organisation named on the application (UK3, KR4)."""
    cfg = ix.cfg
    for app in ix.applications:
        seen: set[tuple[Key, Key]] = set()
        for m in app.team:
            mp = ix.person[m.person_id]
            if mp.organisation_id is None:
                continue
            for r in ix.reviewer_by_org.get(mp.organisation_id, []):
                if r.id in ix.on_team[app.id] or _same_person(r, mp):
                    continue
                scope = cfg.scope_for(r.country)
                rd, md = _norm_dept(r.department), _norm_dept(mp.department)
                evidence: dict[str, object] = {
                    "organisation_id": mp.organisation_id,
                    "member_id": mp.id,
                    "role": m.role,
                    "scope": scope.value,
                    "reviewer_department": r.department,
                    "member_department": mp.department,
                }
                if scope is Scope.DEPARTMENT and rd is not None and md is not None and rd != md:
                    severity = Severity.DECLARE
                    sentence = (
                        f"Reviewer {r.label} works at the same organisation ({mp.organisation_id}) "
                        f"as {m.role} {mp.label} on application {app.id}, but in a different "
                        f"department ({r.department} vs {mp.department}); department scope "
                        "applies, so this is declared, not blocking."
                    )
                elif scope is Scope.DEPARTMENT and rd is not None and rd == md:
                    severity = Severity.HARD
                    sentence = (
                        f"Reviewer {r.label} works in the same department ({r.department}) of "
                        f"organisation {mp.organisation_id} as {m.role} {mp.label} on "
                        f"application {app.id}."
                    )
                else:
                    severity = Severity.HARD
                    why = (
                        ""
                        if scope is Scope.ORGANISATION
                        else " (department unknown, so the whole organisation counts)"
                    )
                    sentence = (
                        f"Reviewer {r.label} works at the same organisation "
                        f"({mp.organisation_id}) as {m.role} {mp.label} on application "
                        f"{app.id}{why}."
                    )
                seen.add((r.id, mp.organisation_id))
                yield Conflict(
                    r.id,
                    app.id,
                    ConflictType.SAME_ORGANISATION,
                    severity,
                    ("UK3", "KR4"),
                    evidence,
                    sentence,
                    "directory:affiliation",
                )
        for org in app.organisation_ids:
            for r in ix.reviewer_by_org.get(org, []):
                if r.id in ix.on_team[app.id] or (r.id, org) in seen:
                    continue
                yield Conflict(
                    r.id,
                    app.id,
                    ConflictType.SAME_ORGANISATION,
                    Severity.HARD,
                    ("UK3", "KR4"),
                    {"organisation_id": org, "member_id": None, "scope": "organisation"},
                    f"Reviewer {r.label} works at organisation {org}, which is named on "
                    f"application {app.id} (host or partner).",
                    "application:organisations",
                )


def _coauthors(ix: _Index) -> Iterator[Conflict]:
    """Co-authored with a team member within the window (UK4); initials-only matches are
    ``initials_match_severity``. Authors are resolved through an index, never pairwise."""
    cfg, publications, reference_date = ix.cfg, ix.publications, ix.reference_date
    if ConflictType.COAUTHOR not in cfg.rules or not publications:
        return
    interesting = {m.person_id for a in ix.applications for m in a.team} | set(ix.r_index)
    resolver = _AuthorResolver(ix.person[pid] for pid in interesting)
    oldest = reference_date.year - cfg.coauthor_window_years
    # person -> reviewer -> [(publication index, match kind of person, of reviewer)]
    coauth: dict[Key, dict[Key, list[tuple[int, str, str]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for i, pub in enumerate(publications):
        if pub.year is None or pub.year < oldest:
            continue
        matched: dict[Key, str] = {}
        if ix.known_authors and i in ix.known_authors:
            for pid in ix.known_authors[i]:
                if pid in interesting:
                    matched[pid] = "link"
        for au in pub.authors:
            for pid, kind in resolver.resolve(au.name, au.orcid).items():
                if _MATCH_STRENGTH[kind] > _MATCH_STRENGTH.get(matched.get(pid, ""), -1):
                    matched[pid] = kind
        revs = [pid for pid in matched if pid in ix.r_index]
        if not revs or len(matched) < 2:
            continue
        for pid, kind in matched.items():
            for rid in revs:
                if rid != pid:
                    coauth[pid][rid].append((i, kind, matched[rid]))
    for app in ix.applications:
        for m in app.team:
            mp = ix.person[m.person_id]
            for rid, hits in sorted(coauth.get(mp.id, {}).items(), key=lambda kv: str(kv[0])):
                r = ix.reviewer(rid)
                if rid in ix.on_team[app.id] or _same_person(r, mp):
                    continue
                weakest = [min(_MATCH_STRENGTH[a], _MATCH_STRENGTH[b]) for _, a, b in hits]
                strong = max(weakest) >= _MATCH_STRENGTH["name"]
                severity = Severity.HARD if strong else cfg.initials_match_severity
                pubs = [
                    {
                        "title": publications[i].title,
                        "year": publications[i].year,
                        "doi": publications[i].doi,
                        "member_matched_by": a,
                        "reviewer_matched_by": b,
                    }
                    for i, a, b in hits
                ]
                first = publications[hits[0][0]]
                more = f" and {len(hits) - 1} more" if len(hits) > 1 else ""
                hedge = "" if strong else " (matched by initials only; please check)"
                yield Conflict(
                    r.id,
                    app.id,
                    ConflictType.COAUTHOR,
                    severity,
                    ("UK4",),
                    {
                        "member_id": mp.id,
                        "role": m.role,
                        "window_years": cfg.coauthor_window_years,
                        "publications": pubs,
                    },
                    f"Reviewer {r.label} co-authored “{first.title}” ({first.year}){more} "
                    f"with {m.role} {mp.label} on application {app.id}, within "
                    f"{cfg.coauthor_window_years} years of {reference_date.isoformat()}"
                    f"{hedge}.",
                    "; ".join(
                        dict.fromkeys(
                            "publications:" + (publications[i].source or f"#{i}")
                            for i, _, _ in hits
                        )
                    ),
                )


def _declared_relations(ix: _Index) -> Iterator[Conflict]:
    """Family, household (no window), supervision and close collaboration (within their
    windows) declared between a reviewer and a team member (UK2, UK4, UK4b, KR2, KR5)."""
    cfg, reference_date = ix.cfg, ix.reference_date
    rel_by_person: dict[Key, list[tuple[Key, DeclaredRelation]]] = defaultdict(list)
    for rel in ix.relations:
        rel_by_person[rel.person_a].append((rel.person_b, rel))
        rel_by_person[rel.person_b].append((rel.person_a, rel))
    rel_rules: dict[RelationKind, tuple[ConflictType, tuple[str, ...], int | None]] = {
        RelationKind.FAMILY: (ConflictType.FAMILY, ("UK2", "KR2"), None),
        RelationKind.HOUSEHOLD: (ConflictType.HOUSEHOLD, ("UK2",), None),
        RelationKind.SUPERVISION: (
            ConflictType.SUPERVISION,
            ("UK4b", "KR5") if cfg.fellowship_scheme else ("UK4", "KR5"),
            cfg.supervision_window,
        ),
        RelationKind.CLOSE_COLLABORATOR: (
            ConflictType.CLOSE_COLLABORATOR,
            ("UK4",),
            cfg.collaborator_window_years,
        ),
    }
    for app in ix.applications:
        for m in app.team:
            mp = ix.person[m.person_id]
            for other, rel in rel_by_person.get(mp.id, []):
                if other not in ix.r_index or other in ix.on_team[app.id]:
                    continue
                r = ix.reviewer(other)
                ctype, rules, window = rel_rules[rel.kind]
                if (
                    window is not None
                    and rel.ended is not None
                    and rel.ended < _years_before(reference_date, window)
                ):
                    continue  # ended before the look-back window
                span = (
                    "no time limit"
                    if window is None
                    else (
                        "ongoing"
                        if rel.ended is None
                        else f"ended {rel.ended.isoformat()}, "
                        f"within {window} years of {reference_date.isoformat()}"
                    )
                )
                yield Conflict(
                    r.id,
                    app.id,
                    ctype,
                    Severity.HARD,
                    rules,
                    {
                        "member_id": mp.id,
                        "role": m.role,
                        "relation": rel.kind.value,
                        "ended": rel.ended.isoformat() if rel.ended else None,
                        "window_years": window,
                    },
                    f"Reviewer {r.label} has a declared {rel.kind.value.replace('_', ' ')} "
                    f"relation with {m.role} {mp.label} on application {app.id} ({span}).",
                    rel.source,
                )


def _named_by_applicants(ix: _Index) -> Iterator[Conflict]:
    """People or organisations the applicants named as conflicted (UK7, KR9)."""
    severity = ix.cfg.applicant_named_severity
    for app in ix.applications:
        for pid in app.named_conflict_people:
            if pid in ix.r_index and pid not in ix.on_team[app.id]:
                r = ix.reviewer(pid)
                yield Conflict(
                    r.id,
                    app.id,
                    ConflictType.NAMED_BY_APPLICANT,
                    severity,
                    ("UK7", "KR9"),
                    {"named": "person", "person_id": pid},
                    f"The applicants of application {app.id} named reviewer {r.label} as "
                    "conflicted.",
                    "application:named_conflicts",
                )
        for org in app.named_conflict_organisations:
            for r in ix.reviewer_by_org.get(org, []):
                if r.id in ix.on_team[app.id]:
                    continue
                yield Conflict(
                    r.id,
                    app.id,
                    ConflictType.NAMED_BY_APPLICANT,
                    severity,
                    ("UK7", "KR9"),
                    {"named": "organisation", "organisation_id": org},
                    f"The applicants of application {app.id} named organisation {org}, where "
                    f"reviewer {r.label} works, as conflicted.",
                    "application:named_conflicts",
                )


#: The rule families, in the order their conflicts are gathered (then sorted).
RULE_FAMILIES: tuple[Callable[[_Index], Iterator[Conflict]], ...] = (
    _named_on_application,
    _same_organisation,
    _coauthors,
    _declared_relations,
    _named_by_applicants,
)


def detect_conflicts(
    *,
    reviewers: Sequence[Person],
    applications: Sequence[Application],
    people: Sequence[Person] = (),
    publications: Sequence[Publication] = (),
    relations: Sequence[DeclaredRelation] = (),
    reference_date: date,
    config: ConflictConfig | None = None,
    known_authors: Mapping[int, Iterable[Key]] | None = None,
) -> ConflictReport:
    """Detect conflicts between every reviewer and every application.

    ``people`` must contain every team member (reviewers may be repeated there);
    ``known_authors`` maps a publication's index in ``publications`` to person ids known to be
    its authors (e.g. from the directory). Returns the conflicts (sorted by application,
    reviewer, type) and bool[P, R] matrices ``hard`` and ``declared``.
    """
    cfg = config or ConflictConfig()
    ix = _Index(
        cfg=cfg,
        reviewers=reviewers,
        applications=applications,
        people=people,
        publications=publications,
        relations=relations,
        reference_date=reference_date,
        known_authors=known_authors,
    )
    conflicts = [c for family in RULE_FAMILIES for c in family(ix) if c.type in cfg.rules]
    order = {t: i for i, t in enumerate(ConflictType)}
    a_index, r_index = ix.a_index, ix.r_index
    conflicts.sort(key=lambda c: (a_index[c.application_id], r_index[c.reviewer_id], order[c.type]))
    n_p, n_r = len(applications), len(reviewers)
    hard = np.zeros((n_p, n_r), dtype=np.bool_)
    declared = np.zeros((n_p, n_r), dtype=np.bool_)
    for c in conflicts:
        target = hard if c.severity is Severity.HARD else declared
        target[a_index[c.application_id], r_index[c.reviewer_id]] = True
    return ConflictReport(
        conflicts=conflicts,
        application_ids=tuple(a.id for a in applications),
        reviewer_ids=tuple(r.id for r in reviewers),
        hard=hard,
        declared=declared,
    )
