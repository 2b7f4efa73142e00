"""Tests for accord.core.pubimport: BibTeX, RIS and ORCID importers and duplicate merging."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from accord.core.pubimport import (
    Author,
    ImportProblem,
    Publication,
    PublicationImportError,
    guess_language,
    import_bibtex,
    import_file,
    import_orcid_json,
    import_orcid_xml,
    import_ris,
    merge_duplicates,
    normalise_doi,
    normalise_orcid,
    normalise_title,
)

DATA = Path(__file__).parent / "data" / "pubs"
QKD_DOI = "10.1038/s41566-021-00001-x"


def test_bibtex_sample_imports_good_entries_with_exact_fields() -> None:
    path = DATA / "sample.bib"
    result = import_bibtex(path)
    assert result.publications == [
        Publication(
            title="Photonic Integrated Circuits for Quantum Key Distribution",
            abstract="We demonstrate a chip-scale transmitter for quantum key distribution "
            "between two metropolitan nodes.",
            year=2021,
            language="en",
            doi=QKD_DOI,
            authors=(Author("Kim, Min-jun"), Author("Smith, Jane A."), Author("Park, Ji-woo")),
            venue="Nature Photonics",
            source="bibtex:sample.bib#kim2021photonic",
        ),
        Publication(
            title="반도체 공정 데이터를 이용한 결함 예측",
            abstract="반도체 공정 데이터로 웨이퍼 결함을 예측하는 모델을 제안한다.",
            year=2022,
            language="ko",
            doi=None,
            authors=(Author("김민준"), Author("이서연")),
            venue="한국반도체학술대회",
            source="bibtex:sample.bib#kim2022semi",
        ),
        Publication(
            title="Schrödinger Bridges for Generative Modelling",
            abstract="",
            year=2019,
            language="en",
            doi="10.5555/jmlr.2019.42",
            authors=(Author("Müller, Jérôme"), Author("Kim, M.")),
            venue="Journal of Machine Learning Research",
            source="bibtex:sample.bib#muller2019",
        ),
        Publication(
            title="Satellite Telemetry Compression",
            abstract="",
            year=None,
            language="en",
            doi=None,
            authors=(Author("Brown, Tom"),),
            venue=None,
            source="bibtex:sample.bib#badyear",
        ),
    ]


def test_bibtex_broken_entries_are_reported_with_their_line() -> None:
    path = DATA / "sample.bib"
    problems = import_bibtex(path).problems
    f = str(path)
    assert problems == [
        ImportProblem(
            f,
            "line 27",
            "entry could not be parsed (unbalanced braces or missing comma?): "
            "'@article{broken2020,'",
        ),
        ImportProblem(f, "line 32", "entry has no title", key="notitle2020"),
        ImportProblem(
            f,
            "line 37",
            "duplicate entry key 'kim2021photonic'; the first entry with this key was kept",
            key="kim2021photonic",
        ),
        ImportProblem(f, "line 42", "year 'forthcoming' has no four-digit year", key="badyear"),
        ImportProblem(f, "line 42", "DOI 'not-a-doi' does not start with '10.'", key="badyear"),
    ]
    assert str(problems[1]) == f"{f}, line 32 [notitle2020]: entry has no title"


def test_ris_sample_imports_with_exact_fields_and_reports_the_record_without_title() -> None:
    path = DATA / "sample.ris"
    result = import_ris(path)
    assert result.publications == [
        Publication(
            title="Photonic integrated circuits for quantum key distribution",
            year=2021,
            language="en",
            doi=QKD_DOI,
            authors=(Author("Kim, Min-jun"), Author("Smith, Jane A."), Author("Park, Ji-woo")),
            venue="Nature Photonics",
            source="ris:sample.ris#1",
        ),
        Publication(
            title="양자 센서를 이용한 자기장 측정",
            abstract="다이아몬드 NV 센터 기반 양자 센서로 미세 자기장을 측정하였다. "
            "측정 감도는 기존 대비 열 배 향상되었다.",
            year=2023,
            language="ko",
            doi="10.3938/npsm.2023.77",
            authors=(Author("박지우"), Author("김 민준")),
            venue="한국물리학회지",
            source="ris:sample.ris#2",
        ),
        Publication(
            title="Engineering biology foundries: a UK–Korea comparison",
            abstract="We compare twelve biofoundries in the UK and Korea.",
            year=2024,
            language="en",
            authors=(Author("Evans, Rhys"), Author("Lee, Seo-yeon")),
            venue="SynBio UK 2024",
            source="ris:sample.ris#4",
        ),
    ]
    assert result.problems == [
        ImportProblem(str(path), "entry 3 (line 23)", "record has no title (TI/T1)", key="ris3")
    ]


def test_ris_record_without_end_tag_is_reported_and_the_rest_imported(tmp_path: Path) -> None:
    path = tmp_path / "cut.ris"
    path.write_text(
        "TY  - JOUR\nTI  - First\nPY  - 2020\n\nTY  - JOUR\nTI  - Second\nPY  - 2021\nER  - \n",
        encoding="utf-8",
    )
    result = import_ris(path)
    assert [p.title for p in result.publications] == ["First", "Second"]
    assert result.problems == [ImportProblem(str(path), "line 1", "record has no 'ER  -' end tag")]


def test_orcid_json_record_imports_preferred_versions_with_owner_as_author() -> None:
    path = DATA / "orcid_record.json"
    result = import_orcid_json(path)
    owner = Author("Min-jun Kim", orcid="0000-0002-1825-0097")
    assert result.publications == [
        Publication(
            title="Photonic integrated circuits for quantum key distribution",
            year=2021,
            language="en",
            doi=QKD_DOI,
            authors=(owner,),
            venue="Nature Photonics",
            source="orcid:orcid_record.json#101",
        ),
        Publication(
            title="차세대 통신망을 위한 양자 암호 기술",
            year=2024,
            language="ko",
            authors=(owner,),
            venue="한국통신학회논문지",
            source="orcid:orcid_record.json#103",
        ),
    ]
    assert result.problems == [ImportProblem(str(path), "work put-code 104", "work has no title")]


def test_orcid_xml_record_and_work_import_with_exact_fields() -> None:
    rec = import_orcid_xml(DATA / "orcid_record.xml")
    owner = Author("Jane A. Smith", orcid="0000-0001-5109-3700")
    assert [(p.title, p.year, p.doi, p.venue, p.authors) for p in rec.publications] == [
        (
            "Photonic Integrated Circuits for Quantum Key Distribution",
            2021,
            QKD_DOI,
            "Nature Photonics",
            (owner,),
        ),
        ("Secure telemetry for small satellites", 2017, None, "UK Space Conference", (owner,)),
        ("Telecoms policy after 5G", None, None, None, (owner,)),
    ]
    assert rec.problems == [
        ImportProblem(
            str(DATA / "orcid_record.xml"),
            "work put-code 203",
            "year 'circa' has no four-digit year",
        )
    ]
    work = import_orcid_xml(DATA / "orcid_work.xml")
    assert work.publications == [
        Publication(
            title="Quantum-safe networks between London and Daejeon",
            abstract="We report a 12-month trial of post-quantum key exchange over an "
            "intercontinental research network.",
            year=2025,
            language="en",
            doi="10.1109/mcom.2025.000123",
            authors=(owner, Author("민준 김")),
            venue="IEEE Communications Magazine",
            source="orcid:orcid_work.xml#301",
        )
    ]
    assert work.problems == []


def test_xml_with_entity_declarations_is_refused() -> None:
    with pytest.raises(PublicationImportError) as info:
        import_orcid_xml(DATA / "evil.xml")
    assert str(info.value) == (
        f"{DATA / 'evil.xml'}, line 2: XML declares a DOCTYPE; refused (entities are not resolved)"
    )


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.json", '{"group": [\n  {"work-summary": [}\n]}', ", line 2: not valid JSON"),
        ("b.json", '{"name": "not orcid"}', ": no ORCID works found"),
        ("c.xml", "<record><unclosed></record>", ", line 1: not well-formed XML"),
        ("d.xml", "<html/>", ": root element 'html' is not an ORCID v3.0"),
        ("e.bib", "just some text", ": no BibTeX entries"),
        ("f.ris", "TI  - no type line\n", ": no RIS records"),
        ("g.csv", "a,b", ": unknown file type '.csv'"),
    ],
)
def test_files_that_cannot_be_read_raise_naming_the_file(
    tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PublicationImportError) as info:
        import_file(path)
    assert str(info.value).startswith(f"{path}{message}")


def test_non_utf8_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.bib"
    path.write_bytes(b"@article{x,\n title={Caf\xe9}}\n")
    with pytest.raises(PublicationImportError) as info:
        import_file(path)
    assert str(info.value) == f"{path}, line 2: not UTF-8 (byte 23); re-save the file as UTF-8"


def test_duplicates_across_files_merge_by_doi_then_title_keeping_the_richer_record() -> None:
    pubs = (
        import_file(DATA / "orcid_record.json").publications
        + import_file(DATA / "sample.ris").publications
        + import_file(DATA / "sample.bib").publications
        + import_file(DATA / "orcid_record.xml").publications
    )
    merged = merge_duplicates(pubs)
    qkd = [p for p in merged if p.doi == QKD_DOI]
    assert len(qkd) == 1
    # The BibTeX record has the abstract, so it is the base; sources list every record.
    assert qkd[0].title == "Photonic Integrated Circuits for Quantum Key Distribution"
    assert qkd[0].abstract.startswith("We demonstrate a chip-scale transmitter")
    assert qkd[0].source == (
        "bibtex:sample.bib#kim2021photonic; orcid:orcid_record.json#101; ris:sample.ris#1; "
        "orcid:orcid_record.xml#201"
    )
    assert len(merged) == len(pubs) - 3


def test_merge_by_title_fills_missing_fields_and_never_merges_two_dois() -> None:
    a = Publication(title="Quantum Sensing: A Review", year=2020, source="a")
    b = Publication(
        title="quantum sensing — a review",
        abstract="Long abstract.",
        doi="10.1/x",
        venue="Rev. Mod. Phys.",
        source="b",
    )
    c = Publication(title="Quantum sensing: a review", doi="10.1/y", source="c")
    merged = merge_duplicates([a, b, c])
    assert merged == [
        Publication(
            title="quantum sensing — a review",
            abstract="Long abstract.",
            year=2020,
            doi="10.1/x",
            venue="Rev. Mod. Phys.",
            source="b; a",
        ),
        c,
    ]


def test_title_language_doi_and_orcid_normalisation() -> None:
    assert normalise_title("  Ｑｕａｎｔｕｍ  Sensing: a Review! ") == "quantumsensingareview"
    assert normalise_title("양자 센서를 이용한 측정.") == "양자센서를이용한측정"
    assert guess_language("Quantum 양자") == "ko"
    assert guess_language("Quantum", None, "") == "en"
    assert normalise_doi(" https://doi.org/10.1000/ABC ") == "10.1000/abc"
    assert normalise_doi("http://dx.doi.org/10.1000/X") == "10.1000/x"
    assert normalise_doi("doi:10.1000/Y") == "10.1000/y"
    assert normalise_doi("") is None
    with pytest.raises(ValueError, match=r"does not start with '10\.'"):
        normalise_doi("11.2/x")
    assert normalise_orcid("https://orcid.org/0000-0002-1694-233x") == "0000-0002-1694-233X"
    assert normalise_orcid("nope") is None


def test_importing_pubimport_does_not_import_django() -> None:
    code = "import sys, accord.core.pubimport; print('django' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
