"""Whose view counts: the stakeholder groups' weights as a sensitivity factor.

`group_weight_choice` turns named weightings of the groups into an
`kampala.sensitivity.EvidenceChoice`: each option is the combined evidence
(equation MS1) with its weights, so `kampala.sensitivity.uncertainty_analysis`
and `sensitivity_analysis` can vary whose view counts together with the
methodology's own choices. Pass ``evidence.portfolio()`` as the analysis'
data.

Examples
--------
>>> from kampala.data import sample_portfolio, sample_responses
>>> from kampala.methodology import kps1
>>> from kampala.sensitivity import UncertaintySpec, uncertainty_analysis
>>> from kampala.stakeholders import combine, group_weight_choice
>>> ev = combine(sample_responses(), sample_portfolio())
>>> factor = group_weight_choice(ev, {
...     "equal": {g: 1.0 for g in ev.groups},
...     "government x3": {**{g: 1.0 for g in ev.groups}, "government": 3.0},
...     "private sector only": {"private-sector": 1.0},
... })
>>> res = uncertainty_analysis(kps1(), ev.portfolio(),
...                            UncertaintySpec(factors=[factor]), n=32, rng=1)
>>> res.n, factor.labels[2]
(32, 'private sector only')
"""

from __future__ import annotations

from collections.abc import Mapping

from kampala.errors import ParameterValueError
from kampala.sensitivity import EvidenceChoice
from kampala.stakeholders._combine import StakeholderEvidence

__all__ = ["group_weight_choice"]


def group_weight_choice(
    evidence: StakeholderEvidence,
    weightings: Mapping[str, Mapping[str, float]] | None = None,
    *,
    name: str = "group weights",
) -> EvidenceChoice:
    """Make a sensitivity factor that varies the weights of the groups.

    Parameters
    ----------
    evidence : StakeholderEvidence
        From `combine`.
    weightings : mapping of str to mapping of str to float, default=None
        At least two named weightings (group -> weight; a group left out
        weighs 0). None: equal weights, and each group with answers counted
        twice (``"government x2"``, ...).
    name : str, default="group weights"
        The factor's name in results.

    Returns
    -------
    EvidenceChoice
        One choice of evidence per weighting, for an `UncertaintySpec`.

    Raises
    ------
    ParameterValueError
        For fewer than two weightings, an unknown group or a negative weight.

    See Also
    --------
    StakeholderEvidence.reweighted : The evidence under one weighting: one
        option of the factor.

    Examples
    --------
    The government's answers alone, against the private sector's alone:

    >>> from kampala.data import sample_portfolio, sample_responses
    >>> from kampala.stakeholders import combine, group_weight_choice
    >>> ev = combine(sample_responses(), sample_portfolio())
    >>> f = group_weight_choice(ev, {"gov": {"government": 1}, "firms": {"private-sector": 1}})
    >>> f.name, f.options
    ('group weights', 2)
    >>> group_weight_choice(ev).labels[:2]
    ('equal', 'government x2')
    """  # noqa: E501 - doctest
    if weightings is None:
        equal = dict.fromkeys(evidence.groups, 1.0)
        weightings = {"equal": equal}
        for g in evidence.groups:
            weightings[f"{g} x2"] = {**equal, g: 2.0}
    if len(weightings) < 2:
        raise ParameterValueError(
            "group_weight_choice()", "weightings", len(weightings), "at least two"
        )
    labels = list(weightings)
    portfolios = [evidence.reweighted(weightings[k]).portfolio() for k in labels]
    return EvidenceChoice(portfolios=portfolios, labels=labels, name=name)
