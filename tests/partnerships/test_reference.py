"""`accord load-reference`: the UK–ROK Accord, idempotent, updated in place, all-or-nothing."""

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command

from accord.common.models import AuditEntry
from accord.directory.models import Organisation
from accord.partnerships.models import Commitment, Instrument, Partnership
from accord.partnerships.services.reference import DEFAULT_FILE, ReferenceDataError, load_reference
from accord.programmes.models import Programme, ProgrammeFunder

pytestmark = pytest.mark.django_db


def _content():
    models = [Partnership, Instrument, Commitment, Organisation, Programme, ProgrammeFunder]
    return "".join(serializers.serialize("json", m.objects.order_by("pk")) for m in models)


def test_loads_the_seven_instruments_in_both_languages(reference):
    core = Instrument.objects.filter(core=True).order_by("number")
    assert [i.number for i in core] == [1, 2, 3, 4, 5, 6, 7]
    assert core[1].name_en == "Framework for Semiconductor Cooperation"
    assert core[1].name_ko == "반도체 협력 프레임워크"
    assert all(i.name_ko and i.summary_ko for i in core)
    assert Instrument.objects.filter(core=False).count() == 4


def test_programmes_have_a_funder_per_side_in_its_currency(reference):
    ica = Programme.objects.get(slug="uk-rok-ica")
    funders = {
        (f.organisation.slug, f.country, f.currency)
        for f in ica.funders.select_related("organisation")
    }
    assert funders == {("royal-society", "GB", "GBP"), ("nrf", "KR", "KRW")}
    assert str(ica.funders.get(country="GB").budget) == "4500000.00"
    iuk = Programme.objects.get(slug="iuk-kiat-innovation")
    assert str(iuk.funders.get(country="GB").budget) == "8000000.00"


def test_identifiers_are_loaded(reference):
    rs = Organisation.objects.get(slug="royal-society")
    assert (rs.ror_id, rs.funder_id) == ("03wnrjx87", "10.13039/501100000288")


def test_second_run_changes_nothing(reference):
    before = _content()
    audit_count = AuditEntry.objects.count()
    report = load_reference()
    assert (report.created, report.updated) == (0, 0)
    assert _content() == before
    assert AuditEntry.objects.count() == audit_count


def test_edited_file_updates_in_place_and_is_audited(reference):
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace(
        'name_ko = "한-영 양자 대화"', 'name_ko = "한-영 양자 기술 대화"'
    )
    pk = Instrument.objects.get(slug="quantum-dialogue").pk
    report = load_reference(text=text)
    assert (report.created, report.updated) == (0, 1)
    inst = Instrument.objects.get(slug="quantum-dialogue")
    assert (inst.pk, inst.name_ko) == (pk, "한-영 양자 기술 대화")
    entry = AuditEntry.objects.filter(object_id=str(pk), action="update").latest("id")
    assert (entry.before, entry.after) == (
        {"name_ko": "한-영 양자 대화"},
        {"name_ko": "한-영 양자 기술 대화"},
    )


def test_invalid_ror_names_the_record_and_changes_nothing(db):
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace(
        'ror_id = "05apxxy63"', 'ror_id = "05apxxy64"'
    )
    with pytest.raises(ReferenceDataError) as exc:
        load_reference(text=text)
    assert "organisations[9]" in str(exc.value)
    assert "ror_id" in str(exc.value)
    assert Organisation.objects.count() == 0
    assert AuditEntry.objects.count() == 0


def test_unknown_reference_names_the_field(db):
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace(
        'parties = ["dsit", "motie"]', 'parties = ["dsit", "motiee"]'
    )
    with pytest.raises(
        ReferenceDataError, match=r"instruments\[1\]\.parties: unknown organisation 'motiee'"
    ):
        load_reference(text=text)
    assert Instrument.objects.count() == 0


def test_misspelt_field_is_refused(db):
    text = DEFAULT_FILE.read_text(encoding="utf-8").replace(
        'short_name = "DSIT"', 'shortname = "DSIT"'
    )
    with pytest.raises(ReferenceDataError, match=r"organisations\[0\]: unknown field 'shortname'"):
        load_reference(text=text)


def test_malformed_toml_from_the_command(tmp_path, db):
    bad = tmp_path / "bad.toml"
    bad.write_text("[partnership\nkey=1", encoding="utf-8")
    with pytest.raises(CommandError, match=r"not valid TOML.*Nothing was changed"):
        call_command("load-reference", str(bad))
    assert Partnership.objects.count() == 0
