from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from kampala import Methodology, Principle, Scorecard
from kampala.data import sample_portfolio
from kampala.errors import ParameterValueError


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return Methodology.default().run(sample_portfolio())


@pytest.mark.parametrize("key", [Principle.RESULTS, 2, "2", "P2", "p2"])
def test_a_principle_is_named_by_member_number_or_code(
    card: Scorecard, key: Any
) -> None:
    np.testing.assert_array_equal(card.score(key), card.score(Principle.RESULTS))
    np.testing.assert_array_equal(card.coverage(key), card.coverage(Principle.RESULTS))


@pytest.mark.parametrize("key", ["P6", 6, 0, "ownership", "", True, 2.5])
def test_an_unknown_principle_is_a_parameter_error(card: Scorecard, key: Any) -> None:
    with pytest.raises(ParameterValueError, match=r"\(P1, P2, P3, P4, P5\)") as info:
        card.score(key)
    assert info.value.field == "principle"
    assert info.value.value == key
