"""`accord seed-demo`: a deterministic, realistic demo built only through services.

Stages build on each other; later features add their own stage functions here. Running it again
reuses what exists (every step is an upsert keyed by a stable slug or user name).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from accord.accounts.enums import Role
from accord.accounts.models import User
from accord.accounts.services.users import create_user, grant_role
from accord.common.services.audit import set_related_with_audit
from accord.demo.applications import new_person, seed_applications
from accord.directory.models import Organisation, Person
from accord.directory.services.people import add_publication, upsert_organisation, upsert_person
from accord.partnerships.models import TechnologyArea
from accord.partnerships.services.reference import load_reference

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    role: Role
    description: str
    person: str = ""
    funder: str = ""
    language: str = ""  # "ko" or "en"; empty: Korean for the Korean side's accounts


# One account per role (two officers and two applicants: one for each side of the demo call), and
# two more applicants whose applications have gone further (reviews to answer, an award).
ACCOUNTS = [
    DemoAccount(
        "secretariat", "accord-secretariat", Role.SECRETARIAT, "Accord secretariat (DSIT / MSIT)"
    ),
    DemoAccount(
        "officer-rs",
        "accord-officer-rs",
        Role.OFFICER,
        "Programme officer, Royal Society (UK side)",
        funder="royal-society",
    ),
    DemoAccount(
        "officer-nrf",
        "accord-officer-nrf",
        Role.OFFICER,
        "Programme officer, NRF (Korean side)",
        funder="nrf",
    ),
    DemoAccount(
        "applicant-uk",
        "accord-applicant-uk",
        Role.APPLICANT,
        "Applicant, UK lead",
        person="demo-uk-applicant",
    ),
    DemoAccount(
        "applicant-kr",
        "accord-applicant-kr",
        Role.APPLICANT,
        "Applicant, Korean lead",
        person="demo-kr-applicant",
    ),
    # The people of two 2025 applications (applications.py makes them, and links these accounts):
    # the Korean lead of one whose reviews are open to its team for a response, the UK lead of
    # one that was funded.
    DemoAccount(
        "applicant-reviews",
        "accord-applicant-reviews",
        Role.APPLICANT,
        "Applicant, Korean lead of UK-ROK-ICA-2025-0017 (reviews open for a response)",
        person="jeon-haneul",
        language="ko",
    ),
    DemoAccount(
        "applicant-funded",
        "accord-applicant-funded",
        Role.APPLICANT,
        "Applicant, UK lead of UK-ROK-ICA-2025-0022 (funded, award made)",
        person="grant-eilidh",
        language="en",
    ),
    DemoAccount("reviewer", "accord-reviewer", Role.REVIEWER, "Reviewer, UK side"),
    DemoAccount(
        "reviewer-kr",
        "accord-reviewer-kr",
        Role.REVIEWER,
        "Reviewer, Korean side",
        person="demo-kr-reviewer",
    ),
    DemoAccount(
        "panel", "accord-panel", Role.PANEL, "Panel member (2025 round)", person="demo-kr-panel"
    ),
    DemoAccount("admin", "accord-admin", Role.ADMIN, "Administrator (also Django admin)"),
]


def _load_json(name: str) -> dict[str, Any]:
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def seed_directory() -> int:
    """Organisations and researchers on both sides, with their publications (some in Korean)."""
    path = DATA / "researchers.json"
    if not path.exists():
        return 0
    data = _load_json("researchers.json")
    for org in data.get("organisations", []):
        values = {
            k: org.get(k, "")
            for k in ("name_en", "name_ko", "short_name", "country", "kind", "ror_id")
        }
        upsert_organisation(slug=org["key"], **values)
    orgs = {o.slug: o for o in Organisation.objects.all()}
    count = 0
    for rec in data.get("people", []):
        person = upsert_person(
            slug=rec["key"],
            name_en=rec["name_en"],
            name_ko=rec.get("name_ko", ""),
            email=rec.get("email", ""),
            orcid=rec.get("orcid", ""),
            organisation=orgs[rec["organisation"]],
            department=rec.get("department", ""),
            country=rec["country"],
            career_stage=rec.get("career_stage", "mid"),
        )
        set_related_with_audit(
            person,
            field="areas",
            objects=list(TechnologyArea.objects.filter(slug__in=rec.get("areas", []))),
            actor=None,
        )
        for pub in rec.get("publications", []):
            add_publication(
                person=person,
                title=pub["title"],
                abstract=pub.get("abstract", ""),
                year=pub.get("year"),
                language=pub.get("language", "en"),
                doi=pub.get("doi", ""),
                venue=pub.get("venue", ""),
                coauthors=pub.get("coauthors", []),
            )
        count += 1
    seed_relations(data.get("relations", []))
    return count


RELATION_KINDS = {
    "supervisor": "supervision",
    "family": "family",
    "collaborator": "close_collaborator",
    "household": "household",
}


def seed_relations(relations: list[dict[str, Any]]) -> None:
    """Declared relations between demo researchers (used by conflict detection)."""
    from accord.matching.services.relations import declare_relation

    people = {
        p.slug: p
        for p in Person.objects.filter(
            slug__in=[r[k] for r in relations for k in ("person", "other")]
        )
    }
    for rel in relations:
        until = rel.get("until")
        declare_relation(
            person_a=people[rel["person"]],
            person_b=people[rel["other"]],
            kind=RELATION_KINDS[rel["kind"]],
            ended=dt.date(int(until), 12, 31) if until else None,
            actor=None,
        )


DEMO_APPLICANT_PUBLICATIONS: dict[str, list[dict[str, Any]]] = {
    "demo-uk-applicant": [
        {
            "title": "Silicon quantum dot arrays fabricated on 300 mm wafers",
            "year": 2024,
            "language": "en",
            "abstract": "We report spin qubits in silicon quantum dot arrays made in a 300 mm foundry process, with charge noise and valley splitting mapped across the wafer.",
        },
        {
            "title": "Cryogenic characterisation of gate-stack defects in silicon MOS devices",
            "year": 2022,
            "language": "en",
            "abstract": "Low-temperature capacitance and noise spectroscopy of silicon MOS gate stacks identifies the defects that limit spin qubit coherence.",
        },
    ],
    "demo-kr-reviewer": [
        {
            "title": "실리콘 스핀 큐비트 배열의 교차 잡음 특성 분석",
            "year": 2023,
            "language": "ko",
            "abstract": "선형 실리콘 양자점 배열에서 인접 큐비트 사이의 교차 잡음을 측정하고, 게이트 설계로 간섭을 줄이는 방법을 제시한다.",
        },
        {
            "title": "Wafer-scale yield of silicon quantum dot devices",
            "year": 2022,
            "language": "en",
            "abstract": "We measure the yield and variability of silicon quantum dot devices across 200 mm wafers and relate them to gate-oxide quality.",
        },
    ],
    "demo-kr-applicant": [
        {
            "title": "실리콘 양자점 스핀 큐비트의 전하 잡음 저감",
            "year": 2024,
            "language": "ko",
            "abstract": "실리콘 양자점 소자에서 게이트 산화막 결함에 의한 전하 잡음을 측정하고, 열처리 공정으로 잡음을 줄여 스핀 큐비트의 결맞음 시간을 늘렸다.",
        },
        {
            "title": "Two-qubit gates in isotopically enriched silicon quantum dots",
            "year": 2023,
            "language": "en",
            "abstract": "We demonstrate high-fidelity two-qubit gates between electron spins in 28Si quantum dots and characterise crosstalk in a linear array.",
        },
    ],
}


def seed_accounts() -> list[DemoAccount]:
    """One account per role; the two applicants get person records of their own."""
    orgs = {
        o.slug: o
        for o in Organisation.objects.filter(slug__in=["royal-society", "nrf", "imperial", "kaist"])
    }
    people = {
        "demo-uk-applicant": upsert_person(
            slug="demo-uk-applicant",
            name_en="Alex Morgan",
            name_ko="알렉스 모건",
            country="GB",
            organisation=orgs.get("imperial"),
            department="Department of Materials",
            career_stage="early",
            email="alex.morgan@imperial.example",
        ),
        "demo-kr-applicant": upsert_person(
            slug="demo-kr-applicant",
            name_en="Jiwoo Park",
            name_ko="박지우",
            country="KR",
            organisation=orgs.get("kaist"),
            department="Department of Materials Science and Engineering",
            career_stage="early",
            email="jiwoo.park@kaist.example",
        ),
        "demo-kr-reviewer": upsert_person(
            slug="demo-kr-reviewer",
            name_en="Minseo Kang",
            name_ko="강민서",
            country="KR",
            organisation=orgs.get("kaist"),
            department="School of Electrical Engineering",
            career_stage="senior",
            email="minseo.kang@kaist.example",
        ),
        "demo-kr-panel": upsert_person(
            slug="demo-kr-panel",
            name_en="Hyejin Yoon",
            name_ko="윤혜진",
            country="KR",
            organisation=orgs.get("nrf"),
            department="Basic Science Division",
            career_stage="senior",
            email="hyejin.yoon@nrf.example",
        ),
    }
    for slug, pubs in DEMO_APPLICANT_PUBLICATIONS.items():
        for pub in pubs:
            add_publication(person=people[slug], **pub)
    for account in ACCOUNTS:
        with transaction.atomic():
            user = User.objects.filter(username=account.username).first()
            if user is None:
                person = people.get(account.person)
                # the person of a demo application is made (and linked) by seed_applications
                later = None if person else new_person(account.person)
                name = person.name_en if person else later.name_en if later else ""
                first, _, last = name.partition(" ")
                user = create_user(
                    username=account.username,
                    email=f"{account.username}@accord.example",
                    password=account.password,
                    first_name=first,
                    last_name=last,
                    person=person,
                    preferred_language=account.language
                    or (
                        "ko"
                        if account.username.endswith(("-kr", "-nrf"))
                        or (person and person.country == "KR")
                        else "en"
                    ),
                    is_staff=account.role == Role.ADMIN,
                    is_superuser=account.role == Role.ADMIN,
                )
            grant_role(
                user=user,
                role=account.role,
                funder=orgs.get(account.funder) if account.funder else None,
            )
    return ACCOUNTS


def seed_embeddings() -> int:
    """Copy the demo's pre-computed embeddings into the cache, so the demo answers at once.

    The vectors are the same the models compute (keyed by model and text); shipping them only
    saves the minutes the multilingual model needs on a small machine. Returns how many were new.
    """
    import sqlite3

    from accord.matching.selectors.encode import embedding_cache

    shipped = DATA / "embeddings.sqlite3"
    if not shipped.exists():
        return 0
    cache = embedding_cache()
    cache.close()
    target = sqlite3.connect(settings.DATA_DIR / "cache" / "embeddings.sqlite3")
    try:
        before = target.execute("SELECT COUNT(*) FROM embedding").fetchone()[0]
        target.execute("ATTACH DATABASE ? AS shipped", (str(shipped),))
        target.execute("INSERT OR IGNORE INTO embedding SELECT * FROM shipped.embedding")
        target.commit()
        return int(target.execute("SELECT COUNT(*) FROM embedding").fetchone()[0] - before)
    finally:
        target.close()


def seed_matching() -> int:
    """Expertise matching for every call with submitted applications and no run yet."""
    from accord.matching.models import MatchRun
    from accord.matching.selectors import MATCHED_STATES
    from accord.matching.services.runs import compute_matching, create_match_run
    from accord.programmes.models import Call

    done = 0
    for call in Call.objects.filter(applications__state__in=MATCHED_STATES).distinct():
        if not MatchRun.objects.filter(call=call, state="done").exists():
            compute_matching(run=create_match_run(call=call, actor=None))
            done += 1
    return done


def seed_demo() -> dict[str, Any]:
    """Every stage, in order. Safe to run again."""
    seed_embeddings()
    report = load_reference()
    people = seed_directory()
    accounts = seed_accounts()
    applications = seed_applications()
    seed_matching()
    from accord.demo.review import seed_decisions, seed_review

    reviews = seed_review()
    awards = seed_decisions()
    return {
        "reviews": reviews,
        "awards": awards,
        "reference": report,
        "people": people,
        "accounts": accounts,
        "applications": applications,
        "person_count": Person.objects.count(),
    }
