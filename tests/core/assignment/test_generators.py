"""The benchmark's generator family (bench/generators.py) has the shapes its docstring promises."""

from __future__ import annotations

import numpy as np
import pytest
from bench.generators import FAMILIES, make_instance, one_country_top_share


@pytest.mark.parametrize("family", FAMILIES)
def test_every_family_is_seeded_and_shaped(family: str) -> None:
    a = make_instance(family, 300, seed=4)
    b = make_instance(family, 300, seed=4)
    assert np.array_equal(a.affinity, b.affinity)
    assert np.array_equal(a.conflict, b.conflict)
    assert a.affinity.shape == (300, 300)
    assert a.k == 3
    assert a.bilateral
    rate = 0.10 if family == "conflicts" else 0.02
    assert abs(a.conflict.mean() - rate) < 0.005


def test_topic_family_makes_the_bilateral_rule_bind_for_about_half() -> None:
    share = one_country_top_share(make_instance("topics", 2000))
    assert 0.45 <= share <= 0.65
    # uniform affinities: only chance (2 * (1/2)**3 = 0.25)
    assert one_country_top_share(make_instance("uniform", 2000)) < 0.3


def test_tight_family_has_capacity_within_two_percent_of_demand() -> None:
    inst = make_instance("tight", 1000)
    demand = inst.k * inst.n_proposals
    assert demand <= inst.max_load.sum() <= 1.02 * demand + 1
    assert (inst.min_load == 2).all()
    for c in (0, 1):  # the larger loads are spread over both countries
        assert (inst.max_load[inst.reviewer_country == c] == 4).any()


def test_default_max_load_is_ceil_3p_over_r_plus_one() -> None:
    inst = make_instance("uniform", 200, 150)
    assert (inst.max_load == 5).all()  # ceil(600 / 150) + 1
