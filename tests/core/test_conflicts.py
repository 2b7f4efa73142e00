"""Tests for accord.core.conflicts: conflict-of-interest detection."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import numpy as np
import pytest

from accord.core.conflicts import (
    Application,
    ConflictConfig,
    ConflictInputError,
    ConflictType,
    DeclaredRelation,
    NameKeys,
    Person,
    RelationKind,
    Scope,
    Severity,
    TeamMember,
    detect_conflicts,
    name_keys,
)
from accord.core.pubimport import Author, Publication

REF = date(2025, 6, 1)

# Applicants: a UK lead at Imperial (org 10) and a Korean lead at KAIST (org 20, EE dept).
UK_LEAD = Person(1, "Jane A. Smith", "", "0000-0001-5109-3700", 10, "Physics", "GB")
KR_LEAD = Person(
    2, "Min-jun Kim", "김민준", "0000-0002-1825-0097", 20, "Electrical Engineering", "KR"
)
KR_COI = Person(3, "Seo-yeon Lee", "이서연", None, 21, None, "KR")
APP = Application(
    id="A1",
    team=(TeamMember(1, "lead (GB)"), TeamMember(2, "lead (KR)"), TeamMember(3, "co-investigator")),
)


def run(
    reviewers: list[Person],
    *,
    publications: tuple[Publication, ...] = (),
    relations: tuple[DeclaredRelation, ...] = (),
    applications: tuple[Application, ...] = (APP,),
    config: ConflictConfig | None = None,
) -> list[tuple[object, object, ConflictType, Severity]]:
    report = detect_conflicts(
        reviewers=reviewers,
        applications=applications,
        people=[UK_LEAD, KR_LEAD, KR_COI],
        publications=publications,
        relations=relations,
        reference_date=REF,
        config=config,
    )
    return [(c.reviewer_id, c.application_id, c.type, c.severity) for c in report.conflicts]


# ---------------------------------------------------------------- names
@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim, Min-jun", "Min-jun Kim"),
        ("Kim, Min-jun", "Kim Minjun"),
        ("KIM, MIN JUN", "Min-Jun Kim"),
        ("Müller, Jérôme", "Jerome Muller"),
        ("Smith, Jane A.", "Jane Smith"),
        ("김 민준", "김민준"),
        ("민준 김", "김민준"),
    ],
)
def test_name_variants_share_a_full_key(a: str, b: str) -> None:
    assert name_keys(a).full & name_keys(b).full


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Kim, Min-jun", "Kim, Min-ho"),
        ("Jane Smith", "John Smith"),
        ("김민준", "김민수"),
        ("김민준", "Min-jun Kim"),  # different scripts never share a key; a person carries both
    ],
)
def test_different_names_do_not_share_a_full_key(a: str, b: str) -> None:
    assert not (name_keys(a).full & name_keys(b).full)


def test_initials_give_only_the_weak_key() -> None:
    assert name_keys("Kim, M.-J.") == NameKeys(frozenset(), frozenset({"kim|m"}))
    assert name_keys("M. Kim") == NameKeys(frozenset(), frozenset({"kim|m"}))
    assert name_keys("Kim, Min-jun").initials == frozenset({"kim|m"})


# ---------------------------------------------------------------- (e) named on application
def test_reviewer_on_the_team_by_id_or_by_orcid_is_hard() -> None:
    same_record = UK_LEAD
    duplicate_record = Person(99, "J. Smith", "", "https://orcid.org/0000-0001-5109-3700", 30)
    report = detect_conflicts(
        reviewers=[same_record, duplicate_record],
        applications=[APP],
        people=[UK_LEAD, KR_LEAD, KR_COI],
        reference_date=REF,
    )
    assert [(c.reviewer_id, c.type, c.severity, c.rules) for c in report.conflicts] == [
        (1, ConflictType.NAMED_ON_APPLICATION, Severity.HARD, ("UK1", "KR1")),
        (99, ConflictType.NAMED_ON_APPLICATION, Severity.HARD, ("UK1", "KR1")),
    ]
    assert report.conflicts[1].evidence == {
        "member_id": 1,
        "role": "lead (GB)",
        "matched_by": "orcid",
    }
    assert report.conflicts[1].source == "application:team"
    assert report.hard.tolist() == [[True, True]]


# ---------------------------------------------------------------- (a) same organisation
def test_uk_reviewer_same_organisation_other_department_is_hard() -> None:
    r = Person(50, "Tom Brown", "", None, 10, "Chemistry", "GB")
    assert run([r]) == [(50, "A1", ConflictType.SAME_ORGANISATION, Severity.HARD)]


def test_korean_reviewer_department_scope() -> None:
    same_dept = Person(60, "Ji-woo Park", "박지우", None, 20, " electrical  engineering", "KR")
    other_dept = Person(61, "Ha-eun Choi", "최하은", None, 20, "Mathematics", "KR")
    unknown_dept = Person(62, "Do-yun Jung", "정도윤", None, 20, None, "KR")
    assert run([same_dept, other_dept, unknown_dept]) == [
        (60, "A1", ConflictType.SAME_ORGANISATION, Severity.HARD),
        (61, "A1", ConflictType.SAME_ORGANISATION, Severity.DECLARE),
        (62, "A1", ConflictType.SAME_ORGANISATION, Severity.HARD),
    ]


def test_same_org_scope_is_a_setting() -> None:
    other_dept = Person(61, "Ha-eun Choi", "최하은", None, 20, "Mathematics", "KR")
    org_scope = ConflictConfig(same_org_scope={"KR": Scope.ORGANISATION})
    assert run([other_dept], config=org_scope) == [
        (61, "A1", ConflictType.SAME_ORGANISATION, Severity.HARD)
    ]
    uk_dept = Person(51, "Tom Brown", "", None, 10, "Chemistry", "GB")
    dept_scope = ConflictConfig(same_org_scope={"GB": Scope.DEPARTMENT})
    assert run([uk_dept], config=dept_scope) == [
        (51, "A1", ConflictType.SAME_ORGANISATION, Severity.DECLARE)
    ]


def test_korean_reviewer_in_department_of_korean_co_applicant_is_blocked() -> None:
    # domain.md §8 example: union of rules across both sides of a joint application.
    r = Person(63, "Yu-na Han", "한유나", None, 21, "Biology", "KR")
    member = Person(3, "Seo-yeon Lee", "이서연", None, 21, "Biology", "KR")
    report = detect_conflicts(
        reviewers=[r], applications=[APP], people=[UK_LEAD, KR_LEAD, member], reference_date=REF
    )
    assert [(c.type, c.severity) for c in report.conflicts] == [
        (ConflictType.SAME_ORGANISATION, Severity.HARD)
    ]
    assert report.conflicts[0].sentence == (
        "Reviewer Yu-na Han / 한유나 (63) works in the same department (Biology) of "
        "organisation 21 as co-investigator Seo-yeon Lee / 이서연 (3) on application A1."
    )


def test_host_or_partner_organisation_named_on_the_application_counts() -> None:
    app = Application("A2", team=(TeamMember(1, "lead (GB)"),), organisation_ids=(77,))
    r = Person(70, "Ali Khan", "", None, 77, "Anything", "KR")
    assert run([r], applications=(app,)) == [
        (70, "A2", ConflictType.SAME_ORGANISATION, Severity.HARD)
    ]


# ---------------------------------------------------------------- (b) co-authorship
def pub(year: int, *authors: Author, title: str = "Joint paper") -> Publication:
    return Publication(title=title, year=year, authors=authors, source=f"test#{year}")


REVIEWER = Person(80, "Rhys Evans", "", "0000-0003-0000-0001", 40, "Biology", "GB")


@pytest.mark.parametrize(("year", "expected"), [(2020, True), (2019, False)])
def test_coauthorship_window_is_five_years_inclusive(year: int, expected: bool) -> None:
    p = pub(year, Author("Evans, Rhys"), Author("Smith, Jane A."))
    got = run([REVIEWER], publications=(p,))
    assert got == ([(80, "A1", ConflictType.COAUTHOR, Severity.HARD)] if expected else [])


def test_coauthorship_window_is_a_setting() -> None:
    p = pub(2019, Author("Evans, Rhys"), Author("Smith, Jane A."))
    cfg = ConflictConfig(coauthor_window_years=6)
    assert run([REVIEWER], publications=(p,), config=cfg) == [
        (80, "A1", ConflictType.COAUTHOR, Severity.HARD)
    ]


def test_orcid_match_beats_a_name_mismatch() -> None:
    # Author string is in Korean order with initials, but the ORCID is the lead's.
    p = pub(2023, Author("R. Evans"), Author("Kim M", orcid="0000-0002-1825-0097"))
    assert run([REVIEWER], publications=(p,)) == [
        (80, "A1", ConflictType.COAUTHOR, Severity.DECLARE)  # reviewer matched by initials
    ]
    p2 = pub(
        2023,
        Author("Someone Else", orcid="0000-0003-0000-0001"),
        Author("X", orcid="0000-0002-1825-0097"),
    )
    report = detect_conflicts(
        reviewers=[REVIEWER],
        applications=[APP],
        people=[UK_LEAD, KR_LEAD, KR_COI],
        publications=[p2],
        reference_date=REF,
    )
    assert [(c.type, c.severity) for c in report.conflicts] == [
        (ConflictType.COAUTHOR, Severity.HARD)
    ]
    assert report.conflicts[0].evidence["publications"] == [
        {
            "title": "Joint paper",
            "year": 2023,
            "doi": None,
            "member_matched_by": "orcid",
            "reviewer_matched_by": "orcid",
        }
    ]


def test_a_different_orcid_overrides_a_matching_name() -> None:
    namesake = Author("Min-jun Kim", orcid="0000-0009-9999-9999")  # another Min-jun Kim
    p = pub(2023, Author("Rhys Evans"), namesake)
    assert run([REVIEWER], publications=(p,)) == []


def test_coauthor_matched_in_hangul_with_spaces() -> None:
    kr_reviewer = Person(81, "Ji-woo Park", "박지우", None, 41, "Physics", "KR")
    p = pub(2023, Author("박지우"), Author("김 민준"), title="양자 센서를 이용한 자기장 측정")
    report = detect_conflicts(
        reviewers=[kr_reviewer],
        applications=[APP],
        people=[UK_LEAD, KR_LEAD, KR_COI],
        publications=[p],
        reference_date=REF,
    )
    assert [(c.reviewer_id, c.type, c.severity) for c in report.conflicts] == [
        (81, ConflictType.COAUTHOR, Severity.HARD)
    ]
    assert report.conflicts[0].sentence == (
        "Reviewer Ji-woo Park / 박지우 (81) co-authored “양자 센서를 이용한 자기장 측정” (2023) "
        "with lead (KR) Min-jun Kim / 김민준 (2) on application A1, within 5 years of 2025-06-01."
    )
    assert report.conflicts[0].source == "publications:test#2023"


def test_known_author_links_are_used() -> None:
    p = pub(2024, Author("Anonymous"), Author("Unknown"))
    report = detect_conflicts(
        reviewers=[REVIEWER],
        applications=[APP],
        people=[UK_LEAD, KR_LEAD, KR_COI],
        publications=[p],
        reference_date=REF,
        known_authors={0: [80, 3]},
    )
    assert [(c.type, c.evidence["member_id"]) for c in report.conflicts] == [
        (ConflictType.COAUTHOR, 3)
    ]


# ---------------------------------------------------------------- (c) declared relations
@pytest.mark.parametrize(
    ("ended", "fellowship", "expected"),
    [
        (date(2020, 6, 1), False, True),  # exactly 5 years before
        (date(2019, 6, 1), False, False),  # 6 years
        (date(2020, 5, 31), False, False),  # 5 years and a day
        (date(2015, 6, 1), True, True),  # fellowship: exactly 10 years
        (date(2014, 6, 1), True, False),  # fellowship: 11 years
        (None, False, True),  # ongoing
    ],
)
def test_supervision_window(ended: date | None, fellowship: bool, expected: bool) -> None:
    rel = DeclaredRelation(80, 2, RelationKind.SUPERVISION, ended=ended, source="ORCID education")
    cfg = ConflictConfig(fellowship_scheme=fellowship)
    got = run([REVIEWER], relations=(rel,), config=cfg)
    assert got == ([(80, "A1", ConflictType.SUPERVISION, Severity.HARD)] if expected else [])


def test_family_and_household_have_no_window_and_collaborator_has_five_years() -> None:
    rels = (
        DeclaredRelation(80, 1, RelationKind.FAMILY, ended=date(1990, 1, 1)),
        DeclaredRelation(80, 2, RelationKind.HOUSEHOLD),
        DeclaredRelation(80, 3, RelationKind.CLOSE_COLLABORATOR, ended=date(2019, 6, 1)),
    )
    assert run([REVIEWER], relations=rels) == [
        (80, "A1", ConflictType.FAMILY, Severity.HARD),
        (80, "A1", ConflictType.HOUSEHOLD, Severity.HARD),
    ]
    rels2 = (DeclaredRelation(3, 80, RelationKind.CLOSE_COLLABORATOR, ended=date(2020, 6, 1)),)
    assert run([REVIEWER], relations=rels2) == [
        (80, "A1", ConflictType.CLOSE_COLLABORATOR, Severity.HARD)
    ]


# ---------------------------------------------------------------- (d) named by applicants
def test_people_and_organisations_named_by_applicants() -> None:
    app = Application(
        "A3",
        team=(TeamMember(1, "lead (GB)"),),
        named_conflict_people=(80,),
        named_conflict_organisations=(41,),
        supporter_ids=(82,),
    )
    r81 = Person(81, "Ji-woo Park", "박지우", None, 41, "Physics", "KR")
    r82 = Person(82, "Anna Jones", "", None, 42, "Physics", "GB")
    assert run([REVIEWER, r81, r82], applications=(app,)) == [
        (80, "A3", ConflictType.NAMED_BY_APPLICANT, Severity.HARD),
        (81, "A3", ConflictType.NAMED_BY_APPLICANT, Severity.HARD),
        (82, "A3", ConflictType.LETTER_OF_SUPPORT, Severity.HARD),
    ]
    soft = ConflictConfig(applicant_named_severity=Severity.DECLARE)
    assert run([REVIEWER], applications=(app,), config=soft) == [
        (80, "A3", ConflictType.NAMED_BY_APPLICANT, Severity.DECLARE)
    ]


# ---------------------------------------------------------------- matrix and config
def test_matrix_orientation_is_applications_by_reviewers() -> None:
    app2 = Application("A2", team=(TeamMember(3, "lead (KR)"),))
    uk_same_org = Person(50, "Tom Brown", "", None, 10, "Chemistry", "GB")
    kr_other_dept = Person(61, "Ha-eun Choi", "최하은", None, 20, "Mathematics", "KR")
    free = Person(90, "Nobody Here", "", None, 99, None, "GB")
    report = detect_conflicts(
        reviewers=[free, uk_same_org, kr_other_dept],
        applications=[app2, APP],
        people=[UK_LEAD, KR_LEAD, KR_COI],
        reference_date=REF,
    )
    assert report.application_ids == ("A2", "A1")
    assert report.reviewer_ids == (90, 50, 61)
    assert report.hard.dtype == np.bool_
    assert report.hard.tolist() == [[False, False, False], [False, True, False]]
    assert report.declared.tolist() == [[False, False, False], [False, False, True]]


def test_rules_can_be_switched_off() -> None:
    r = Person(50, "Tom Brown", "", None, 10, "Chemistry", "GB")
    cfg = ConflictConfig(rules=frozenset(ConflictType) - {ConflictType.SAME_ORGANISATION})
    assert run([r], config=cfg) == []


def test_unknown_team_member_is_refused() -> None:
    app = Application("A9", team=(TeamMember(404, "lead (GB)"),))
    with pytest.raises(ConflictInputError, match="team member 404 is not in people"):
        detect_conflicts(reviewers=[], applications=[app], reference_date=REF)


def test_coauthorship_scales_without_pairwise_loops() -> None:
    # 300 reviewers, 300 applications of 3, 5,000 publications: goes through the author
    # index (a P×R×pubs loop would be 4.5e8 steps); checked against a direct computation.
    rng = np.random.default_rng(0)
    people = [Person(i, f"Given{i} Family{i}", "", None, i % 50, None, "GB") for i in range(1200)]
    reviewers = people[:300]
    apps = [
        Application(f"P{j}", team=tuple(TeamMember(300 + 3 * j + t) for t in range(3)))
        for j in range(300)
    ]
    pubs = [
        Publication(
            title=f"t{k}",
            year=2022,
            authors=tuple(Author(f"Family{int(i)}, Given{int(i)}") for i in rng.choice(1200, 4)),
        )
        for k in range(5_000)
    ]
    report = detect_conflicts(
        reviewers=reviewers,
        applications=apps,
        people=people,
        publications=pubs,
        reference_date=REF,
        config=ConflictConfig(rules=frozenset({ConflictType.COAUTHOR})),
    )
    # Cross-check against a direct computation on the same data.
    coauthors: set[tuple[int, int]] = set()
    for p in pubs:
        ids = {int(a.name.split(", Given")[1]) for a in p.authors}
        coauthors |= {(a, b) for a in ids for b in ids if a != b}
    expected = np.zeros((300, 300), dtype=bool)
    for j, app in enumerate(apps):
        for m in app.team:
            for r in range(300):
                if (int(m.person_id), r) in coauthors:
                    expected[j, r] = True
    assert np.array_equal(report.hard, expected)
    assert int(expected.sum()) > 0


def test_importing_conflicts_does_not_import_django() -> None:
    code = (
        "import sys, accord.core, accord.core.conflicts, accord.core.partners, "
        "accord.core.pubimport; print('django' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
