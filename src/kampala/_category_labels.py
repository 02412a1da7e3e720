"""Spanish labels of the category codes (enumeration values) of the schema.

The codes (``"co-designed"``, ``"private-sector"``) are data: files store
them and programs match them, so they never change with the language. What a
person reads in Spanish is the label the catalogue gives each code; the
tuple below marks every code for the catalogue so that a test finds a code
without a Spanish label.
"""

from __future__ import annotations

from enum import Enum

from kampala.i18n import N_, translate

__all__ = ["CATEGORY_CODES", "category_label"]

#: Every category code of kampala's enumerations (numbers excluded).
CATEGORY_CODES: tuple[str, ...] = (
    # ActorKind
    N_("government"),
    N_("subnational-government"),
    N_("private-sector"),
    N_("msme"),
    N_("business-association"),
    N_("civil-society"),
    N_("academia"),
    N_("community-organisation"),
    N_("indigenous-organisation"),
    N_("trade-union"),
    N_("foundation"),
    N_("development-partner"),
    N_("multilateral"),
    N_("public-private-partnership"),
    N_("other"),
    # levels shared by several scales
    N_("none"),
    N_("partial"),
    N_("full"),
    N_("some"),
    N_("substantial"),
    N_("asserted"),
    N_("assessed"),
    N_("summary"),
    N_("open-data"),
    N_("iati"),
    N_("one-off"),
    N_("regular"),
    N_("institutionalised"),
    N_("sex"),
    N_("age"),
    N_("disability"),
    N_("ethnicity"),
    N_("location"),
    N_("income"),
    N_("planned"),
    N_("done"),
    N_("published"),
    N_("informed"),
    N_("consulted"),
    N_("co-designed"),
    N_("leads"),
    N_("grant"),
    N_("loan"),
    N_("guarantee"),
    N_("equity"),
    N_("blended"),
    N_("bilateral"),
    N_("south-south"),
    N_("triangular"),
    N_("multi-stakeholder"),
    N_("end-only"),
    N_("annual"),
    N_("semi-annual"),
    N_("quarterly"),
    N_("informal"),
    N_("contractual"),
    N_("funder"),
    N_("accountable"),
    N_("extending"),
    N_("implementer"),
    N_("technical-partner"),
    N_("governance"),
    N_("beneficiary"),
    N_("women"),
    N_("indigenous-peoples"),
    N_("afro-descendants"),
    N_("persons-with-disabilities"),
    N_("rural-poor"),
    N_("migrants-and-refugees"),
    N_("youth"),
    N_("older-persons"),
    N_("smallholder-farmers"),
    N_("informal-workers"),
)


def category_label(value: Enum | str, lang: str) -> str:
    """Return the label of a category code in ``lang`` (the code in English).

    Examples
    --------
    >>> from kampala._category_labels import category_label
    >>> category_label("co-designed", "es"), category_label("co-designed", "en")
    ('codiseñado', 'co-designed')
    """
    code = str(value.value) if isinstance(value, Enum) else str(value)
    return code if lang == "en" else translate(code, lang)
