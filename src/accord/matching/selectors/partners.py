"""The partner finder: rank people on the other side by how close their publications are to a
person's profile or to a free-text description, with filters and the publications that explain it.

Profiles are multilingual-e5 vectors (one space for English and Korean, centred per language),
the mean of a person's recency-weighted publication vectors; the index is
``accord.core.partners.PartnerIndex``. It is rebuilt when the directory's publications change.
"""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db.models import Count, Max, Prefetch

from accord.core import affinity as core_affinity
from accord.core import eligibility as core_eligibility
from accord.core.partners import PartnerFilter, PartnerIndex, ProfileMeta
from accord.core.text import detect_language, embed_cached
from accord.directory.enums import CareerStage, OrganisationKind
from accord.directory.models import Person, Publication
from accord.matching.selectors.encode import embedding_cache
from accord.matching.text_models import embedder
from accord.partnerships.models import TechnologyArea
from accord.programmes.models import Call

COUNTRIES = ["GB", "KR", "JP", "IN", "DE", "CH", "IL", "ZA", "SE", "XX"]
KINDS = list(OrganisationKind.values)
STAGES = list(CareerStage.values)
HALF_LIFE_YEARS = 10.0


@dataclass(frozen=True)
class Evidence:
    publication_id: int
    title: str
    year: int | None
    similarity: float


@dataclass(frozen=True)
class PartnerMatch:
    person: Person
    score: float
    evidence: list[Evidence]


@dataclass
class _Built:
    version: tuple[Any, ...]
    index: PartnerIndex
    people: dict[int, Person]
    pubs: dict[int, tuple[list[Publication], np.ndarray]]
    area_bits: dict[int, int]


_lock = threading.Lock()
_cache: dict[str, _Built] = {}


def _version() -> tuple[Any, ...]:
    pubs = Publication.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    people = Person.objects.aggregate(n=Count("id"), last=Max("updated_at"))
    return (pubs["n"], pubs["last"], people["n"], people["last"])


def _embed(texts: list[str], languages: list[str]) -> np.ndarray:
    vectors = embed_cached(embedder("multilingual"), texts, embedding_cache())
    return core_affinity.center_by_language(vectors, languages) if texts else np.zeros((0, 384))


def build_index() -> _Built:
    """(Re)build the index when the directory changed since the last build; else reuse it."""
    version = _version()
    with _lock:
        built = _cache.get("default")
        if built is not None and built.version == version:
            return built
        people = list(
            Person.objects.filter(public_profile=True, publications__isnull=False)
            .distinct()
            .select_related("organisation")
            .prefetch_related(
                Prefetch("publications", queryset=Publication.objects.order_by("id")), "areas"
            )
            .order_by("pk")
        )
        area_bits = {a.pk: i for i, a in enumerate(TechnologyArea.objects.order_by("pk")[:64])}
        all_pubs = [pub for p in people for pub in p.publications.all()]
        texts = [core_affinity.join_text(p.title, p.abstract) for p in all_pubs]
        vectors = _embed(texts, [p.language for p in all_pubs])
        this_year = dt.date.today().year
        profiles = np.zeros((len(people), 384), dtype=np.float32)
        pubs: dict[int, tuple[list[Publication], np.ndarray]] = {}
        start = 0
        for row, person in enumerate(people):
            own = list(person.publications.all())
            block = vectors[start : start + len(own)]
            start += len(own)
            years = np.array([p.year or this_year for p in own], dtype=float)
            weights = 0.5 ** ((this_year - years) / HALF_LIFE_YEARS)
            mean = (block * weights[:, None]).sum(axis=0)
            profiles[row] = mean / (np.linalg.norm(mean) or 1.0)
            pubs[person.pk] = (own, block)
        meta = ProfileMeta.from_arrays(
            country=[
                COUNTRIES.index(p.country) if p.country in COUNTRIES else len(COUNTRIES)
                for p in people
            ],
            areas=[
                sum(1 << area_bits[a.pk] for a in p.areas.all() if a.pk in area_bits)
                for p in people
            ],
            org_kind=[
                KINDS.index(p.organisation.kind)
                if p.organisation and p.organisation.kind in KINDS
                else -1
                for p in people
            ],
            career_stage=[
                STAGES.index(p.career_stage) if p.career_stage in STAGES else -1 for p in people
            ],
        )
        index = PartnerIndex.build(profiles, meta, np.array([p.pk for p in people], dtype=np.int64))
        built = _Built(
            version=version,
            index=index,
            people={p.pk: p for p in people},
            pubs=pubs,
            area_bits=area_bits,
        )
        _cache["default"] = built
        return built


def eligible_for_call(person: Person, call: Call) -> bool:
    """Whether the person meets the call's rules about individuals (organisation kind, career stage)."""
    return eligible_people([person], call) == {person.pk}


def eligible_people(people: list[Person], call: Call) -> set[int]:
    """The people who meet the call's rules about individuals; the call's rules are read once."""
    countries = tuple(s.country for s in call.sides.all())
    rules = [
        r for r in call.rules.all() if r.kind in {"org_kinds", "career_stage", "years_since_phd"}
    ]
    eligible = set()
    for person in people:
        member = core_eligibility.Member(
            person_id=str(person.pk),
            country=person.country,
            role="lead",
            org_kind=person.organisation.kind if person.organisation else "",
            org_size=person.organisation.size if person.organisation else "",
            career_stage=person.career_stage,
            phd_year=person.phd_year,
            other_applications=0,
        )
        facts = core_eligibility.ApplicationFacts(
            countries=countries,
            members=(member,),
            sides=(),
            duration_months=None,
            title_ko="",
            summary_ko="",
            areas=(),
            call_areas=(),
            reference_date=call.closes_at.date(),
        )
        personal = [
            core_eligibility.Rule(key=r.key, kind=r.kind, params=r.params)
            for r in rules
            if r.params.get("country") == person.country
        ]
        if all(result.passed for result in core_eligibility.evaluate(personal, facts)):
            eligible.add(person.pk)
    return eligible


def find_partners(
    *,
    person: Person | None = None,
    text: str = "",
    other_country: str,
    areas: list[TechnologyArea] | None = None,
    org_kinds: list[str] | None = None,
    career_stages: list[str] | None = None,
    call: Call | None = None,
    k: int = 10,
) -> list[PartnerMatch]:
    """The top ``k`` people on ``other_country``'s side, best first, each with 3 explaining publications."""
    built = build_index()
    if person is not None and person.pk in built.pubs:
        _own, block = built.pubs[person.pk]
        query = block.mean(axis=0)
    elif text.strip():
        query = _embed([text.strip()], [detect_language(text)])[0]
    else:
        return []
    query = (query / (np.linalg.norm(query) or 1.0)).astype(np.float32)
    allow: np.ndarray | None = None
    if call is not None:
        side = [p for p in built.people.values() if p.country == other_country]
        allow = np.fromiter(sorted(eligible_people(side, call)), dtype=np.int64)
        if not allow.size:
            return []
    flt = PartnerFilter(
        country=COUNTRIES.index(other_country) if other_country in COUNTRIES else None,
        areas_any=sum(1 << built.area_bits[a.pk] for a in areas if a.pk in built.area_bits)
        if areas
        else None,
        org_kinds=tuple(KINDS.index(kd) for kd in org_kinds) if org_kinds else None,
        career_stages=tuple(STAGES.index(s) for s in career_stages) if career_stages else None,
        allow_ids=allow,
        exclude_ids=(person.pk,) if person is not None else None,
    )
    result = built.index.search(query, k=k, filters=flt)
    matches = []
    for pid, score in zip(result.ids.tolist(), result.scores.tolist(), strict=True):
        pubs, block = built.pubs[pid]
        sims = block @ query
        order = np.argsort(-sims)[:3]
        matches.append(
            PartnerMatch(
                person=built.people[pid],
                score=float(score),
                evidence=[
                    Evidence(pubs[i].pk, pubs[i].title, pubs[i].year, float(sims[i])) for i in order
                ],
            )
        )
    return matches
