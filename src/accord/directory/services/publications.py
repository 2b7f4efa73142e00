"""A researcher's own publications: import from a file, add by hand, change, delete.

Each write is atomic and audited. Duplicates are recognised by DOI (normalised: lowercase, no
resolver prefix) or by normalised title (``accord.core.pubimport.normalise_title``); a duplicate
is never written twice, and the report says how many were already there.
"""

from __future__ import annotations

import re
import tempfile
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accord.common.models import AuditAction
from accord.common.services.audit import log_action, save_with_audit, snapshot
from accord.core.pubimport import (
    Author,
    ImportResult,
    PublicationImportError,
    import_file,
    merge_duplicates,
    normalise_doi,
    normalise_orcid,
    normalise_title,
)
from accord.directory.models import Person, Publication
from accord.directory.services.people import add_publication

MAX_IMPORT_BYTES = 5 * 1024 * 1024
# Extension → what the reader is told it is. The importer picks its parser by extension.
ACCEPTED_KINDS: dict[str, str] = {
    ".bib": "BibTeX",
    ".bibtex": "BibTeX",
    ".ris": "RIS",
    ".json": "ORCID JSON",
    ".xml": "ORCID XML",
}
EDITABLE_FIELDS = ("title", "abstract", "year", "language", "doi", "venue", "coauthors")


@dataclass(frozen=True)
class ReportProblem:
    """One entry of the file that was skipped or partly read."""

    position: str
    message: str
    key: str | None = None


@dataclass
class ImportReport:
    """What an import did: the publications added, how many were already in the profile, how many
    records of the file were the same work as another record of the file, and the problems."""

    name: str
    added: list[Publication] = field(default_factory=list)
    already_there: int = 0
    duplicates_in_file: int = 0
    problems: list[ReportProblem] = field(default_factory=list)


# ---------------------------------------------------------------------- checks
def accepted_kinds_label() -> str:
    return ", ".join(f"{kind} ({ext})" for ext, kind in ACCEPTED_KINDS.items())


def check_upload(*, name: str, size: int) -> str:
    """Return the file's extension, or raise ValidationError (unknown kind, too large)."""
    ext = PurePath(name).suffix.lower()
    if ext not in ACCEPTED_KINDS:
        raise ValidationError(
            _("%(name)s is not a file Accord can read. Accepted kinds: %(kinds)s.")
            % {"name": name, "kinds": accepted_kinds_label()},
            code="unknown_kind",
        )
    if size > MAX_IMPORT_BYTES:
        raise ValidationError(
            _("%(name)s is %(size)s MB; the limit is %(limit)s MB.")
            % {
                "name": name,
                "size": f"{size / 1_048_576:.1f}",
                "limit": MAX_IMPORT_BYTES // 1_048_576,
            },
            code="too_large",
        )
    return ext


def clean_doi(raw: str | None) -> str:
    """The stored form of a DOI ("" when empty); ValidationError when it is not a DOI."""
    try:
        return normalise_doi(raw) or ""
    except ValueError:
        raise ValidationError(
            _("“%(value)s” is not a DOI. A DOI starts with 10., e.g. 10.1038/s41586-021-03819-2.")
            % {"value": raw},
            code="doi_format",
        ) from None


def find_duplicate(
    *, person: Person, doi: str | None, title: str, exclude_pk: int | None = None
) -> Publication | None:
    """The person's publication with the same DOI or the same normalised title, if any."""
    wanted_doi = clean_doi(doi) if doi else ""
    wanted_title = normalise_title(title)
    for pub in person.publications.all():
        if pub.pk == exclude_pk:
            continue
        if wanted_doi and _stored_doi(pub.doi) == wanted_doi:
            return pub
        if wanted_title and normalise_title(pub.title) == wanted_title:
            return pub
    return None


def _stored_doi(raw: str) -> str:
    try:
        return normalise_doi(raw) or ""
    except ValueError:
        return raw.strip().lower()


# ---------------------------------------------------------------------- names
def _letters(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] in "LN")


def _name_keys(name: str) -> set[str]:
    """Keys under which a name matches: letters only as written, with "Family, Given" turned
    round, and the sorted words (so "Kim Min-jun" matches "Min-jun Kim")."""
    keys = {_letters(name)}
    if "," in name:
        family, _sep, given = name.partition(",")
        keys.add(_letters(f"{given} {family}"))
    words = [_letters(w) for w in re.split(r"[\s,]+", name) if _letters(w)]
    keys.add(" ".join(sorted(words)))
    keys.discard("")
    return keys


def _is_person(author: Author, person: Person, person_keys: set[str]) -> bool:
    if person.orcid and author.orcid and normalise_orcid(author.orcid) == person.orcid:
        return True
    return bool(_name_keys(author.name) & person_keys)


def coauthor_names(authors: Iterable[Author], person: Person) -> list[str]:
    """The authors' names without the person themselves (matched by ORCID iD or by name)."""
    person_keys: set[str] = set()
    for own in (person.name_en, person.name_ko):
        if own:
            person_keys |= _name_keys(own)
    names: list[str] = []
    for author in authors:
        if not author.name or _is_person(author, person, person_keys):
            continue
        if author.name not in names:
            names.append(author.name)
    return names


# ---------------------------------------------------------------------- import
def _safe_name(name: str, ext: str) -> str:
    stem = re.sub(r"[^\w.-]+", "_", PurePath(name).stem)[:60] or "upload"
    return f"{stem}{ext}"


def _read(*, name: str, data: bytes, ext: str) -> ImportResult:
    with tempfile.TemporaryDirectory(prefix="accord-pubs-") as tmp:
        path = Path(tmp) / _safe_name(name, ext)
        path.write_bytes(data)
        try:
            return import_file(path)
        except PublicationImportError as exc:
            if exc.line is not None:
                where = _("%(name)s, line %(line)s") % {"name": name, "line": exc.line}
            else:
                where = name
            raise ValidationError(
                _("%(where)s could not be read: %(message)s")
                % {"where": where, "message": exc.message},
                code="unreadable",
            ) from exc


def import_publications(*, person: Person, name: str, data: bytes, actor: Any) -> ImportReport:
    """Import a BibTeX, RIS or ORCID (JSON/XML) file into the person's profile.

    1. refuse an unknown extension or a file over ``MAX_IMPORT_BYTES`` (ValidationError);
    2. read the file with ``accord.core.pubimport.import_file`` from a temporary copy; a file that
       cannot be read at all raises ValidationError with the importer's message, nothing written;
    3. fold records of the same work within the file (``merge_duplicates``, richer record kept);
    4. in one transaction, add each work through ``add_publication`` (audited) unless the profile
       already holds it (same DOI or normalised title); co-authors are the authors other than
       the person (matched by ORCID iD or name);
    5. return the report: added, already there, duplicates within the file, problems by position.
    """
    ext = check_upload(name=name, size=len(data))
    result = _read(name=name, data=data, ext=ext)
    report = ImportReport(name=name)
    report.problems = [
        ReportProblem(position=p.position, message=p.message, key=p.key) for p in result.problems
    ]
    works = merge_duplicates(result.publications)
    report.duplicates_in_file = len(result.publications) - len(works)
    with transaction.atomic():
        known = _Index(person.publications.all())
        for work in works:
            if known.has(doi=work.doi or "", title=work.title):
                report.already_there += 1
                continue
            values = {
                "title": work.title,
                "abstract": work.abstract,
                "year": work.year,
                "language": work.language,
                "doi": work.doi or "",
                "venue": work.venue or "",
                "coauthors": coauthor_names(work.authors, person),
            }
            try:
                pub = add_publication(person=person, actor=actor, **values)
            except ValidationError as exc:
                report.problems.append(
                    ReportProblem(
                        position=_("“%(title)s”") % {"title": work.title[:80]},
                        message=" ".join(exc.messages),
                    )
                )
                continue
            if pub.pk in known.pks:
                report.already_there += 1
            else:
                known.add(pub)
                report.added.append(pub)
    return report


class _Index:
    """The profile's publications by DOI and normalised title, kept up to date during an import."""

    def __init__(self, publications: Iterable[Publication]) -> None:
        self.pks: set[int] = set()
        self.dois: set[str] = set()
        self.titles: set[str] = set()
        for pub in publications:
            self.add(pub)

    def add(self, pub: Publication) -> None:
        self.pks.add(pub.pk)
        if pub.doi:
            self.dois.add(_stored_doi(pub.doi))
        self.titles.add(normalise_title(pub.title))

    def has(self, *, doi: str, title: str) -> bool:
        normalised = normalise_title(title)
        return bool(doi and doi in self.dois) or bool(normalised and normalised in self.titles)


# ---------------------------------------------------------------------- by hand
def create_publication(*, person: Person, actor: Any, values: Mapping[str, Any]) -> Publication:
    """Add one publication typed by hand; ValidationError when the profile already has it."""
    values = dict(values)
    values["doi"] = clean_doi(values.get("doi"))
    with transaction.atomic():
        duplicate = find_duplicate(person=person, doi=values["doi"], title=values["title"])
        if duplicate is not None:
            raise ValidationError(
                _("Your profile already lists this publication: “%(title)s”.")
                % {"title": duplicate.title},
                code="duplicate",
            )
        return add_publication(person=person, actor=actor, **values)


def update_publication(
    *, publication: Publication, actor: Any, values: Mapping[str, Any]
) -> Publication:
    """Change the editable fields of one of the person's publications; audited (before/after).
    A change that would make it a duplicate of another of their publications is refused."""
    values = {k: v for k, v in values.items() if k in EDITABLE_FIELDS}
    if "doi" in values:
        values["doi"] = clean_doi(values["doi"])
    with transaction.atomic():
        duplicate = find_duplicate(
            person=publication.person,
            doi=values.get("doi", publication.doi),
            title=values.get("title", publication.title),
            exclude_pk=publication.pk,
        )
        if duplicate is not None:
            raise ValidationError(
                _("Your profile already lists this publication: “%(title)s”.")
                % {"title": duplicate.title},
                code="duplicate",
            )
        obj, _written = save_with_audit(publication, actor=actor, values=values)
    return obj  # type: ignore[return-value]


def delete_publication(*, publication: Publication, actor: Any) -> None:
    """Delete one of the person's publications; the audit entry keeps what it was."""
    with transaction.atomic():
        log_action(
            actor=actor,
            action=AuditAction.DELETE,
            instance=publication,
            before=snapshot(publication),
        )
        publication.delete()
