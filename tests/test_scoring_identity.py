"""Scores stay bit-identical across performance work (issue 15).

The digests were computed with the implementation before the scorers wrote
into one criteria matrix; any change of a last bit changes them.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

import kampala as kp
from kampala.data import sample_portfolio
from kampala.scoring import indicator_table, score_principles
from kampala.testing import sample_test_portfolio


def _digest(pf: kp.Portfolio) -> str:
    card = kp.Methodology.default().run(pf)
    h = hashlib.sha256()
    for p in card.principles:
        h.update(np.ascontiguousarray(card.principle_scores[p].values).tobytes())
        h.update(np.ascontiguousarray(card.score(p)).tobytes())
        h.update(np.ascontiguousarray(card.coverage(p)).tobytes())
    h.update(np.ascontiguousarray(card.score()).tobytes())
    h.update(np.ascontiguousarray(card.ranks()).tobytes())
    return h.hexdigest()


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            sample_portfolio,
            "e160529f5be45bf5e2151e2f8d198ddc2ab526d7267adc8006c7d91822732e1f",
        ),
        (
            lambda: sample_test_portfolio(3000, rng=20261206),
            "4927e61d420939c4ec744b8ac48fc38005b3fced53bd3a333968928c9fc4784a",
        ),
    ],
    ids=["sample", "random-3000"],
)
def test_scores_bit_identical_to_before(make, expected):
    assert _digest(make()) == expected


def test_criteria_matrix_is_shared_not_copied():
    pf = sample_portfolio()
    methodology = kp.Methodology.default()
    scores = score_principles(pf, methodology.scorers)
    table = indicator_table(pf, methodology.scorers)
    blocks = [ps.values for ps in scores.values()]
    assert np.array_equal(table.values, np.hstack(blocks), equal_nan=True)
    assert not table.values.flags.writeable
    # the principle blocks are views of one column-major matrix
    assert all(b.base is blocks[0].base for b in blocks)
    assert blocks[0].base.flags.f_contiguous


def test_from_columns_copies_unless_told_not_to():
    budget = np.array([1.0, 2.0])
    pf = kp.Portfolio.from_columns(
        {"id": ["A", "B"], "title": ["x", "y"], "budget_usd": budget}
    )
    budget[0] = 99.0
    assert pf.column("budget_usd")[0] == 1.0
    taken = kp.Portfolio.from_columns(
        {"id": ["A", "B"], "title": ["x", "y"], "budget_usd": budget}, copy=False
    )
    assert np.shares_memory(taken.column("budget_usd"), budget)
    assert not budget.flags.writeable  # taken over: read-only in place


def test_scorer_out_must_have_the_scores_shape():
    from kampala.errors import ParameterValueError
    from kampala.principles import OwnershipScorer

    with pytest.raises(ParameterValueError, match="'out' must be of shape"):
        OwnershipScorer().score(sample_portfolio(), out=np.empty((48, 4)))
