"""`accord load-reference`: load an accord (parties, instruments, commitments, programmes) from TOML.

One transaction: a file with any error changes nothing. Idempotent: records are matched by their
`key`; a value that did not change is not written and not audited, so a second run leaves the
database exactly as it was; an edited value is updated in place (and audited).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction

from accord.common.services.audit import save_with_audit, set_related_with_audit
from accord.directory.models import Organisation
from accord.partnerships.models import (
    Commitment,
    Instrument,
    Partnership,
    Signatory,
    TechnologyArea,
)
from accord.programmes.models import Programme, ProgrammeFunder

DEFAULT_FILE = Path(__file__).resolve().parent.parent / "data" / "uk_rok_accord.toml"


class ReferenceDataError(Exception):
    """The reference file is wrong; the message names the record, the field and the fix."""


@dataclass
class LoadReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    counts: dict[str, int] = field(default_factory=dict)

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1


SCHEMA: dict[str, dict[str, tuple[str, bool]]] = {
    # section -> field -> (type, required)
    "partnership": {
        "key": ("str", True),
        "name_en": ("str", True),
        "name_ko": ("str", True),
        "country_a": ("str", True),
        "country_b": ("str", True),
        "signed_on": ("date", False),
        "signed_at_en": ("str", False),
        "signed_at_ko": ("str", False),
        "summary_en": ("str", False),
        "summary_ko": ("str", False),
    },
    "signatories": {
        "key": ("str", True),
        "name_en": ("str", True),
        "name_ko": ("str", False),
        "office_en": ("str", True),
        "office_ko": ("str", False),
        "country": ("str", True),
        "organisation": ("ref", False),
    },
    "areas": {"key": ("str", True), "name_en": ("str", True), "name_ko": ("str", True)},
    "organisations": {
        "key": ("str", True),
        "name_en": ("str", True),
        "name_ko": ("str", False),
        "short_name": ("str", False),
        "country": ("str", True),
        "kind": ("str", True),
        "ror_id": ("str", False),
        "funder_id": ("str", False),
        "website": ("str", False),
        "parent": ("ref", False),
    },
    "instruments": {
        "key": ("str", True),
        "number": ("int", False),
        "core": ("bool", False),
        "kind": ("str", True),
        "name_en": ("str", True),
        "name_ko": ("str", True),
        "summary_en": ("str", True),
        "summary_ko": ("str", True),
        "signed_on": ("date", False),
        "parties": ("refs", False),
        "areas": ("refs", False),
        "commitments": ("list", False),
    },
    "commitments": {
        "key": ("str", True),
        "text_en": ("str", True),
        "text_ko": ("str", True),
        "owner": ("ref", False),
        "due": ("date", False),
        "status": ("str", False),
        "evidence": ("list", False),
        "areas": ("refs", False),
    },
    "programmes": {
        "key": ("str", True),
        "name_en": ("str", True),
        "name_ko": ("str", True),
        "summary_en": ("str", False),
        "summary_ko": ("str", False),
        "fund_en": ("str", False),
        "fund_ko": ("str", False),
        "instruments": ("refs", False),
        "commitments": ("refs", False),
        "areas": ("refs", False),
        "duration_months_min": ("int", False),
        "duration_months_max": ("int", False),
        "funders": ("list", True),
    },
    "funders": {
        "organisation": ("ref", True),
        "country": ("str", True),
        "currency": ("str", True),
        "budget": ("decimal", False),
        "budget_note_en": ("str", False),
        "budget_note_ko": ("str", False),
    },
}
_TYPES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "ref": (str,),
    "int": (int,),
    "bool": (bool,),
    "date": (dt.date,),
    "list": (list,),
    "refs": (list,),
    "decimal": (str, int),
}


def _check(section: str, where: str, record: Any) -> dict[str, Any]:
    if not isinstance(record, Mapping):
        raise ReferenceDataError(
            f"{where}: expected a table of fields, got {type(record).__name__}."
        )
    spec = SCHEMA[section]
    for name in record:
        if name not in spec:
            raise ReferenceDataError(
                f"{where}: unknown field {name!r}. Allowed fields: {', '.join(spec)}."
            )
    for name, (kind, required) in spec.items():
        if name not in record:
            if required:
                raise ReferenceDataError(f"{where}: the field {name!r} is missing; add it.")
            continue
        value = record[name]
        if (isinstance(value, bool) and kind == "int") or not isinstance(value, _TYPES[kind]):
            raise ReferenceDataError(f"{where}.{name}: expected {kind}, got {value!r}.")
        if kind == "decimal":
            try:
                Decimal(str(value))
            except InvalidOperation as exc:
                raise ReferenceDataError(
                    f'{where}.{name}: {value!r} is not a number; write it like "4500000".'
                ) from exc
    return dict(record)


class _Loader:
    def __init__(self, data: Mapping[str, Any], actor: Any) -> None:
        self.data = data
        self.actor = actor
        self.report = LoadReport()
        self.areas: dict[str, TechnologyArea] = {}
        self.orgs: dict[str, Organisation] = {}
        self.instruments: dict[str, Instrument] = {}
        self.commitments: dict[str, Commitment] = {}

    # -- helpers -------------------------------------------------------------------------
    def _ref(self, table: Mapping[str, models.Model], key: str, where: str, what: str) -> Any:
        try:
            return table[key]
        except KeyError:
            raise ReferenceDataError(
                f"{where}: unknown {what} {key!r}. Define it in the {what} list first, or fix the key."
            ) from None

    def _save(self, instance: models.Model, values: dict[str, Any], where: str, kind: str) -> Any:
        creating = instance.pk is None
        try:
            obj, written = save_with_audit(
                instance, actor=self.actor, values=values, reason="load-reference"
            )
        except ValidationError as exc:
            details = "; ".join(
                f"{name}: {' '.join(str(m) for m in msgs)}"
                for name, msgs in exc.message_dict.items()
            )
            raise ReferenceDataError(f"{where}: {details}") from exc
        if creating:
            self.report.created += 1
        elif written:
            self.report.updated += 1
        else:
            self.report.unchanged += 1
        self.report.count(kind)
        return obj

    def _m2m(self, obj: models.Model, field_name: str, objects: list[models.Model]) -> None:
        if set_related_with_audit(
            obj, field=field_name, objects=objects, actor=self.actor, reason="load-reference"
        ):
            self.report.updated += 1

    def _records(self, section: str, key: str | None = None) -> list[tuple[str, dict[str, Any]]]:
        raw = self.data.get(key or section, [])
        if not isinstance(raw, list):
            raise ReferenceDataError(
                f"{key or section}: expected a list of tables ([[{key or section}]])."
            )
        return [
            (f"{key or section}[{i}]", _check(section, f"{key or section}[{i}]", r))
            for i, r in enumerate(raw)
        ]

    # -- sections ------------------------------------------------------------------------
    def run(self) -> LoadReport:
        for where, rec in self._records("areas"):
            obj = TechnologyArea.objects.filter(slug=rec["key"]).first() or TechnologyArea(
                slug=rec["key"]
            )
            order = int(where.split("[")[1].rstrip("]"))
            self.areas[rec["key"]] = self._save(
                obj,
                {"name_en": rec["name_en"], "name_ko": rec["name_ko"], "order": order},
                where,
                "areas",
            )
        org_records = self._records("organisations")
        for where, rec in org_records:
            obj = Organisation.objects.filter(slug=rec["key"]).first() or Organisation(
                slug=rec["key"]
            )
            values = {
                k: rec.get(k, "")
                for k in (
                    "name_en",
                    "name_ko",
                    "short_name",
                    "country",
                    "kind",
                    "ror_id",
                    "funder_id",
                    "website",
                )
            }
            self.orgs[rec["key"]] = self._save(obj, values, where, "organisations")
        for where, rec in org_records:  # parents after every organisation exists
            parent = (
                self._ref(self.orgs, rec["parent"], f"{where}.parent", "organisation")
                if rec.get("parent")
                else None
            )
            self._save(self.orgs[rec["key"]], {"parent": parent}, where, "organisation parents")

        if "partnership" not in self.data:
            raise ReferenceDataError("The file has no [partnership] table; add one.")
        prec = _check("partnership", "partnership", self.data["partnership"])
        partnership = Partnership.objects.filter(slug=prec["key"]).first() or Partnership(
            slug=prec["key"]
        )
        pvalues = {
            k: prec.get(k, "" if k != "signed_on" else None)
            for k in SCHEMA["partnership"]
            if k != "key"
        }
        partnership = self._save(partnership, pvalues, "partnership", "partnerships")

        for where, rec in self._records("signatories"):
            obj = Signatory.objects.filter(
                partnership=partnership, slug=rec["key"]
            ).first() or Signatory(partnership=partnership, slug=rec["key"])
            org = (
                self._ref(self.orgs, rec["organisation"], f"{where}.organisation", "organisation")
                if rec.get("organisation")
                else None
            )
            values = {
                k: rec.get(k, "")
                for k in ("name_en", "name_ko", "office_en", "office_ko", "country")
            }
            self._save(obj, {**values, "organisation": org}, where, "signatories")

        for where, rec in self._records("instruments"):
            obj = Instrument.objects.filter(slug=rec["key"]).first() or Instrument(slug=rec["key"])
            values = {
                "partnership": partnership,
                "number": rec.get("number"),
                "core": rec.get("core", True),
                "kind": rec["kind"],
                "signed_on": rec.get("signed_on"),
                **{k: rec[k] for k in ("name_en", "name_ko", "summary_en", "summary_ko")},
            }
            inst = self.instruments[rec["key"]] = self._save(obj, values, where, "instruments")
            self._m2m(
                inst,
                "parties",
                [
                    self._ref(self.orgs, k, f"{where}.parties", "organisation")
                    for k in rec.get("parties", [])
                ],
            )
            self._m2m(
                inst,
                "areas",
                [self._ref(self.areas, k, f"{where}.areas", "area") for k in rec.get("areas", [])],
            )
            for j, crec in enumerate(rec.get("commitments", [])):
                cwhere = f"{where}.commitments[{j}]"
                crec = _check("commitments", cwhere, crec)
                cobj = Commitment.objects.filter(slug=crec["key"]).first() or Commitment(
                    slug=crec["key"]
                )
                owner = (
                    self._ref(self.orgs, crec["owner"], f"{cwhere}.owner", "organisation")
                    if crec.get("owner")
                    else None
                )
                evidence = [{k: str(v) for k, v in e.items()} for e in crec.get("evidence", [])]
                cvalues = {
                    "instrument": inst,
                    "text_en": crec["text_en"],
                    "text_ko": crec["text_ko"],
                    "owner": owner,
                    "due": crec.get("due"),
                    "status": crec.get("status", "planned"),
                    "evidence": evidence,
                }
                com = self.commitments[crec["key"]] = self._save(
                    cobj, cvalues, cwhere, "commitments"
                )
                self._m2m(
                    com,
                    "areas",
                    [
                        self._ref(self.areas, k, f"{cwhere}.areas", "area")
                        for k in crec.get("areas", [])
                    ],
                )

        for where, rec in self._records("programmes"):
            obj = Programme.objects.filter(slug=rec["key"]).first() or Programme(slug=rec["key"])
            values = {
                k: rec.get(k, "")
                for k in ("name_en", "name_ko", "summary_en", "summary_ko", "fund_en", "fund_ko")
            }
            values |= {k: rec.get(k) for k in ("duration_months_min", "duration_months_max")}
            prog = self._save(obj, {**values, "partnership": partnership}, where, "programmes")
            self._m2m(
                prog,
                "instruments",
                [
                    self._ref(self.instruments, k, f"{where}.instruments", "instrument")
                    for k in rec.get("instruments", [])
                ],
            )
            self._m2m(
                prog,
                "commitments",
                [
                    self._ref(self.commitments, k, f"{where}.commitments", "commitment")
                    for k in rec.get("commitments", [])
                ],
            )
            self._m2m(
                prog,
                "areas",
                [self._ref(self.areas, k, f"{where}.areas", "area") for k in rec.get("areas", [])],
            )
            for j, frec in enumerate(rec["funders"]):
                fwhere = f"{where}.funders[{j}]"
                frec = _check("funders", fwhere, frec)
                org = self._ref(
                    self.orgs, frec["organisation"], f"{fwhere}.organisation", "organisation"
                )
                fobj = ProgrammeFunder.objects.filter(
                    programme=prog, organisation=org
                ).first() or ProgrammeFunder(programme=prog, organisation=org)
                budget = (
                    Decimal(str(frec["budget"])).quantize(Decimal("0.01"))
                    if "budget" in frec
                    else None
                )
                fvalues = {
                    "country": frec["country"],
                    "currency": frec["currency"],
                    "budget": budget,
                    "budget_note_en": frec.get("budget_note_en", ""),
                    "budget_note_ko": frec.get("budget_note_ko", ""),
                }
                self._save(fobj, fvalues, fwhere, "programme funders")
        return self.report


def load_reference(
    *, path: Path | None = None, text: str | None = None, actor: Any = None
) -> LoadReport:
    """Load (or update) the reference data in one transaction; raise ReferenceDataError on any fault."""
    source = path or DEFAULT_FILE
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise ReferenceDataError(f"Cannot read {source}: {exc.strerror}.") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ReferenceDataError(
            f"{source} is not valid TOML: {exc}. Fix the file at that line."
        ) from exc
    with transaction.atomic():
        return _Loader(data, actor).run()
