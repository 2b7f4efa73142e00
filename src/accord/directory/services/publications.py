"""A researcher's own publications: import from a file, add by hand, change, delete.

Each write is atomic and audited. Duplicates are recognised by DOI (normalised: lowercase, no
resolver prefix) or by normalised title (``accord.core.pubimport.normalise_title``) through
dictionary look-ups, never pairwise; a duplicate is never written twice, and the report says how
many were already there.

A file import runs off the request (``start_publication_import`` queues it; the task calls
``run_publication_import``), writes in batches of ``IMPORT_BATCH`` works, each its own short
transaction (no write lock held for the whole file), and records its progress for the page to
show. Each user may start ``IMPORTS_PER_HOUR`` imports an hour, one at a time.
"""

from __future__ import annotations

import datetime as dt
import re
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import gettext as _

from accord.common.models import AuditAction
from accord.common.services.audit import log_action, log_actions, save_with_audit, snapshot
from accord.common.tasking import enqueue, queue_is_transactional
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
from accord.directory.models import Person, Publication, PublicationImport
from accord.directory.selectors import find_duplicate, stored_doi
from accord.directory.services.people import add_publication

MAX_IMPORT_BYTES = 5 * 1024 * 1024
IMPORT_BATCH = 50  # works written per transaction
IMPORTS_PER_HOUR = 10  # per user
STALE_AFTER = dt.timedelta(hours=1)
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
    added: int = 0
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


def import_publications(
    *,
    person: Person,
    name: str,
    data: bytes,
    actor: Any,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import a BibTeX, RIS or ORCID (JSON/XML) file into the person's profile.

    1. refuse an unknown extension or a file over ``MAX_IMPORT_BYTES`` (ValidationError);
    2. read the file with ``accord.core.pubimport.import_file`` from a temporary copy; a file that
       cannot be read at all (or is over the importer's bounds on entries and nesting) raises
       ValidationError with the importer's message, nothing written;
    3. fold records of the same work within the file (``merge_duplicates``, richer record kept);
    4. add each work, audited, unless the profile already holds it (same DOI or normalised
       title, looked up in an index of the profile); co-authors are the authors other than the
       person (matched by ORCID iD or name). Works are written ``IMPORT_BATCH`` at a time, each
       batch in its own transaction, and ``progress(done, total)`` is called after each batch
       inside it;
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
    known = _Index(person.publications.only("pk", "doi", "title"))
    total = len(works)
    if progress is not None:
        progress(0, total)
    for start in range(0, total, IMPORT_BATCH):
        # Everything but the writes happens outside the transaction: it holds the write lock
        # (SQLite: the whole database) only for a bulk insert and its audit entries.
        batch: list[Publication] = []
        for work in works[start : start + IMPORT_BATCH]:
            if known.has(doi=work.doi or "", title=work.title):
                report.already_there += 1
                continue
            pub = Publication(
                person=person,
                title=work.title,
                abstract=work.abstract,
                year=work.year,
                language=work.language,
                doi=work.doi or "",
                venue=work.venue or "",
                coauthors=coauthor_names(work.authors, person),
            )
            try:
                pub.full_clean(  # the person is known to exist: no query per work
                    exclude=["person"], validate_unique=False, validate_constraints=False
                )
            except ValidationError as exc:
                report.problems.append(
                    ReportProblem(
                        position=_("“%(title)s”") % {"title": work.title[:80]},
                        message=" ".join(exc.messages),
                    )
                )
                continue
            known.add(pub)
            batch.append(pub)
        with transaction.atomic():
            created = Publication.objects.bulk_create(batch)
            log_actions(
                actor=actor,
                action=AuditAction.CREATE,
                changes=[(pub, snapshot(pub)) for pub in created],
            )
            report.added += len(batch)
            if progress is not None:
                progress(min(start + IMPORT_BATCH, total), total)
    return report


# ---------------------------------------------------------------------- off the request
def start_publication_import(
    *, person: Person, user: Any, name: str, data: bytes
) -> PublicationImport:
    """Queue the import of a file into the person's profile; ValidationError (nothing queued)
    when the file is of an unknown kind or too large, an import of the person's is still
    running, or the user has started ``IMPORTS_PER_HOUR`` imports in the last hour."""
    check_upload(name=name, size=len(data))
    now = timezone.now()
    with transaction.atomic():
        Person.objects.select_for_update().filter(pk=person.pk).first()  # one start at a time
        running = person.imports.filter(
            state__in=[PublicationImport.State.QUEUED, PublicationImport.State.RUNNING],
            updated_at__gte=now - STALE_AFTER,  # a worker that died leaves it stuck: not forever
        ).first()
        if running is not None:
            raise ValidationError(
                _("The import of %(name)s is still running; wait for it to finish.")
                % {"name": running.name},
                code="running",
            )
        recent = list(
            PublicationImport.objects.filter(
                requested_by=user, created_at__gte=now - dt.timedelta(hours=1)
            )
            .order_by("created_at")
            .values_list("created_at", flat=True)[:IMPORTS_PER_HOUR]
        )
        if len(recent) >= IMPORTS_PER_HOUR:
            again = timezone.localtime(recent[0] + dt.timedelta(hours=1))
            raise ValidationError(
                _(
                    "You have started %(count)d imports in the last hour, the most Accord takes. "
                    "Try again after %(time)s."
                )
                % {"count": len(recent), "time": time_format(again, "H:i")},
                code="rate_limited",
            )
        record = PublicationImport.objects.create(
            person=person, requested_by=user, name=name[:200], data=data
        )
        if queue_is_transactional():
            enqueue("accord.directory.tasks.import_publications_task", import_id=record.pk)
    if not queue_is_transactional():
        enqueue("accord.directory.tasks.import_publications_task", import_id=record.pk)
    record.refresh_from_db()
    return record


def run_publication_import(*, import_id: int) -> PublicationImport:
    """The task's work: import the queued file, recording progress after each batch and, at the
    end, the report (or the error that stopped it); the file is then dropped."""
    with transaction.atomic():
        record = (
            PublicationImport.objects.select_for_update(of=("self",))
            .select_related("person", "requested_by")
            .get(pk=import_id)
        )
        if record.state != PublicationImport.State.QUEUED:
            return record  # already run (a task delivered twice)
        record.state = PublicationImport.State.RUNNING
        record.save(update_fields=["state", "updated_at"])

    def progress(done: int, total: int) -> None:
        PublicationImport.objects.filter(pk=record.pk).update(
            processed=done, total=total, updated_at=timezone.now()
        )

    values: dict[str, Any]
    try:
        report = import_publications(
            person=record.person,
            name=record.name,
            data=bytes(record.data),
            actor=record.requested_by,
            progress=progress,
        )
    except ValidationError as exc:
        values = {"state": PublicationImport.State.FAILED, "error": " ".join(exc.messages)}
    except Exception:
        PublicationImport.objects.filter(pk=record.pk).update(
            state=PublicationImport.State.FAILED,
            error=_(
                "The import stopped unexpectedly; the works already added stay in your profile. "
                "Import the file again to add the rest."
            ),
            data=b"",
            finished_at=timezone.now(),
        )
        raise
    else:
        values = {
            "state": PublicationImport.State.DONE,
            "added": report.added,
            "already_there": report.already_there,
            "duplicates_in_file": report.duplicates_in_file,
            "problems": [
                {"position": p.position, "message": p.message, "key": p.key}
                for p in report.problems
            ],
        }
    PublicationImport.objects.filter(pk=record.pk).update(
        data=b"", finished_at=timezone.now(), updated_at=timezone.now(), **values
    )
    record.refresh_from_db()
    return record


class _Index:
    """The profile's publications by DOI and normalised title, kept up to date during an import."""

    def __init__(self, publications: Iterable[Publication]) -> None:
        self.pks: set[int] = set()
        self.dois: set[str] = set()
        self.titles: set[str] = set()
        for pub in publications:
            self.add(pub)

    def add(self, pub: Publication) -> None:
        if pub.pk is not None:
            self.pks.add(pub.pk)
        if pub.doi:
            self.dois.add(stored_doi(pub.doi))
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
