"""Publication importers: BibTeX, RIS and ORCID (v3.0 JSON and XML) → ``Publication`` records.

Every importer returns an :class:`ImportResult` with the publications it could read and the
problems it found (each naming the file, the entry position and what is wrong): a file where
some entries are broken still imports the good ones. A file that cannot be read at all (not
UTF-8, not the format, no entries) raises :class:`PublicationImportError`.

``merge_duplicates`` folds together records of the same work: same DOI, or — when at least one
side has no DOI — the same normalised title (NFKC, casefold, punctuation and spaces removed).
The richer record (longer abstract, then more filled fields) is kept and its empty fields are
filled from the others.

XML is parsed with the standard library; documents that declare a DOCTYPE or entities are
refused, so no external or expanding entity is ever resolved.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import bibtexparser.model as bm
import rispy
from bibtexparser.entrypoint import parse_string as bibtex_parse_string
from bibtexparser.middlewares import LatexDecodingMiddleware

__all__ = [
    "MAX_ENTRIES",
    "MAX_NESTING",
    "Author",
    "ImportProblem",
    "ImportResult",
    "Publication",
    "PublicationImportError",
    "guess_language",
    "import_bibtex",
    "import_file",
    "import_orcid_json",
    "import_orcid_xml",
    "import_ris",
    "merge_duplicates",
    "normalise_doi",
    "normalise_orcid",
    "normalise_title",
]

# Bounds on one file, checked before the expensive parse: a file over them is refused whole with
# a message that says so (a researcher's list is hundreds of works; an ORCID record is ~10 deep).
MAX_ENTRIES = 10_000
MAX_NESTING = 64
_BIBTEX_ENTRY = re.compile(r"^[ \t]*@[A-Za-z]+[ \t]*[{(]", re.MULTILINE)
_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_XML_TAG = re.compile(r"<(/?)[A-Za-z_][^<>]*?(/?)>")
# LaTeX needs decoding only where a field holds markup; plain text and text with only protective
# braces ({DNA}) skip pylatexenc, which was 97 % of the import time.
_LATEX_MARKUP = re.compile(r"[\\$~%&#^_]|--|``|''|!`|\?`")

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
_ORCID = re.compile(r"(\d{4}-\d{4}-\d{4}-\d{3}[\dX])")
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)


class PublicationImportError(Exception):
    """A whole file could not be imported. ``str()`` names the file, the place and the fault."""

    def __init__(self, file: str, message: str, *, line: int | None = None) -> None:
        self.file = file
        self.line = line
        self.message = message
        where = f"{file}, line {line}" if line is not None else file
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class Author:
    """One author as written in the source: display name, ORCID iD if the source gives one."""

    name: str
    orcid: str | None = None


@dataclass(frozen=True)
class Publication:
    """A publication as imported. ``doi`` is normalised (lowercase, no resolver prefix);
    ``language`` is "ko" when the title or abstract contains Hangul, else "en";
    ``source`` says where it came from ("bibtex:<file>#<key>", "ris:<file>#<n>", "orcid:...")."""

    title: str
    abstract: str = ""
    year: int | None = None
    language: str = "en"
    doi: str | None = None
    authors: tuple[Author, ...] = ()
    venue: str | None = None
    source: str = ""

    def richness(self) -> tuple[int, int]:
        """(abstract length, number of filled fields) — larger is richer."""
        filled = sum(
            1
            for f in fields(self)
            if f.name not in ("language", "source") and getattr(self, f.name) not in (None, "", ())
        )
        return (len(self.abstract), filled)


@dataclass(frozen=True)
class ImportProblem:
    """An entry that was skipped or partly read: file, position, entry key, what is wrong."""

    file: str
    position: str  # e.g. "line 12", "entry 3 (line 20)", "work put-code 1234"
    message: str
    key: str | None = None

    def __str__(self) -> str:
        key = f" [{self.key}]" if self.key else ""
        return f"{self.file}, {self.position}{key}: {self.message}"


@dataclass
class ImportResult:
    """What an importer produced: the publications read and the problems found."""

    publications: list[Publication] = field(default_factory=list)
    problems: list[ImportProblem] = field(default_factory=list)

    def extend(self, other: ImportResult) -> None:
        self.publications.extend(other.publications)
        self.problems.extend(other.problems)


# ---------------------------------------------------------------------- normalisation
def guess_language(*texts: str | None) -> str:
    """ "ko" if any text contains Hangul, else "en"."""
    return "ko" if any(t and _HANGUL.search(t) for t in texts) else "en"


def normalise_doi(raw: str | None) -> str | None:
    """Lowercase, strip whitespace and a resolver prefix ("https://doi.org/", "doi:").

    Returns None for empty input; raises ValueError when the result does not start with "10.".
    """
    if raw is None:
        return None
    doi = _DOI_PREFIX.sub("", raw.strip()).strip().lower()
    if not doi:
        return None
    if not doi.startswith("10."):
        raise ValueError(f"DOI {raw!r} does not start with '10.'")
    return doi


def normalise_orcid(raw: str | None) -> str | None:
    """The bare iD "0000-0002-1825-0097" from an iD or an orcid.org URL (None if absent)."""
    if not raw:
        return None
    m = _ORCID.search(raw.upper())
    return m.group(1) if m else None


def normalise_title(title: str) -> str:
    """NFKC, casefold, keep only letters and digits (for duplicate detection)."""
    t = unicodedata.normalize("NFKC", title).casefold()
    return "".join(ch for ch in t if unicodedata.category(ch)[0] in "LN")


def _clean(text: str | None) -> str:
    """Collapse whitespace; drop BibTeX protective braces."""
    if not text:
        return ""
    return " ".join(text.replace("{", "").replace("}", "").split())


def _year(raw: object) -> int | None:
    """A four-digit year from "2021", "2021/05/01", 2021 …; ValueError if none is found."""
    if raw is None or raw == "":
        return None
    m = re.search(r"(1[5-9]\d\d|20\d\d|21\d\d)", str(raw))
    if not m:
        raise ValueError(f"year {raw!r} has no four-digit year")
    return int(m.group(1))


def _read_text(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PublicationImportError(str(path), f"cannot read file: {exc.strerror}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PublicationImportError(
            str(path), f"not UTF-8 (byte {exc.start}); re-save the file as UTF-8", line=line
        ) from exc


def _too_many(name: str, count: int, what: str) -> PublicationImportError:
    return PublicationImportError(
        name,
        f"{count:,} {what}; Accord imports at most {MAX_ENTRIES:,} per file. "
        "Split the file and import the parts one after the other.",
    )


def _check_nesting(name: str, steps: Iterable[int]) -> None:
    """Refuse a file nested deeper than MAX_NESTING (one pass over +1/-1 steps; no recursion)."""
    depth = 0
    for step in steps:
        depth += step
        if depth > MAX_NESTING:
            raise PublicationImportError(
                name,
                f"nested more than {MAX_NESTING} levels deep; an ORCID record is about 10. "
                "Download the record again from ORCID.",
            )


def _json_steps(src: str) -> Iterable[int]:
    for m in _JSON_TOKEN.finditer(src):
        token = m.group()
        if token in "[{":
            yield 1
        elif token in "]}":
            yield -1


def _xml_steps(src: str) -> Iterable[int]:
    for m in _XML_TAG.finditer(src):
        if m.group(1):
            yield -1
        elif not m.group(2):
            yield 1


_latex_decoder: Any = None


@functools.lru_cache(maxsize=8192)  # names and journals repeat across a researcher's list
def _latex(text: str) -> str:
    """``text`` with LaTeX decoded as bibtexparser's LatexDecodingMiddleware would (same
    decoder), but only when it holds LaTeX markup."""
    global _latex_decoder
    if not _LATEX_MARKUP.search(text):
        return text.replace("{", "").replace("}", "")  # what the decoder does to {DNA}
    if _latex_decoder is None:
        _latex_decoder = LatexDecodingMiddleware(keep_braced_groups=False)
    decoded, error = _latex_decoder._transform_python_value_string(text)
    return str(decoded) if not error else text


def _make(
    *,
    title: str,
    abstract: str,
    year: int | None,
    doi: str | None,
    authors: Iterable[Author],
    venue: str | None,
    source: str,
) -> Publication:
    title, abstract = _clean(title), _clean(abstract)
    return Publication(
        title=title,
        abstract=abstract,
        year=year,
        language=guess_language(title, abstract),
        doi=doi,
        authors=tuple(authors),
        venue=_clean(venue) or None,
        source=source,
    )


# ---------------------------------------------------------------------- BibTeX
def _bibtex_authors(raw: str) -> list[Author]:
    """Authors split on "and", each name LaTeX-decoded on its own (names repeat: cached)."""
    parts = [_clean(_latex(p.strip())) for p in re.split(r"\s+and\s+", raw.strip())]
    return [Author(name=p) for p in parts if p and p.lower() != "others"]


def import_bibtex(path: str | Path, text: str | None = None) -> ImportResult:
    """Read a BibTeX file (bibtexparser 2.x). Entries without a title, with a bad year or
    DOI, unparsable blocks and duplicate keys are reported with their line (1-based)."""
    p = Path(path)
    name = str(path)
    src = _read_text(p) if text is None else text
    if "@" not in src:
        raise PublicationImportError(name, "no BibTeX entries (no '@' found); is this BibTeX?")
    count = len(_BIBTEX_ENTRY.findall(src))
    if count > MAX_ENTRIES:
        raise _too_many(name, count, "BibTeX entries")
    lib = bibtex_parse_string(src)
    result = ImportResult()
    for block in lib.failed_blocks:
        line = (block.start_line or 0) + 1
        if isinstance(block, bm.DuplicateBlockKeyBlock):
            msg = f"duplicate entry key {block.key!r}; the first entry with this key was kept"
            result.problems.append(ImportProblem(name, f"line {line}", msg, key=block.key))
        else:
            raw = (block.raw or "").strip()
            head = raw.splitlines()[0][:60] if raw else ""
            result.problems.append(
                ImportProblem(
                    name,
                    f"line {line}",
                    f"entry could not be parsed (unbalanced braces or missing comma?): {head!r}",
                )
            )
    for entry in lib.entries:
        line = (entry.start_line or 0) + 1
        f = {
            k.lower(): str(v.value) if k.lower() == "author" else _latex(str(v.value))
            for k, v in entry.fields_dict.items()
        }
        pos = f"line {line}"
        title = _clean(f.get("title"))
        if not title:
            result.problems.append(ImportProblem(name, pos, "entry has no title", key=entry.key))
            continue
        try:
            year = _year(f.get("year"))
        except ValueError as exc:
            result.problems.append(ImportProblem(name, pos, str(exc), key=entry.key))
            year = None
        try:
            doi = normalise_doi(f.get("doi"))
        except ValueError as exc:
            result.problems.append(ImportProblem(name, pos, str(exc), key=entry.key))
            doi = None
        venue = f.get("journal") or f.get("booktitle") or f.get("publisher")
        result.publications.append(
            _make(
                title=title,
                abstract=f.get("abstract", ""),
                year=year,
                doi=doi,
                authors=_bibtex_authors(f.get("author", "")),
                venue=venue,
                source=f"bibtex:{p.name}#{entry.key}",
            )
        )
    if not lib.entries and not lib.failed_blocks:
        raise PublicationImportError(name, "no BibTeX entries found")
    result.problems.sort(key=_line_of)
    return result


def _line_of(problem: ImportProblem) -> int:
    m = re.search(r"line (\d+)", problem.position)
    return int(m.group(1)) if m else 0


# ---------------------------------------------------------------------- RIS
_RIS_TAG = re.compile(r"^([A-Z][A-Z0-9])  -( |$)")


def import_ris(path: str | Path, text: str | None = None) -> ImportResult:
    """Read an RIS file (rispy). Records are split on TY/ER so one broken record is reported
    (with its entry number and line) and the others are still read."""
    p = Path(path)
    name = str(path)
    src = _read_text(p) if text is None else text
    lines = src.splitlines()
    records: list[tuple[int, list[str]]] = []  # (1-based start line, lines)
    current: list[str] | None = None
    start = 0
    result = ImportResult()
    for i, line in enumerate(lines, start=1):
        m = _RIS_TAG.match(line)
        tag = m.group(1) if m else None
        if tag == "TY":
            if current is not None:
                result.problems.append(
                    ImportProblem(name, f"line {start}", "record has no 'ER  -' end tag")
                )
                records.append((start, current))
            current, start = [line], i
        elif tag == "ER":
            if current is None:
                result.problems.append(
                    ImportProblem(name, f"line {i}", "'ER  -' without a 'TY  -' record start")
                )
                continue
            current.append(line)
            records.append((start, current))
            current = None
        elif current is not None:
            current.append(line)
        elif line.strip():
            result.problems.append(
                ImportProblem(name, f"line {i}", f"text outside a record: {line.strip()[:60]!r}")
            )
    if current is not None:
        result.problems.append(
            ImportProblem(name, f"line {start}", "record has no 'ER  -' end tag (file ends)")
        )
        records.append((start, current))
    if not records:
        raise PublicationImportError(name, "no RIS records (no 'TY  -' line); is this RIS?")
    if len(records) > MAX_ENTRIES:
        raise _too_many(name, len(records), "RIS records")

    for n, (line_no, rec_lines) in enumerate(records, start=1):
        pos = f"entry {n} (line {line_no})"
        body = "\n".join(rec_lines)
        if not body.rstrip().endswith("ER  -"):
            body += "\nER  - "
        try:
            parsed = rispy.loads(body)
        except Exception as exc:  # rispy raises plain IOError/ValueError variants
            result.problems.append(ImportProblem(name, pos, f"record could not be parsed: {exc}"))
            continue
        if len(parsed) != 1:
            result.problems.append(ImportProblem(name, pos, "record could not be parsed"))
            continue
        r: dict[str, Any] = parsed[0]
        title = _clean(r.get("title") or r.get("primary_title") or r.get("translated_title"))
        key = r.get("id")
        if not title:
            result.problems.append(ImportProblem(name, pos, "record has no title (TI/T1)", key=key))
            continue
        try:
            year = _year(r.get("year") or r.get("publication_year") or r.get("date"))
        except ValueError as exc:
            result.problems.append(ImportProblem(name, pos, str(exc), key=key))
            year = None
        try:
            doi = normalise_doi(r.get("doi"))
        except ValueError as exc:
            result.problems.append(ImportProblem(name, pos, str(exc), key=key))
            doi = None
        names = list(r.get("authors") or []) + list(r.get("first_authors") or [])
        venue = r.get("journal_name") or r.get("secondary_title") or r.get("alternate_title3")
        result.publications.append(
            _make(
                title=title,
                abstract=r.get("abstract") or r.get("notes_abstract") or "",
                year=year,
                doi=doi,
                authors=[Author(name=_clean(a)) for a in names if _clean(a)],
                venue=venue,
                source=f"ris:{p.name}#{n}",
            )
        )
    return result


# ---------------------------------------------------------------------- ORCID JSON
def _val(obj: object, *path: str) -> Any:
    """Follow keys through nested dicts; None when any step is missing or null."""
    cur: Any = obj
    for key in path:
        if not isinstance(cur, Mapping):
            return None
        cur = cur.get(key)
    return cur


def _orcid_owner(record: Mapping[str, Any]) -> Author | None:
    orcid = normalise_orcid(
        _val(record, "orcid-identifier", "path") or _val(record, "person", "name", "path")
    )
    name_obj = _val(record, "person", "name") or {}
    credit = _val(name_obj, "credit-name", "value")
    given = _val(name_obj, "given-names", "value") or ""
    family = _val(name_obj, "family-name", "value") or ""
    display = credit or " ".join(x for x in (given, family) if x)
    if not display and not orcid:
        return None
    return Author(name=display, orcid=orcid)


def _json_work(
    work: Mapping[str, Any], owner: Author | None, file: str, fname: str, result: ImportResult
) -> None:
    put_code = work.get("put-code")
    pos = f"work put-code {put_code}" if put_code is not None else "work without put-code"
    title = _clean(_val(work, "title", "title", "value"))
    if not title:
        result.problems.append(ImportProblem(file, pos, "work has no title"))
        return
    try:
        year = _year(_val(work, "publication-date", "year", "value"))
    except ValueError as exc:
        result.problems.append(ImportProblem(file, pos, str(exc)))
        year = None
    doi = None
    for ext in _val(work, "external-ids", "external-id") or []:
        if str(ext.get("external-id-type", "")).lower() == "doi":
            raw = ext.get("external-id-value") or _val(ext, "external-id-normalized", "value")
            try:
                doi = normalise_doi(raw)
            except ValueError as exc:
                result.problems.append(ImportProblem(file, pos, str(exc)))
            break
    authors: list[Author] = []
    for c in _val(work, "contributors", "contributor") or []:
        cname = _clean(_val(c, "credit-name", "value"))
        corcid = normalise_orcid(_val(c, "contributor-orcid", "path"))
        if cname or corcid:
            authors.append(Author(name=cname, orcid=corcid))
    if owner is not None and not any(
        (owner.orcid and a.orcid == owner.orcid) or a.name == owner.name for a in authors
    ):
        authors.insert(0, owner)
    result.publications.append(
        _make(
            title=title,
            abstract=work.get("short-description") or "",
            year=year,
            doi=doi,
            authors=authors,
            venue=_val(work, "journal-title", "value"),
            source=f"orcid:{fname}#{put_code}",
        )
    )


def import_orcid_json(path: str | Path, text: str | None = None) -> ImportResult:
    """Read ORCID API v3.0 JSON: a full record (``activities-summary.works``), a ``/works``
    response (``group`` of ``work-summary``), a bulk ``/works/{codes}`` response (``bulk``
    of ``work``) or a single ``/work`` object."""
    p = Path(path)
    name = str(path)
    src = _read_text(p) if text is None else text
    _check_nesting(name, _json_steps(src))
    try:
        doc = json.loads(src)
    except json.JSONDecodeError as exc:
        raise PublicationImportError(name, f"not valid JSON: {exc.msg}", line=exc.lineno) from exc
    if not isinstance(doc, dict):
        raise PublicationImportError(name, "expected a JSON object (an ORCID record or works)")
    owner = _orcid_owner(doc)
    result = ImportResult()
    works: list[Mapping[str, Any]] = []
    groups = _val(doc, "activities-summary", "works", "group")
    if groups is None:
        groups = doc.get("group")
    if groups is not None:
        for g in groups:
            summaries = g.get("work-summary") or []
            if summaries:
                # ORCID groups versions of one work; the first summary is the preferred one.
                works.append(summaries[0])
    elif isinstance(doc.get("bulk"), list):
        for i, item in enumerate(doc["bulk"], start=1):
            if "work" in item:
                works.append(item["work"])
            else:
                err = _val(item, "error", "developer-message") or "no work in bulk item"
                result.problems.append(ImportProblem(name, f"bulk item {i}", str(err)))
    elif "title" in doc and "put-code" in doc:
        works.append(doc)
    else:
        raise PublicationImportError(
            name,
            "no ORCID works found (expected 'activities-summary.works.group', 'group', "
            "'bulk' or a single work)",
        )
    if len(works) > MAX_ENTRIES:
        raise _too_many(name, len(works), "ORCID works")
    for w in works:
        _json_work(w, owner, name, p.name, result)
    return result


# ---------------------------------------------------------------------- ORCID XML
_NS = {
    "record": "http://www.orcid.org/ns/record",
    "activities": "http://www.orcid.org/ns/activities",
    "work": "http://www.orcid.org/ns/work",
    "common": "http://www.orcid.org/ns/common",
    "person": "http://www.orcid.org/ns/person",
    "personal-details": "http://www.orcid.org/ns/personal-details",
}


def _text(el: ET.Element | None, path: str) -> str | None:
    if el is None:
        return None
    found = el.find(path, _NS)
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


def import_orcid_xml(path: str | Path, text: str | None = None) -> ImportResult:
    """Read ORCID v3.0 XML (a ``record:record`` or ``activities:works`` or ``work:work``).
    DOCTYPE/ENTITY declarations are refused; nothing external is fetched."""
    p = Path(path)
    name = str(path)
    src = _read_text(p) if text is None else text
    m = re.search(r"<!(DOCTYPE|ENTITY)", src)
    if m:
        line = src[: m.start()].count("\n") + 1
        raise PublicationImportError(
            name, f"XML declares a {m.group(1)}; refused (entities are not resolved)", line=line
        )
    _check_nesting(name, _xml_steps(src))
    try:
        root = ET.fromstring(src)
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise PublicationImportError(name, f"not well-formed XML: {exc}", line=line) from exc

    owner: Author | None = None
    tag = root.tag
    if tag == f"{{{_NS['record']}}}record":
        orcid = normalise_orcid(
            _text(root, "common:orcid-identifier/common:path") or root.get("path")
        )
        pname = root.find("person:person/person:name", _NS)
        credit = _text(pname, "personal-details:credit-name")
        given = _text(pname, "personal-details:given-names") or ""
        family = _text(pname, "personal-details:family-name") or ""
        display = credit or " ".join(x for x in (given, family) if x)
        if display or orcid:
            owner = Author(name=display, orcid=orcid)
        works_el = root.find("activities:activities-summary/activities:works", _NS)
        work_els = [] if works_el is None else _xml_group_works(works_el)
    elif tag == f"{{{_NS['activities']}}}works":
        work_els = _xml_group_works(root)
    elif tag == f"{{{_NS['work']}}}work":
        work_els = [root]
    else:
        raise PublicationImportError(
            name, f"root element {tag!r} is not an ORCID v3.0 record, works or work"
        )
    if len(work_els) > MAX_ENTRIES:
        raise _too_many(name, len(work_els), "ORCID works")
    result = ImportResult()
    for w in work_els:
        put_code = w.get("put-code")
        pos = f"work put-code {put_code}" if put_code else "work without put-code"
        title = _text(w, "work:title/common:title")
        if not title:
            result.problems.append(ImportProblem(name, pos, "work has no title"))
            continue
        try:
            year = _year(_text(w, "common:publication-date/common:year"))
        except ValueError as exc:
            result.problems.append(ImportProblem(name, pos, str(exc)))
            year = None
        doi = None
        for ext in w.findall("common:external-ids/common:external-id", _NS):
            if (_text(ext, "common:external-id-type") or "").lower() == "doi":
                try:
                    doi = normalise_doi(_text(ext, "common:external-id-value"))
                except ValueError as exc:
                    result.problems.append(ImportProblem(name, pos, str(exc)))
                break
        authors: list[Author] = []
        for c in w.findall("work:contributors/work:contributor", _NS):
            cname = _clean(_text(c, "work:credit-name"))
            corcid = normalise_orcid(_text(c, "common:contributor-orcid/common:path"))
            if cname or corcid:
                authors.append(Author(name=cname, orcid=corcid))
        if owner is not None and not any(
            (owner.orcid and a.orcid == owner.orcid) or a.name == owner.name for a in authors
        ):
            authors.insert(0, owner)
        result.publications.append(
            _make(
                title=title,
                abstract=_text(w, "work:short-description") or "",
                year=year,
                doi=doi,
                authors=authors,
                venue=_text(w, "work:journal-title"),
                source=f"orcid:{p.name}#{put_code}",
            )
        )
    return result


def _xml_group_works(works_el: ET.Element) -> list[ET.Element]:
    out: list[ET.Element] = []
    for g in works_el.findall("activities:group", _NS):
        summaries = g.findall("work:work-summary", _NS)
        if summaries:
            out.append(summaries[0])  # the preferred version of a grouped work
    out.extend(works_el.findall("work:work", _NS))
    return out


# ---------------------------------------------------------------------- dispatch & merge
def import_file(path: str | Path) -> ImportResult:
    """Import by extension: .bib, .ris, .json (ORCID), .xml (ORCID)."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext in (".bib", ".bibtex"):
        return import_bibtex(p)
    if ext in (".ris", ".txt"):
        return import_ris(p)
    if ext == ".json":
        return import_orcid_json(p)
    if ext == ".xml":
        return import_orcid_xml(p)
    raise PublicationImportError(
        str(p), f"unknown file type {ext!r}; use .bib, .ris, .json (ORCID) or .xml (ORCID)"
    )


def _merge(group: Sequence[Publication]) -> Publication:
    best = max(group, key=lambda p: p.richness())  # max keeps the first of equals
    fills: dict[str, Any] = {}
    for f in fields(Publication):
        if f.name in ("source", "language"):
            continue
        if getattr(best, f.name) in (None, "", ()):
            for other in group:
                v = getattr(other, f.name)
                if v not in (None, "", ()):
                    fills[f.name] = v
                    break
    sources = [best.source] + [p.source for p in group if p is not best and p.source]
    merged = replace(best, **fills, source="; ".join(dict.fromkeys(s for s in sources if s)))
    return replace(merged, language=guess_language(merged.title, merged.abstract))


def merge_duplicates(publications: Sequence[Publication]) -> list[Publication]:
    """Merge records of the same work (same DOI; else same normalised title when at least one
    side has no DOI — two different DOIs are never merged). Order of first appearance kept."""
    parent = list(range(len(publications)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    def dois(i: int) -> set[str]:
        return doi_sets[find(i)]

    doi_sets: list[set[str]] = [{p.doi} if p.doi else set() for p in publications]

    def union(i: int, j: int) -> None:
        ri, rj = find(i), find(j)
        if ri == rj:
            return
        lo, hi = min(ri, rj), max(ri, rj)
        parent[hi] = lo
        doi_sets[lo] = doi_sets[lo] | doi_sets[hi]

    by_doi: dict[str, int] = {}
    for i, p in enumerate(publications):
        if p.doi:
            if p.doi in by_doi:
                union(by_doi[p.doi], i)
            else:
                by_doi[p.doi] = i
    by_title: dict[str, list[int]] = {}
    for i, p in enumerate(publications):
        t = normalise_title(p.title)
        if t:
            by_title.setdefault(t, []).append(i)
    # Same title: records without a DOI join the first record of that title in file order whose
    # group has a DOI (or, with none, each other). Linear: no pairwise comparison.
    for members in by_title.values():
        anchor = members[0]
        for i in members[1:]:
            if find(i) == find(anchor):
                continue
            da, di = dois(anchor), dois(i)
            if not da or not di or da == di:
                union(anchor, i)
    groups: dict[int, list[Publication]] = {}
    for i, p in enumerate(publications):
        groups.setdefault(find(i), []).append(p)
    return [_merge(groups[r]) for r in sorted(groups)]
