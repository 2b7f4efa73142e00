"""Writes for the directory: organisations, people, publications. Each is atomic and audited."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from accord.common.models import AuditAction
from accord.common.services.audit import log_action, save_with_audit, snapshot
from accord.directory.models import Organisation, Person, Publication
from accord.directory.validators import normalise_funder_id, normalise_orcid, normalise_ror


def upsert_organisation(*, slug: str, actor: Any = None, **values: Any) -> Organisation:
    """Create the organisation with this key, or update it to ``values``."""
    if values.get("ror_id"):
        values["ror_id"] = normalise_ror(values["ror_id"])
    if values.get("funder_id"):
        values["funder_id"] = normalise_funder_id(values["funder_id"])
    org = Organisation.objects.filter(slug=slug).first() or Organisation(slug=slug)
    obj, _written = save_with_audit(org, actor=actor, values=values)
    return obj  # type: ignore[return-value]


def upsert_person(*, slug: str, actor: Any = None, **values: Any) -> Person:
    if values.get("orcid"):
        values["orcid"] = normalise_orcid(values["orcid"])
    person = Person.objects.filter(slug=slug).first() or Person(slug=slug)
    obj, _written = save_with_audit(person, actor=actor, values=values)
    return obj  # type: ignore[return-value]


def add_publication(*, person: Person, actor: Any = None, **values: Any) -> Publication:
    """Add a publication to a person's profile, unless one with the same DOI or title is there."""
    with transaction.atomic():
        existing = person.publications.all()
        doi = (values.get("doi") or "").lower()
        title = " ".join(str(values.get("title", "")).casefold().split())
        for pub in existing:
            if (doi and pub.doi.lower() == doi) or " ".join(pub.title.casefold().split()) == title:
                return pub
        pub = Publication(person=person, **values)
        pub.full_clean()
        pub.save()
        log_action(actor=actor, action=AuditAction.CREATE, instance=pub, after=snapshot(pub))
        return pub
