import numpy as np
import pytest

from accord.core.calibration import (
    CalibrationError,
    Ranked,
    calibrate,
    rank_in_bands,
)


def _synthetic(seed=0, apps=40, reviewers=12, per_app=4, noise=0.3):
    rng = np.random.default_rng(seed)
    quality = rng.uniform(2, 5, apps)
    offsets = rng.normal(0, 0.8, reviewers)
    offsets -= offsets.mean()
    reviews = []
    for a in range(apps):
        for r in rng.choice(reviewers, per_app, replace=False):
            reviews.append((a, int(r), quality[a] + offsets[r] + rng.normal(0, noise)))
    return quality, offsets, reviews


def test_recovers_known_offsets():
    quality, offsets, reviews = _synthetic()
    result = calibrate(reviews, 40, 12, lam=0.1)
    fitted = result.offset - result.offset.mean()
    assert np.abs(fitted - offsets).max() < 0.35
    assert np.corrcoef(fitted, offsets)[0, 1] > 0.95


def test_calibrated_scores_are_closer_to_the_truth_than_raw_means():
    quality, _offsets, reviews = _synthetic(seed=3)
    result = calibrate(reviews, 40, 12, lam=0.1)
    shift = np.mean(result.calibrated - quality)
    raw_error = np.abs(result.raw - quality).mean()
    cal_error = np.abs(result.calibrated - shift - quality).mean()
    assert cal_error < raw_error


def test_interval_covers_the_truth_mostly():
    quality, _offsets, reviews = _synthetic(seed=5)
    result = calibrate(reviews, 40, 12, lam=0.1)
    shift = np.mean(result.calibrated - quality)
    covered = ((result.low - shift <= quality) & (quality <= result.high - shift)).mean()
    assert covered >= 0.85


def test_a_lenient_reviewer_is_corrected_down():
    reviews = [
        (0, 0, 6.0),
        (1, 0, 6.0),
        (0, 1, 4.0),
        (1, 1, 4.0),
        (2, 1, 3.0),
        (2, 2, 3.0),
        (0, 2, 4.0),
    ]
    result = calibrate(reviews, 3, 3, lam=0.01)
    assert result.offset[0] > result.offset[1]
    assert result.raw[0] == pytest.approx(14 / 3)
    assert result.calibrated[0] < result.raw[0]


def test_unreviewed_application_has_no_score_and_overlap_is_not_a_tie():
    result = calibrate([(0, 0, 5.0), (1, 0, 4.9)], 3, 1)
    assert np.isnan(result.calibrated[2]) and result.n_reviews.tolist() == [1, 1, 0]
    ranking = rank_in_bands(
        np.array([5.0, 4.9, 1.0]), np.array([4.0, 3.9, 0.5]), np.array([6.0, 5.9, 1.5])
    )
    # 5.0 and 4.9 overlap (one band) but are not equal: nobody is tied.
    assert [(r.index, r.rank, r.band, r.tied) for r in ranking] == [
        (0, 1, 1, False),
        (1, 2, 1, False),
        (2, 3, 2, False),
    ]


def _bands(mu, low, high):
    return [(r.index, r.band) for r in rank_in_bands(np.array(mu), np.array(low), np.array(high))]


def test_a_band_is_measured_from_its_top_not_from_the_neighbour():
    # a chain of overlapping neighbours: 6 overlaps 5.5, 5.5 overlaps 5, but 5 is clear of 6
    mu = [6.0, 5.5, 5.0, 4.5]
    low = [5.6, 5.1, 4.6, 4.1]
    high = [6.4, 5.9, 5.4, 4.9]
    assert _bands(mu, low, high) == [(0, 1), (1, 1), (2, 2), (3, 2)]


def test_separated_scores_each_open_a_band_and_equal_scores_are_tied():
    mu = [3.0, 5.0, 4.0, 4.0]
    ranked = rank_in_bands(np.array(mu), np.array(mu), np.array(mu))  # panel scores: points
    assert ranked == [
        Ranked(index=1, rank=1, band=1, tied=False),
        Ranked(index=2, rank=2, band=2, tied=True),
        Ranked(index=3, rank=3, band=2, tied=True),
        Ranked(index=0, rank=4, band=3, tied=False),
    ]


def test_applications_without_a_score_share_the_last_band_and_are_never_tied():
    nan = float("nan")
    ranked = rank_in_bands(
        np.array([nan, 4.0, nan]), np.array([nan, 3.0, nan]), np.array([nan, 5.0, nan])
    )
    assert [(r.index, r.band, r.tied) for r in ranked] == [
        (1, 1, False),
        (0, 2, False),
        (2, 2, False),
    ]


def test_no_applications_no_bands():
    empty = np.array([], dtype=float)
    assert rank_in_bands(empty, empty, empty) == []


@pytest.mark.parametrize(
    ("reviews", "message"),
    [([], "no reviews"), ([(0, 5, 1.0)], "out of range"), ([(0, 0, float("nan"))], "finite")],
)
def test_bad_input(reviews, message):
    with pytest.raises(CalibrationError, match=message):
        calibrate(reviews, 1, 1)
