"""Public-usage snippets checked by ``mypy --strict``."""

import numpy as np
import numpy.typing as npt

import kampala as kp
from kampala.composite import Aggregate, Impute, Normalise

fw = kp.Framework(
    nodes=[
        kp.Node(code="a", parent="T"),
        kp.Node(code="b", parent="T", direction=-1),
        kp.Node(code="T", level=2, kind="aggregate"),
    ]
)
data = kp.IndicatorSet(
    framework=fw, unit_codes=["x", "y"], values=[[1.0, 2.0], [3.0, 4.0]]
)
m = kp.Methodology(
    id="t",
    version="1",
    steps=[Impute(method="mean"), Normalise(method="z-score"), Aggregate()],
)
result: kp.CompositeResult = m.run(data)
scores: npt.NDArray[np.float64] = result.score()
ranks: npt.NDArray[np.float64] = result.ranks("T")
ref: kp.MethodologyRef = result.methodology
digest: str = m.sha256
