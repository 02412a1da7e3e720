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

# scoring a portfolio: the registry is typed
from kampala.data import sample_portfolio  # noqa: E402
from kampala.methodology import Methodology as OldMethodology  # noqa: E402
from kampala.methodology import kps1  # noqa: E402
from kampala.principles import ScorerRegistry  # noqa: E402
from kampala.scoring import indicator_table, score_portfolio  # noqa: E402

registry: ScorerRegistry = kp.default_registry
pf = sample_portfolio()
card: kp.Scorecard = kp.Methodology.default().run(pf, registry=registry)
table: kp.IndicatorSet = indicator_table(pf, kps1().scorers, registry=registry)
old: OldMethodology = kp.Methodology.default()
card2: kp.Scorecard = score_portfolio(old, pf, registry=None)

# the portfolio report: HTML text, from a scorecard or end to end
from kampala.report import Robustness, build_report, render_report  # noqa: E402

page: str = card.report(pf, methodology=old, lang="es")
page2: str = render_report(card, pf, robustness=Robustness(seed=1), lang="en")
page3: str = build_report(pf, sensitivity=False, lang="es")

# outputs in Spanish: the same keys, text for people in the language asked for
from kampala.i18n import Lang, error_message, ntranslate  # noqa: E402
from kampala.scorecard import Explanation  # noqa: E402

lang: Lang = "es"
rows_es: list[dict[str, object]] = card.table(lang=lang)
flags_es: list[list[str]] = card.flags(lang="es")
why: Explanation = card.explain("PE-HEA-001", portfolio=pf, lang="es")
why_text: str = str(why)
doc_es: str = card.to_json(lang="es")
counted_es: str = ntranslate("{n} actor", "{n} actors", 2, "es")
message_es: str = error_message(ValueError("x"), "es")
