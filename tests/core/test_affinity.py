"""accord.core.affinity: recency, aggregation, Stelmakh loss, cross-lingual matching."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.core.affinity import (
    AffinityConfig,
    AffinityError,
    Publication,
    Reviewer,
    Submission,
    aggregate,
    compute_affinity,
    normalise_submissions,
    recency_weights,
    stelmakh_loss,
)
from accord.core.text import ShapeError


def test_recency_weights_halve_every_half_life() -> None:
    w = recency_weights(np.array([2024.0, 2014.0, 2004.0, np.nan]), reference_year=2024,
                        half_life_years=10.0, unknown_weight=0.7)  # fmt: skip
    np.testing.assert_allclose(w, [1.0, 0.5, 0.25, 0.7])


def test_recency_orders_newer_publication_first() -> None:
    sim = np.array([[1.0, 0.0]])  # submission matches the old paper only
    old_first = aggregate(sim, np.array([0, 0]), 1, np.array([0.25, 1.0]), method="mean")[0]
    new_first = aggregate(sim, np.array([0, 0]), 1, np.array([1.0, 0.25]), method="mean")[0]
    assert float(old_first[0, 0]) == pytest.approx(0.2)
    assert float(new_first[0, 0]) == pytest.approx(0.8)


def test_recency_weighting_in_compute_affinity_prefers_current_topic() -> None:
    reviewer = Reviewer("r", (
        Publication("Perovskite solar cells with passivated grain boundaries", year=2005),
        Publication("Sulfide solid electrolytes for lithium batteries", year=2024),
    ))  # fmt: skip
    subs = [Submission("pv", "Perovskite solar cell stability"),
            Submission("bat", "Solid electrolytes for lithium metal batteries")]  # fmt: skip
    cfg = AffinityConfig(backend="lexical", aggregation="mean", half_life_years=5.0)
    scores = compute_affinity([reviewer], subs, config=cfg).scores
    assert scores[1, 0] > scores[0, 0]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("mean", [2.0, 5.0]), ("max", [3.0, 5.0]), ("topk", [2.5, 5.0])],
)
def test_aggregate_methods(method: str, expected: list[float]) -> None:
    sim = np.array([[1.0, 2.0, 3.0, 5.0]])
    owner = np.array([0, 0, 0, 1])
    scores, alpha = aggregate(sim, owner, 3, np.ones(4), method=method, top_k=2)  # type: ignore[arg-type]
    np.testing.assert_allclose(scores[0, :2], expected)
    assert np.isnan(scores[0, 2])  # reviewer without publications
    np.testing.assert_allclose(alpha.sum(axis=1), [2.0])


def test_aggregate_softmax_weights() -> None:
    _scores, alpha = aggregate(np.array([[0.0, np.log(3.0)]]), np.array([0, 0]), 1, np.ones(2),
                              method="softmax", temperature=1.0)  # fmt: skip
    np.testing.assert_allclose(alpha, [[0.25, 0.75]])


def test_aggregate_rejects_bad_shapes() -> None:
    with pytest.raises(ShapeError, match="owner must be int\\[P\\]"):
        aggregate(np.zeros((2, 3)), np.zeros(2, dtype=np.int64), 1, np.ones(3), method="mean")


def test_stelmakh_loss_hand_computed() -> None:
    # ratings 1, 2, 3. Pair (r1, r2): 0.5 > 0.4, mis-ordered, cost 1. Pair (r2, r3): right.
    # Pair (r1, r3): tie, cost 2 / 2 = 1. Total |difference| = 1 + 1 + 2 = 4.
    assert stelmakh_loss([0.5, 0.4, 0.5], [1, 2, 3]) == 2 / 4
    assert stelmakh_loss([0.5, 0.4, 0.6], [1, 2, 3]) == 1 / 4


def test_stelmakh_loss_pools_over_reviewers_and_ignores_equal_ratings() -> None:
    scores = [0.9, 0.1, 0.5, 0.1, 0.9, 0.3]
    ratings = [5, 1, 5, 1, 5, 5]
    groups = [0, 0, 1, 1, 1, 1]
    # reviewer 0: right (weight 4). reviewer 1: pairs (0.1 r1) vs (0.5 r5) right, vs (0.9) right,
    # vs (0.3) right; equal-rating pairs ignored. Loss 0.
    assert stelmakh_loss(scores, ratings, groups) == 0.0
    assert stelmakh_loss([0.1, 0.9], [5, 1]) == 1.0


def test_stelmakh_loss_needs_a_rated_pair() -> None:
    with pytest.raises(AffinityError, match="different expertise"):
        stelmakh_loss([0.1, 0.2], [3, 3])


def _brute_force(scores: list[float], ratings: list[int]) -> float:
    cost = total = 0.0
    for i, j in itertools.combinations(range(len(scores)), 2):
        if ratings[i] == ratings[j]:
            continue
        d = abs(ratings[i] - ratings[j])
        total += d
        hi, lo = (i, j) if ratings[i] > ratings[j] else (j, i)
        if scores[hi] < scores[lo]:
            cost += d
        elif scores[hi] == scores[lo]:
            cost += d / 2
    return cost / total


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(1, 5)), min_size=2, max_size=12))
def test_stelmakh_loss_matches_brute_force(rows: list[tuple[int, int]]) -> None:
    scores = [float(s) for s, _ in rows]
    ratings = [r for _, r in rows]
    if len(set(ratings)) < 2:
        return
    assert stelmakh_loss(scores, ratings) == pytest.approx(_brute_force(scores, ratings))
    reversed_loss = stelmakh_loss([-s for s in scores], ratings)
    ties = _brute_force([0.0] * len(scores), ratings)
    assert stelmakh_loss(scores, ratings) + reversed_loss == pytest.approx(2 * ties)


def test_compute_affinity_lexical_shapes_explanations_and_empty_reviewer() -> None:
    reviewers = [
        Reviewer("q", (Publication("Transmon qubit coherence", "Two-level defects in qubits", 2022),
                       Publication("Surface code decoding", "Matching decoders for qubits", 2020))),
        Reviewer("none", ()),
    ]  # fmt: skip
    subs = [Submission("s1", "Qubit coherence and defects", "Transmon decoherence"),
            Submission("s2", "Perovskite solar cells", "")]  # fmt: skip
    res = compute_affinity(reviewers, subs, config=AffinityConfig(backend="lexical"))
    assert res.scores.shape == (2, 2)
    assert res.scores[0, 0] > res.scores[1, 0]
    assert res.scores[:, 1].tolist() == [0.0, 0.0]
    assert int(res.top_publications[0, 0, 0]) == 0
    assert res.top_publications[0, 1].tolist() == [-1, -1, -1]
    assert res.warnings == ["reviewer 'none' has no usable publications: scores are 0"]


def test_cross_lingual_korean_titles_find_their_english_translations() -> None:
    pairs = [
        ("초전도 트랜스몬 큐비트의 결맞음을 제한하는 결함", "Defects limiting coherence of superconducting transmon qubits"),
        ("높은 이온 전도도를 갖는 황화물 고체 전해질", "Sulfide solid electrolytes with high ionic conductivity"),
        ("자율주행을 위한 라이다 점군 기반 3차원 객체 검출", "3D object detection from LiDAR point clouds for autonomous driving"),
        ("개인 맞춤형 암 백신을 위한 신생항원 예측", "Neoantigen prediction for personalised cancer vaccines"),
    ]  # fmt: skip
    distractors = [
        "Hash-based signatures for firmware updates",
        "Green monopropellants for small spacecraft",
    ]
    reviewers = [
        Reviewer(f"k{i}", (Publication(ko, language="ko"),)) for i, (ko, _) in enumerate(pairs)
    ]
    subs = [Submission(f"e{i}", en) for i, (_, en) in enumerate(pairs)]
    subs += [Submission(f"d{i}", t) for i, t in enumerate(distractors)]
    subs += [
        Submission(f"kd{i}", t)
        for i, t in enumerate(
            ["펌웨어 업데이트를 위한 해시 기반 서명", "소형 우주선을 위한 친환경 추진제"]
        )
    ]
    res = compute_affinity(reviewers, subs, config=AffinityConfig(backend="hybrid"))
    assert np.argmax(res.scores, axis=0).tolist() == [0, 1, 2, 3]


def test_normalise_submissions_standardises_each_row_and_shrinks_small_ones() -> None:
    z = np.array([[1.0, 2.0, 3.0, 4.0], [10.0, 10.0, 12.0, 8.0]])
    full = normalise_submissions(z, prior=0.0)
    np.testing.assert_allclose(full.mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(full.std(axis=1), 1.0, atol=1e-12)
    np.testing.assert_allclose(full[0], (z[0] - 2.5) / np.sqrt(1.25))
    # prior 4 = four more publications of mean 0, variance 1: mean 2.5·4/8, var (4·1.25+4)/8
    np.testing.assert_allclose(
        normalise_submissions(z, prior=4.0)[0], (z[0] - 1.25) / np.sqrt(1.125)
    )
    assert normalise_submissions(np.zeros((2, 0))).shape == (2, 0)
    with pytest.raises(ShapeError):
        normalise_submissions(np.zeros(3))
    with pytest.raises(AffinityError, match="prior"):
        normalise_submissions(z, prior=-1.0)


def test_submission_normalisation_ranks_a_close_submission_above_one_close_to_everyone() -> None:
    """For the qubit reviewer, a paper on their own topic must rank above one that touches
    every reviewer's topic; without normalisation both saturate at (almost) the same score."""
    pubs = {
        "q": ["Spin qubits in silicon quantum dots", "Charge noise in silicon qubits"],
        "b": ["Solid-state lithium battery electrolytes", "Sulfide electrolytes for batteries"],
        "r": ["Coral reef fish migration", "Reef ecology in warming oceans"],
    }
    reviewers = [Reviewer(k, tuple(Publication(t, year=2024) for t in v)) for k, v in pubs.items()]
    subs = [
        Submission("niche", "Charge noise of spin qubits"),
        Submission(
            "broad",
            "Silicon quantum dots in lithium battery electrolytes and reef fish migration",
        ),
    ]
    on = compute_affinity(reviewers, subs, config=AffinityConfig(backend="lexical"))
    off = compute_affinity(
        reviewers, subs, config=AffinityConfig(backend="lexical", submission_normalisation=False)
    )
    assert on.scores[0, 0] - on.scores[1, 0] > 0.05
    assert abs(off.scores[0, 0] - off.scores[1, 0]) < 1e-4


def test_normalisation_prior_must_not_be_negative() -> None:
    with pytest.raises(AffinityError, match="normalisation_prior"):
        AffinityConfig(normalisation_prior=-1.0)


QUBITS_THEN_SOLAR = " ".join(
    ["Transmon qubits lose coherence to two-level systems in amorphous oxides."] * 25
    + ["Perovskite solar cells degrade under humidity and ultraviolet light."] * 25
)


@pytest.mark.parametrize("in_full", [False, True])
def test_publications_are_read_up_to_their_first_window_unless_in_full(in_full: bool) -> None:
    from accord.core.affinity import Embedders, join_text
    from accord.core.text import EmbeddingCache, MiniLMEmbedder

    english = MiniLMEmbedder(max_tokens=64, stride=16)
    head = english.first_window()
    long_pub = Publication("Qubits, then solar cells", QUBITS_THEN_SOLAR, 2022)
    long_sub = Submission("long", "Solar cells, after qubits", QUBITS_THEN_SOLAR)
    solar = Submission("solar", "Perovskite solar cells", "Humidity and ultraviolet degradation")
    config = AffinityConfig(
        backend="dense", submission_normalisation=False, publications_in_full=in_full
    )
    cache = EmbeddingCache()
    res = compute_affinity(
        [Reviewer("r", (long_pub,))], [long_sub, solar],
        config=config, cache=cache, embedders=Embedders(english=english),
    )  # fmt: skip
    pub_text = join_text(long_pub.title, long_pub.abstract)
    sub_text = join_text(long_sub.title, long_sub.abstract)
    pub_model = english if in_full else head
    other = head if in_full else english
    assert cache.get_many(english.model_id, [sub_text], 384)[0] is not None  # always in full
    assert cache.get_many(pub_model.model_id, [pub_text], 384)[0] is not None
    assert cache.get_many(other.model_id, [pub_text], 384)[0] is None
    # Cut at 64 pieces the publication is only about qubits: the solar submission scores lower.
    full = compute_affinity(
        [Reviewer("r", (long_pub,))], [long_sub, solar],
        config=AffinityConfig(
            backend="dense", submission_normalisation=False, publications_in_full=True
        ),
        cache=cache, embedders=Embedders(english=english),
    )  # fmt: skip
    if in_full:
        np.testing.assert_allclose(res.scores, full.scores)
    else:
        assert float(res.scores[1, 0]) < float(full.scores[1, 0]) - 0.02


@pytest.mark.parametrize(
    ("setting", "default_value"), [("lexical_weight_ko", 0.3), ("gloss_weight_ko", 0.35)]
)
def test_korean_pairs_blend_the_korean_lexical_and_glossed_scores_by_default(
    setting: str, default_value: float
) -> None:
    from dataclasses import replace

    reviewer = Reviewer(
        "ko", (Publication("초전도 트랜스몬 큐비트의 결맞음", "이준위 결함이 큐비트 결맞음 시간을 제한한다", 2022, "ko"),)
    )  # fmt: skip
    subs = [
        Submission("near", "트랜스몬 큐비트 결맞음과 이준위 결함", "", "ko"),
        Submission("far", "페로브스카이트 태양전지의 습도 열화", "", "ko"),
    ]
    default = compute_affinity([reviewer], subs)
    without = compute_affinity([reviewer], subs, config=replace(AffinityConfig(), **{setting: 0.0}))
    assert getattr(AffinityConfig(), setting) == default_value
    assert default.scores[0, 0] > default.scores[1, 0]
    assert not np.allclose(default.scores, without.scores)


def test_english_korean_pairs_blend_the_glossed_minilm_score_by_the_gloss_coverage() -> None:
    from dataclasses import replace

    from accord.core.affinity import gloss_pairs
    from accord.core.text import Gloss

    covered = Publication("초전도 트랜스몬 큐비트의 결맞음", "", 2022, "ko")
    unknown = Publication("가나다라 마바사", "", 2022, "ko")  # no lexicon word: coverage 0
    subs = [
        Submission("near", "Coherence of superconducting transmon qubits", "", "en"),
        Submission("far", "Humidity degradation of perovskite solar cells", "", "en"),
    ]
    no_gloss = replace(AffinityConfig(), gloss_weight_cross=0.0)
    reviewers = [Reviewer("covered", (covered,)), Reviewer("unknown", (unknown,))]
    default = compute_affinity(reviewers, subs)
    without = compute_affinity(reviewers, subs, config=no_gloss)
    assert AffinityConfig().gloss_weight_cross == 0.65
    # the well-covered Korean profile: the gloss changes its scores, and ranks as before
    assert not np.isclose(default.scores[0, 0], without.scores[0, 0])
    assert default.scores[0, 0] > default.scores[1, 0]
    # a Korean text the gloss renders nothing of: the gloss takes no share at all (alone: the
    # submissions are normalised over every publication of the input)
    alone = [Reviewer("unknown", (unknown,))]
    np.testing.assert_allclose(
        compute_affinity(alone, subs).scores, compute_affinity(alone, subs, config=no_gloss).scores
    )
    # what MiniLM reads: the English submissions as they are, the Korean side glossed
    s_idx, s_gloss, p_idx, p_gloss = gloss_pairs(
        [s.text for s in subs], np.array([False, False]),
        [covered.text, unknown.text], np.array([True, True]), AffinityConfig(),
    )  # fmt: skip
    assert s_idx.tolist() == [0, 1] and p_idx.tolist() == [0, 1]
    assert [g.coverage for g in s_gloss] == [1.0, 1.0]
    assert s_gloss[0] == Gloss(subs[0].text, 1.0)
    assert p_gloss[1] == Gloss("", 0.0)
    assert {"superconducting", "transmon", "qubit"} <= set(p_gloss[0].text.split())


def test_korean_korean_pairs_gloss_both_sides_only_when_the_config_says_so() -> None:
    from dataclasses import replace

    from accord.core.affinity import gloss_pairs

    subs = ["트랜스몬 큐비트 결맞음과 이준위 결함", "페로브스카이트 태양전지의 습도 열화"]
    pubs = ["초전도 트랜스몬 큐비트의 결맞음"]
    ko = np.array([True, True]), np.array([True])
    s_idx, s_gloss, p_idx, _ = gloss_pairs(subs, ko[0], pubs, ko[1], AffinityConfig())
    assert s_idx.tolist() == [0, 1] and p_idx.tolist() == [0]
    assert {"transmon", "qubit"} <= set(s_gloss[0].text.split())
    off = replace(AffinityConfig(), gloss_weight_ko=0.0)
    s_idx, _, p_idx, _ = gloss_pairs(subs, ko[0], pubs, ko[1], off)
    assert s_idx.size == 0 and p_idx.size == 0
