import numpy as np
import pytest

from accord.core.calibration import CalibrationError, calibrate, rank_with_ties


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


def test_unreviewed_application_has_no_score_and_ties_are_marked():
    result = calibrate([(0, 0, 5.0), (1, 0, 4.9)], 3, 1)
    assert np.isnan(result.calibrated[2]) and result.n_reviews.tolist() == [1, 1, 0]
    ranking = rank_with_ties(
        np.array([5.0, 4.9, 1.0]), np.array([4.0, 3.9, 0.5]), np.array([6.0, 5.9, 1.5])
    )
    assert ranking == [(0, 1, True), (1, 2, True), (2, 3, False)]


@pytest.mark.parametrize(
    ("reviews", "message"),
    [([], "no reviews"), ([(0, 5, 1.0)], "out of range"), ([(0, 0, float("nan"))], "finite")],
)
def test_bad_input(reviews, message):
    with pytest.raises(CalibrationError, match=message):
        calibrate(reviews, 1, 1)
