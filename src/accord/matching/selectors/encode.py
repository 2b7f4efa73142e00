"""The encoder between the database and the numeric core (people, publications, applications)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from django.conf import settings

from accord.applications.models import Application
from accord.core import affinity as core_affinity
from accord.core import conflicts as core_conflicts
from accord.core import pubimport as core_pubs
from accord.core.text import EmbeddingCache
from accord.directory.models import Person, Publication
from accord.matching.models import NamedConflict, Relation

CONFLICT_TYPES_OF_RELATION = {
    "supervision": core_conflicts.RelationKind.SUPERVISION,
    "family": core_conflicts.RelationKind.FAMILY,
    "household": core_conflicts.RelationKind.HOUSEHOLD,
    "close_collaborator": core_conflicts.RelationKind.CLOSE_COLLABORATOR,
}


def embedding_cache() -> EmbeddingCache:
    """The shared on-disk cache of embeddings (no text is embedded twice)."""
    return EmbeddingCache(settings.DATA_DIR / "cache")


def publication_of(pub: Publication) -> core_affinity.Publication:
    return core_affinity.Publication(
        title=pub.title, abstract=pub.abstract, year=pub.year, language=pub.language
    )


def reviewers_of(people: Sequence[Person]) -> list[core_affinity.Reviewer]:
    """People (with ``publications`` prefetched) as core reviewers: id = person pk."""
    return [
        core_affinity.Reviewer(
            id=str(p.pk), publications=tuple(publication_of(pub) for pub in p.publications.all())
        )
        for p in people
    ]


def submission_of(application: Application) -> core_affinity.Submission:
    """An application in the language its experts publish in: English title and summary."""
    return core_affinity.Submission(
        id=application.reference,
        title=application.title_en,
        abstract=" ".join(filter(None, [application.summary_en, application.keywords])),
        language="en",
    )


def conflict_person(p: Person) -> core_conflicts.Person:
    return core_conflicts.Person(
        id=p.pk,
        name_en=p.name_en,
        name_ko=p.name_ko,
        orcid=p.orcid or None,
        organisation_id=p.organisation_id,
        department=p.department or None,
        country=p.country,
    )


def conflict_inputs(
    applications: Sequence[Application], reviewers: Sequence[Person]
) -> dict[str, object]:
    """Keyword arguments for ``core.conflicts.detect_conflicts`` (publications of everyone involved)."""
    people: dict[int, Person] = {p.pk: p for p in reviewers}
    for application in applications:
        for member in application.members.all():
            people.setdefault(member.person_id, member.person)
    pubs = list(
        Publication.objects.filter(person_id__in=people).only(
            "person_id", "title", "year", "coauthors", "doi"
        )
    )
    named = NamedConflict.objects.filter(application__in=applications).values_list(
        "application_id", "person_id"
    )
    named_by_app: dict[int, list[int]] = {}
    for app_id, person_id in named:
        named_by_app.setdefault(app_id, []).append(person_id)
    relations = Relation.objects.filter(person_a_id__in=people, person_b_id__in=people)
    return {
        "reviewers": [conflict_person(p) for p in reviewers],
        "people": [conflict_person(p) for p in people.values()],
        "applications": [
            core_conflicts.Application(
                id=a.pk,
                team=tuple(
                    core_conflicts.TeamMember(person_id=m.person_id, role=m.role)
                    for m in a.members.all()
                ),
                organisation_ids=tuple(sorted({m.organisation_id for m in a.members.all()})),
                named_conflict_people=tuple(named_by_app.get(a.pk, [])),
            )
            for a in applications
        ],
        "publications": [_conflict_publication(pub) for pub in pubs],
        "known_authors": {i: [pub.person_id] for i, pub in enumerate(pubs)},
        "relations": [
            core_conflicts.DeclaredRelation(
                person_a=r.person_a_id,
                person_b=r.person_b_id,
                kind=CONFLICT_TYPES_OF_RELATION[r.kind],
                ended=r.ended,
            )
            for r in relations
        ],
    }


def _conflict_publication(pub: Publication) -> core_pubs.Publication:
    """Co-authors may be stored as names or as {"name", "orcid"} objects."""
    authors = []
    for entry in pub.coauthors or []:
        if isinstance(entry, str):
            authors.append(core_pubs.Author(name=entry))
        elif isinstance(entry, dict) and entry.get("name"):
            authors.append(
                core_pubs.Author(name=str(entry["name"]), orcid=entry.get("orcid") or None)
            )
    return core_pubs.Publication(
        title=pub.title, year=pub.year, doi=pub.doi or None, authors=tuple(authors)
    )


def reference_date(applications: Iterable[Application]) -> dt.date:
    closes = [a.call.closes_at.date() for a in applications]
    return max(closes) if closes else dt.date.today()
