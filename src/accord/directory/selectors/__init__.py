"""Reads for the directory. People are fetched only through ``people_visible_to``."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from accord.accounts.rules import person_id_of
from accord.core.pubimport import normalise_doi, normalise_title
from accord.directory.models import Organisation, Person, Publication


def organisations() -> QuerySet[Organisation]:
    return Organisation.objects.annotate(people_count=Count("people")).order_by(
        "country", "name_en"
    )


def people_visible_to(user: Any) -> QuerySet[Person]:
    """Public profiles for everyone; a hidden profile only for its owner and for those the policy
    lets read them (``directory.view_hidden_profiles``)."""
    qs = Person.objects.select_related("organisation")
    if user is not None and user.has_perm("directory.view_hidden_profiles"):
        return qs
    if getattr(user, "is_authenticated", False) and getattr(user, "person_id", None):
        return qs.filter(Q(public_profile=True) | Q(pk=user.person_id))
    return qs.filter(public_profile=True)


def organisation_detail(slug: str, user: Any) -> Organisation:
    return (
        Organisation.objects.select_related("parent")
        .prefetch_related(
            Prefetch(
                "people",
                queryset=people_visible_to(user).order_by("name_en"),
                to_attr="visible_people",
            ),
            "instruments",
            "funded_programmes__programme",
            "children",
        )
        .get(slug=slug)
    )


def person_detail(slug: str, user: Any) -> Person:
    return people_visible_to(user).prefetch_related("publications").get(slug=slug)


def own_publications(user: Any) -> QuerySet[Publication]:
    """The signed-in user's own publications (none for anonymous users or users without a person)."""
    person_id = person_id_of(user)
    if person_id is None:
        return Publication.objects.none()
    return Publication.objects.filter(person_id=person_id)


def find_duplicate(
    *, person: Person, doi: str | None, title: str, exclude_pk: int | None = None
) -> Publication | None:
    """The person's publication with the same DOI or the same normalised title, if any
    (``doi`` as stored: the writes check and normalise it first)."""
    wanted_doi = stored_doi(doi) if doi else ""
    wanted_title = normalise_title(title)
    for pub in person.publications.all():
        if pub.pk == exclude_pk:
            continue
        if wanted_doi and stored_doi(pub.doi) == wanted_doi:
            return pub
        if wanted_title and normalise_title(pub.title) == wanted_title:
            return pub
    return None


def stored_doi(raw: str) -> str:
    """A DOI as compared for duplicates: normalised, or as written (lowercase) when it is not one."""
    try:
        return normalise_doi(raw) or ""
    except ValueError:
        return raw.strip().lower()
