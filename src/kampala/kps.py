"""KPS-1, the library's default Kampala scorecard methodology, as data.

`kps1_definition()` gives the keyword arguments of `Methodology` that make
KPS-1 (`Methodology.default()` and `kps1()` build it from them); the
disclaimer every scorecard carries and the references the citable
description lists live here too.

KPS is kampala's own methodology, built on the content of the Kampala
Principles; it is not an official GPEDC assessment or score.
"""

from __future__ import annotations

from typing import Any

from kampala.composite.aggregate import Aggregate
from kampala.principles import DEFAULT_SCORERS

__all__ = ["DISCLAIMER_EN", "DISCLAIMER_ES", "REFERENCES", "kps1_definition"]

#: What KPS is and is not, in English.
DISCLAIMER_EN = (
    "KPS is kampala's own methodology, built on the content of the Kampala "
    "Principles (GPEDC, 2019) and on composite-indicator practice. It is not an "
    "official GPEDC assessment or score."
)
#: The same in Spanish.
DISCLAIMER_ES = (
    "KPS es la metodología propia de kampala, basada en el contenido de los "
    "Principios de Kampala (GPEDC, 2019) y en la práctica de los indicadores "
    "compuestos. No es una evaluación ni un puntaje oficial de la GPEDC."
)

#: References cited by KPS-1's description.
REFERENCES = (
    "GPEDC (2019). Kampala Principles for effective private sector engagement "
    "through development co-operation. Global Partnership for Effective "
    "Development Co-operation. https://www.effectivecooperation.org/",
    "OECD/European Union/EC-JRC (2008). Handbook on Constructing Composite "
    "Indicators: Methodology and User Guide. OECD Publishing. "
    "https://doi.org/10.1787/9789264043466-en",
    "Saisana, M., Saltelli, A. & Tarantola, S. (2005). Uncertainty and "
    "sensitivity analysis techniques as tools for the quality assessment of "
    "composite indicators. J. R. Stat. Soc. A 168(2), 307-323. "
    "https://doi.org/10.1111/j.1467-985X.2005.00350.x",
)


def kps1_definition() -> dict[str, Any]:
    """Return the keyword arguments of `Methodology` that define KPS-1.

    The five default scorers (one per principle) with their default
    parameters and criterion weights; equal principle weights; the weighted
    arithmetic mean at both levels; missing evidence is skipped and the
    weights of the criteria with evidence renormalised, and a principle (or
    the overall score) whose share of weight with evidence is below 0.5 is
    missing and flagged as insufficient evidence.

    Examples
    --------
    >>> from kampala.kps import kps1_definition
    >>> d = kps1_definition()
    >>> d["id"], d["version"], d["scorers"][0]
    ('KPS', '1', {'principle': 1, 'id': 'kps.ownership', 'version': '1', 'params': {}})
    """
    scorers = [factory() for factory in DEFAULT_SCORERS]
    return {
        "id": "KPS",
        "version": "1",
        "title": "Kampala Partnership Scorecard, KPS-1",
        "description": DISCLAIMER_EN,
        "scorers": [
            {
                "principle": s.principle.number,
                "id": s.id,
                "version": s.version,
                "params": s.params(),
            }
            for s in scorers
        ],
        "steps": [Aggregate(method="arithmetic", min_coverage=0.5)],
        "references": REFERENCES,
    }
