"""Build the illustrative sample portfolio `kampala/data/sample_portfolio.json`.

The 48 partnerships written by this script are FICTIONAL. Titles, firms,
associations, foundations and development partners are invented; public
bodies are named only by type (a ministry, a regional government, a district
municipality). The evidence is made up to show realistic variety: strong,
average and weak partnerships in every sector, a few very well documented
ones and a few poorly documented ones. Nothing here describes a real
partnership or is an assessment by APCI or GPEDC.

Every record is built with `kampala.records`, so every field is
validated. Randomness comes from one `numpy.random.default_rng(2019)` drawn
in a fixed order, so the script writes identical bytes on every run.

Run from the repository root:

    python examples/make_sample_portfolio.py            # write and verify
    python examples/make_sample_portfolio.py --check    # verify only
"""

from __future__ import annotations

import argparse
import datetime as dt
import enum
import json
import math
import sys
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import numpy as np

from kampala import Portfolio
from kampala.principles import default_registry
from kampala.records import (
    Actor,
    ActorKind,
    AdditionalityLevel,
    Alignment,
    CapacityLevel,
    DataPublication,
    DialogueLevel,
    Disaggregation,
    EvaluationStatus,
    GenderMarker,
    GovernmentRole,
    InclusionEvidence,
    Instrument,
    LeaveNoOneBehindEvidence,
    Modality,
    Ordinal,
    OwnershipEvidence,
    Partnership,
    ProvisionLevel,
    ReportingFrequency,
    ResultsEvidence,
    RiskSharing,
    Role,
    TargetGroup,
    TransparencyEvidence,
)

E = TypeVar("E", bound=enum.Enum)

FORMAT = "kampala.portfolio/1"
NAME = "Cartera ilustrativa APCI (ficticia)"
DESCRIPTION = (
    "FICTIONAL, ILLUSTRATIVE DATA. 48 invented multi-stakeholder partnerships in "
    "Peru used to demonstrate kampala. They are not real partnerships, the "
    "organisations other than generic public bodies are invented, and the scores "
    "computed from them are not an official assessment by APCI, GPEDC or anyone "
    "else. / DATOS FICTICIOS E ILUSTRATIVOS. 48 alianzas multiactor inventadas en "
    "el Perú para demostrar kampala. No son alianzas reales, las organizaciones "
    "distintas de entidades públicas genéricas son inventadas y los puntajes que "
    "se calculen con ellas no constituyen una evaluación oficial de la APCI, la "
    "GPEDC ni de ninguna otra entidad."
)
OUT = (
    Path(__file__).resolve().parents[1]
    / "src"
    / "kampala"
    / "data"
    / "sample_portfolio.json"
)

# ---------------------------------------------------------------------------
# actors are written as (name, kind code, role codes joined by "|", domestic)
# ---------------------------------------------------------------------------
KIND = {
    "GOV": ActorKind.GOVERNMENT,
    "SUB": ActorKind.SUBNATIONAL_GOVERNMENT,
    "PRV": ActorKind.PRIVATE_SECTOR,
    "MSME": ActorKind.MSME,
    "BA": ActorKind.BUSINESS_ASSOCIATION,
    "CSO": ActorKind.CIVIL_SOCIETY,
    "ACA": ActorKind.ACADEMIA,
    "COM": ActorKind.COMMUNITY_ORGANISATION,
    "IND": ActorKind.INDIGENOUS_ORGANISATION,
    "TU": ActorKind.TRADE_UNION,
    "FDN": ActorKind.FOUNDATION,
    "DP": ActorKind.DEVELOPMENT_PARTNER,
    "MUL": ActorKind.MULTILATERAL,
    "PPP": ActorKind.PUBLIC_PRIVATE_PARTNERSHIP,
}
ROLE = {
    "fun": Role.FUNDER,
    "acc": Role.ACCOUNTABLE,
    "ext": Role.EXTENDING,
    "imp": Role.IMPLEMENTER,
    "tec": Role.TECHNICAL_PARTNER,
    "gov": Role.GOVERNANCE,
    "ben": Role.BENEFICIARY,
}

# ---------------------------------------------------------------------------
# invented development partners (letters make plain they are not real ones)
# ---------------------------------------------------------------------------
DP_A = ("Agencia bilateral de cooperación A", "DP", "fun", False)
DP_B = ("Agencia bilateral de cooperación B", "DP", "fun", False)
DP_E = ("Agencia bilateral de cooperación E", "DP", "fun", False)
MDB_C = ("Banco multilateral de desarrollo C", "MUL", "fun", False)
SS_D = ("Agencia de cooperación sur-sur D", "DP", "fun|tec", False)
UN_F = ("Agencia multilateral especializada F", "MUL", "fun", False)
CLIM_G = ("Fondo climático multilateral G", "MUL", "fun", False)

# Regional poverty relative to the national average (illustrative levels used
# only to draw the share of funds spent in poorer districts).
POVERTY = {
    "Amazonas": "high",
    "Apurímac": "high",
    "Arequipa": "low",
    "Ayacucho": "high",
    "Cajamarca": "high",
    "Cusco": "mid",
    "Huancavelica": "high",
    "Huánuco": "high",
    "Ica": "low",
    "Junín": "mid",
    "La Libertad": "mid",
    "Lambayeque": "mid",
    "Lima": "low",
    "Loreto": "high",
    "Piura": "mid",
    "Puno": "high",
    "San Martín": "mid",
    "Tacna": "low",
    "Tumbes": "low",
    "Ucayali": "mid",
}


@attrs.frozen
class Spec:
    """What is fixed by hand about one fictional partnership."""

    id: str
    title: str
    sectors: tuple[str, ...]
    region: str
    tier: str  # S strong, A average, W weak
    doc: str  # F fully documented, N normal, P poorly documented
    modality: str
    instruments: tuple[str, ...]
    start: str
    end: str | None
    budget: float | None
    sdg: tuple[str, ...]
    groups: tuple[str, ...]
    actors: tuple[tuple[str, str, str, bool | None], ...]
    notes: str
    gaps: tuple[str, ...] = ()  # evidence groups with heavy gaps
    # facts stated in the notes, as "group.field": value (enum values as str)
    facts: dict[str, Any] = attrs.field(factory=dict)


def S(*args: Any, **kwargs: Any) -> Spec:
    """Build a `Spec`, turning list arguments into tuples."""
    args = tuple(tuple(a) if isinstance(a, list) else a for a in args)
    kwargs = {k: tuple(v) if isinstance(v, list) else v for k, v in kwargs.items()}
    return Spec(*args, **kwargs)


SPECS: list[Spec] = [
    # ------------------------------------------------------------ agriculture
    S(
        "PE-AGR-001",
        "Cadenas de valor de café especial con cooperativas del Alto Mayo",
        ["31120", "31166"],
        "San Martín",
        "S",
        "F",
        "multi-stakeholder",
        ["grant", "blended"],
        "2019-03-01",
        "2024-02-29",
        4_800_000,
        ["2.3", "2.4", "8.3", "17.17"],
        ["smallholder-farmers", "women", "rural-poor"],
        [
            ("Gobierno Regional de San Martín", "SUB", "gov|imp", True),
            ("Cooperativa Cafetalera Valle Verde", "MSME", "imp|ben", True),
            ("Tostadora y Exportadora Ceja de Selva S.A.C.", "PRV", "fun|imp", True),
            ("Instituto de Investigación Cafetalera del Oriente", "ACA", "tec", True),
            ("Asociación de Mujeres Productoras Flor del Mayo", "COM", "ben|gov", True),
            DP_A,
        ],
        "Alianza con comité de gestión conjunto y compras directas a cooperativas.",
        facts={"inclusion.shared_governance": True},
    ),
    S(
        "PE-AGR-002",
        "Riego tecnificado para pequeños productores de la sierra de Piura",
        ["311", "31140"],
        "Piura",
        "A",
        "N",
        "bilateral",
        ["grant"],
        "2017-06-01",
        "2021-12-31",
        2_350_000,
        ["2.3", "2.4", "6.4"],
        ["smallholder-farmers", "afro-descendants"],
        [
            ("Ministerio de Desarrollo Agrario y Riego", "GOV", "acc", True),
            ("Gobierno Regional de Piura", "SUB", "imp", True),
            ("Agrícola Faique Verde S.A.C.", "PRV", "imp", True),
            ("Comisión de Regantes Sierra Alta", "COM", "ben", True),
            DP_B,
        ],
        "Los módulos de riego se cofinanciaron con aportes de los regantes.",
    ),
    S(
        "PE-AGR-003",
        "Agroexportación de palta y arándano con pequeños productores de Virú",
        ["311", "31120"],
        "La Libertad",
        "W",
        "N",
        "multi-stakeholder",
        ["loan", "guarantee"],
        "2018-01-15",
        "2023-06-30",
        12_500_000,
        ["8.3"],
        [],
        [
            ("Agroexportadora Andina S.A.C.", "PRV", "fun|imp|acc", True),
            (
                "Asociación de Pequeños Productores Frutícolas Virú Norte",
                "BA",
                "ben",
                True,
            ),
            ("Comercializadora Frutas del Hemisferio Sur Ltd.", "PRV", "fun", False),
            MDB_C,
        ],
        "El gobierno regional solo fue informado; no hubo diálogo con productores.",
        facts={"ownership.government_role": "informed", "inclusion.dialogue": "none"},
    ),
    S(
        "PE-AGR-004",
        "Mejoramiento genético de alpacas con comunidades campesinas de Puno",
        ["31163"],
        "Puno",
        "S",
        "N",
        "triangular",
        ["grant"],
        "2020-04-01",
        "2025-03-31",
        1_900_000,
        ["2.3", "1.4", "15.3"],
        ["indigenous-peoples", "rural-poor", "women"],
        [
            ("Gobierno Regional de Puno", "SUB", "acc|gov", True),
            (
                "Central de Comunidades Alpaqueras Cordillera Sur",
                "IND",
                "ben|gov",
                True,
            ),
            ("Textiles Altiplano Fibra Fina S.A.C.", "PRV", "fun|imp", True),
            SS_D,
            DP_A,
        ],
        "Cooperación triangular con transferencia de técnicas de esquila y acopio.",
    ),
    S(
        "PE-AGR-005",
        "Cacao fino de aroma y reforestación con comunidades nativas del VRAEM",
        ["31162", "31220"],
        "Junín",
        "A",
        "P",
        "multilateral",
        ["grant"],
        "2021-09-01",
        None,
        None,
        ["2.3", "15.2"],
        ["indigenous-peoples", "smallholder-farmers"],
        [
            ("Municipalidad Distrital de Pichari", "SUB", "imp", True),
            ("Consejo de Comunidades Nativas Río Ene Medio", "IND", "ben", True),
            ("Chocolates Selva Central S.A.C.", "PRV", "imp", None),
            UN_F,
        ],
        "Expediente incompleto; el presupuesto total no está registrado.",
        gaps=["inclusion"],
    ),
    S(
        "PE-AGR-006",
        "Seguro agrario y asistencia técnica para papa nativa en Huancavelica",
        ["31120", "31166"],
        "Huancavelica",
        "A",
        "N",
        "bilateral",
        ["grant"],
        "2016-05-01",
        "2019-12-31",
        850_000,
        ["2.3", "1.5"],
        ["smallholder-farmers", "rural-poor"],
        [
            ("Ministerio de Desarrollo Agrario y Riego", "GOV", "acc", True),
            ("Aseguradora Rural del Centro S.A.", "PRV", "imp", True),
            ("Asociación de Productores de Papa Nativa Sumaq Papa", "COM", "ben", True),
            DP_B,
        ],
        "Piloto de seguro paramétrico con capacitación en campo.",
    ),
    S(
        "PE-AGR-007",
        "Quinua orgánica para mercados de comercio justo en el altiplano",
        ["31161"],
        "Puno",
        "W",
        "P",
        "south-south",
        ["grant"],
        "2022-02-01",
        "2024-01-31",
        320_000,
        ["2.3"],
        ["smallholder-farmers"],
        [
            ("Comercializadora Granos del Lago E.I.R.L.", "MSME", "imp|ben", True),
            ("Municipalidad Provincial de El Collao", "SUB", "ben", True),
            SS_D,
        ],
        "Intercambio técnico breve; no se documentó el seguimiento de resultados.",
    ),
    S(
        "PE-AGR-008",
        "Innovación agraria juvenil y acceso a mercados en Cajamarca",
        ["31120", "31166"],
        "Cajamarca",
        "S",
        "N",
        "multi-stakeholder",
        ["blended"],
        "2023-01-01",
        "2027-12-31",
        6_200_000,
        ["2.3", "8.6", "4.4", "17.17"],
        ["youth", "smallholder-farmers", "women"],
        [
            ("Gobierno Regional de Cajamarca", "SUB", "acc|gov", True),
            ("Lácteos Cumbre Norteña S.A.C.", "PRV", "fun|imp", True),
            ("Fundación Chacra Joven", "FDN", "fun|gov", True),
            (
                "Instituto Superior Tecnológico Público de la provincia de Chota",
                "ACA",
                "tec",
                True,
            ),
            ("Red de Jóvenes Productores de Chota", "COM", "ben|gov", True),
            DP_A,
        ],
        "En ejecución; fondo concursable para emprendimientos de jóvenes rurales.",
    ),
    # --------------------------------------------------------- communications
    S(
        "PE-TEL-001",
        "Banda ancha para centros poblados rurales de Apurímac",
        ["220", "22020"],
        "Apurímac",
        "A",
        "N",
        "multi-stakeholder",
        ["blended"],
        "2018-07-01",
        "2023-12-31",
        18_000_000,
        ["9.c", "17.8"],
        ["rural-poor"],
        [
            ("Ministerio de Transportes y Comunicaciones", "GOV", "acc|gov", True),
            ("Gobierno Regional de Apurímac", "SUB", "ben", True),
            ("Telered Altoandina S.A.C.", "PRV", "imp|fun", True),
            ("Operador Internacional de Torres Inalámbricas S.A.", "PRV", "fun", False),
            MDB_C,
        ],
        "Subsidio a la inversión con obligaciones de cobertura por centro poblado.",
    ),
    S(
        "PE-TEL-002",
        "Telecentros comunitarios y alfabetización digital en el Bajo Napo",
        ["22040"],
        "Loreto",
        "S",
        "F",
        "triangular",
        ["grant"],
        "2019-02-01",
        "2023-01-31",
        1_450_000,
        ["9.c", "4.4", "5.b"],
        ["indigenous-peoples", "women", "youth"],
        [
            ("Gobierno Regional de Loreto", "SUB", "acc", True),
            (
                "Coordinadora de Comunidades Kichwa del Napo Medio",
                "IND",
                "gov|ben",
                True,
            ),
            ("Amazonía Digital E.I.R.L.", "MSME", "imp", True),
            ("Asociación Civil Enlace Ribereño", "CSO", "imp|tec", True),
            DP_A,
            SS_D,
        ],
        "Los telecentros son gestionados por comités comunales elegidos.",
        facts={"inclusion.shared_governance": True},
    ),
    S(
        "PE-TEL-003",
        "Pagos móviles y comercio electrónico para mypes de Arequipa",
        ["22040"],
        "Arequipa",
        "W",
        "N",
        "bilateral",
        ["equity"],
        "2021-03-01",
        "2024-02-28",
        2_800_000,
        ["8.10", "9.c"],
        ["informal-workers"],
        [
            ("FinConecta Sur S.A.C.", "PRV", "imp|acc", True),
            ("Gremio de Mypes del Sur", "BA", "ben", True),
            ("Fondo de Capital de Impacto H", "PRV", "fun", None),
            DP_E,
        ],
        "Inversión de capital en una plataforma privada; reporte reservado.",
        gaps=["transparency"],
    ),
    S(
        "PE-TEL-004",
        "Fibra óptica de última milla con gobiernos locales de Ucayali",
        ["220", "22020"],
        "Ucayali",
        "A",
        "P",
        "multilateral",
        ["loan"],
        "2020-10-01",
        "2025-03-31",
        24_000_000,
        ["9.c", "9.1"],
        ["rural-poor", "indigenous-peoples"],
        [
            ("Gobierno Regional de Ucayali", "SUB", "acc", True),
            ("Municipalidad Provincial de Coronel Portillo", "SUB", "ben", True),
            ("Fibra Ribereña del Oriente S.A.C.", "PRV", "imp", True),
            MDB_C,
        ],
        "Concluida recientemente; informes de avance no disponibles.",
    ),
    S(
        "PE-TEL-005",
        "Telesalud y conectividad para establecimientos rurales de Huánuco",
        ["22040", "12220"],
        "Huánuco",
        "S",
        "N",
        "multi-stakeholder",
        ["grant"],
        "2022-01-01",
        "2026-12-31",
        3_100_000,
        ["3.8", "9.c", "17.17"],
        ["rural-poor", "indigenous-peoples", "older-persons"],
        [
            ("Dirección Regional de Salud de Huánuco", "SUB", "acc|gov", True),
            ("Ministerio de Transportes y Comunicaciones", "GOV", "gov", True),
            ("Conecta Valle S.A.C.", "PRV", "imp|fun", True),
            ("Fundación Salud Digital Andina", "FDN", "fun|imp", True),
            DP_B,
        ],
        "Mesa técnica regional con actas trimestrales y tablero público.",
        facts={
            "inclusion.dialogue": "institutionalised",
            "transparency.reporting_frequency": "quarterly",
            "transparency.publication": "open-data",
        },
    ),
    S(
        "PE-TEL-006",
        "Habilidades digitales para mujeres emprendedoras de Lima Norte",
        ["22040", "11330"],
        "Lima",
        "A",
        "N",
        "bilateral",
        ["grant"],
        "2017-09-01",
        "2019-08-31",
        420_000,
        ["5.b", "4.4", "8.3"],
        ["women", "migrants-and-refugees"],
        [
            ("Municipalidad Distrital de Comas", "SUB", "imp", True),
            ("Asociación Mujeres Emprendedoras del Cono Norte", "CSO", "imp|ben", True),
            ("Academia Código Abierto S.A.C.", "MSME", "tec", True),
            DP_E,
        ],
        "Cursos presenciales y virtuales con cuidado infantil durante las clases.",
    ),
    # ----------------------------------------------------- financial services
    S(
        "PE-FIN-001",
        "Microcrédito verde para productores cafetaleros de Junín",
        ["240", "24040"],
        "Junín",
        "A",
        "N",
        "multi-stakeholder",
        ["loan", "guarantee"],
        "2018-04-01",
        "2023-03-31",
        7_500_000,
        ["8.10", "2.3", "13.1"],
        ["smallholder-farmers", "rural-poor"],
        [
            ("Financiera Rural Cordillera S.A.", "PRV", "imp|fun", True),
            ("Cooperativa Agraria Cafetalera Río Perené Alto", "MSME", "ben", True),
            ("Ministerio de Economía y Finanzas", "GOV", "gov", True),
            MDB_C,
        ],
        "Crédito con garantía parcial de cartera para renovar cafetales.",
    ),
    S(
        "PE-FIN-002",
        "Garantías de cartera para créditos a mypes lideradas por mujeres",
        ["240", "24030"],
        "Lima",
        "S",
        "F",
        "multilateral",
        ["guarantee"],
        "2019-01-01",
        "2024-12-31",
        15_000_000,
        ["5.a", "8.3", "8.10", "5.5"],
        ["women", "informal-workers"],
        [
            ("Ministerio de la Producción", "GOV", "acc|gov", True),
            ("Ministerio de la Mujer y Poblaciones Vulnerables", "GOV", "gov", True),
            ("Banco Mype Horizonte S.A.", "PRV", "imp|fun", True),
            ("Asociación Red Empresarial de Mujeres Kusi", "BA", "gov|ben", True),
            UN_F,
        ],
        "La garantía cubre el 50 % de las pérdidas; informes trimestrales públicos.",
        facts={
            "leave_no_one_behind.risk_sharing": "contractual",
            "transparency.reporting_frequency": "quarterly",
            "transparency.publication": "iati",
        },
    ),
    S(
        "PE-FIN-003",
        "Educación financiera y ahorro digital para familias de Ayacucho",
        ["240", "24040"],
        "Ayacucho",
        "A",
        "P",
        "south-south",
        ["grant"],
        "2020-06-01",
        "2022-05-31",
        260_000,
        ["8.10", "1.4"],
        ["women", "rural-poor"],
        [
            ("Gobierno Regional de Ayacucho", "SUB", "acc", True),
            ("Billetera Comunal Ayllu S.A.C.", "MSME", "imp", True),
            SS_D,
        ],
        "Transferencia de metodología de ahorro grupal desde otro país del Sur.",
    ),
    S(
        "PE-FIN-004",
        "Fondo de inversión de impacto para agronegocios amazónicos",
        ["240", "24030"],
        "San Martín",
        "W",
        "N",
        "multi-stakeholder",
        ["equity", "blended"],
        "2021-07-01",
        "2027-06-30",
        30_000_000,
        ["8.3", "15.2"],
        [],
        [
            (
                "Capital Selva Alta Sociedad Administradora de Fondos S.A.",
                "PRV",
                "acc|imp",
                True,
            ),
            ("Fondo Internacional de Capital Paciente J", "PRV", "fun", False),
            ("Asociación de Agronegocios del Oriente", "BA", "ben", True),
            CLIM_G,
        ],
        "El fondo no detalla criterios de inclusión ni población objetivo.",
        gaps=["leave_no_one_behind"],
    ),
    S(
        "PE-FIN-005",
        "Ahorro y remesas productivas para familias migrantes en Tumbes",
        ["240", "24040"],
        "Tumbes",
        "A",
        "N",
        "triangular",
        ["grant"],
        "2019-10-01",
        "2022-09-30",
        680_000,
        ["10.c", "8.10", "10.7"],
        ["migrants-and-refugees", "women", "youth"],
        [
            ("Municipalidad Provincial de Tumbes", "SUB", "imp", True),
            ("Cooperativa de Ahorro y Crédito Manglares Unidos", "MSME", "imp", True),
            ("Red de Apoyo al Migrante Tumbes", "CSO", "imp|ben", True),
            SS_D,
            DP_E,
        ],
        "Atención a población migrante y de acogida en zona de frontera.",
    ),
    S(
        "PE-FIN-006",
        "Seguros climáticos inclusivos para pescadores artesanales de Paita",
        ["240", "24030"],
        "Piura",
        "S",
        "N",
        "multi-stakeholder",
        ["blended"],
        "2023-03-01",
        "2027-02-28",
        4_300_000,
        ["1.5", "13.1", "14.b", "8.10"],
        ["informal-workers", "rural-poor", "women"],
        [
            ("Ministerio de la Producción", "GOV", "gov|acc", True),
            ("Aseguradora Mar de Grau S.A.", "PRV", "imp|fun", True),
            ("Gremio de Pescadores Artesanales Bahía de Paita", "TU", "ben|gov", True),
            (
                "Universidad Nacional de la región (facultad de pesquería)",
                "ACA",
                "tec",
                True,
            ),
            CLIM_G,
        ],
        "En ejecución; índice de oleaje y temperatura validado con los gremios.",
    ),
    # ----------------------------------------------------------------- energy
    S(
        "PE-ENE-001",
        "Electrificación rural con sistemas fotovoltaicos domiciliarios en Cajamarca",
        ["230", "23230"],
        "Cajamarca",
        "A",
        "N",
        "multilateral",
        ["loan", "grant"],
        "2016-08-01",
        "2021-07-31",
        22_000_000,
        ["7.1", "7.2"],
        ["rural-poor"],
        [
            ("Ministerio de Energía y Minas", "GOV", "acc|imp", True),
            ("Gobierno Regional de Cajamarca", "SUB", "ben", True),
            ("Fotovoltaica Cumbre Andina S.A.C.", "PRV", "imp", True),
            ("Instalaciones Solares del Norte E.I.R.L.", "MSME", "imp", True),
            MDB_C,
        ],
        "Sistemas con tarifa regulada y mantenimiento a cargo del operador privado.",
    ),
    S(
        "PE-ENE-002",
        "Minicentrales hidroeléctricas comunitarias en Amazonas",
        ["232", "23220"],
        "Amazonas",
        "S",
        "F",
        "triangular",
        ["grant"],
        "2018-03-01",
        "2022-12-31",
        3_600_000,
        ["7.1", "7.2", "7.b"],
        ["indigenous-peoples", "rural-poor", "women"],
        [
            ("Municipalidad Provincial de Condorcanqui", "SUB", "acc|gov", True),
            ("Ministerio de Energía y Minas", "GOV", "gov", True),
            (
                "Consejo Comunal Awajún Nuevo Amanecer",
                "IND",
                "gov|ben",
                True,
            ),
            ("Hidroenergía Comunal S.A.C.", "MSME", "imp", True),
            ("Centro de Investigación en Microhidráulica Andina", "ACA", "tec", True),
            SS_D,
            DP_B,
        ],
        "Las comunidades operan las centrales mediante empresas comunales.",
    ),
    S(
        "PE-ENE-003",
        "Cocinas mejoradas y biogás para hogares altoandinos de Huancavelica",
        ["230", "23210"],
        "Huancavelica",
        "A",
        "N",
        "bilateral",
        ["grant"],
        "2017-02-01",
        "2020-01-31",
        950_000,
        ["7.1", "3.9"],
        ["women", "rural-poor"],
        [
            ("Gobierno Regional de Huancavelica", "SUB", "acc", True),
            ("Cocinas Limpias del Ande E.I.R.L.", "MSME", "imp", True),
            ("Asociación Civil Humo Cero Altoandino", "CSO", "imp", True),
            DP_A,
        ],
        "Reducción del humo intradomiciliario medida en una muestra de hogares.",
    ),
    S(
        "PE-ENE-004",
        "Parque eólico con beneficios compartidos en la costa de Ica",
        ["232", "23240"],
        "Ica",
        "W",
        "F",
        "multi-stakeholder",
        ["loan", "equity"],
        "2020-01-15",
        "2024-06-30",
        38_500_000,
        ["7.2"],
        [],
        [
            ("Eólica Costa Sur S.A.C.", "PRV", "acc|imp", True),
            (
                "Desarrolladora Internacional de Energías Renovables K",
                "PRV",
                "fun",
                False,
            ),
            ("Municipalidad Distrital de Marcona", "SUB", "ben", True),
            ("Asociación de Pescadores Artesanales Bahía Serena", "COM", "ben", True),
            MDB_C,
        ],
        "Bien documentada, pero con escasa participación local y sin focalización.",
        facts={"inclusion.dialogue": "one-off"},
    ),
    S(
        "PE-ENE-005",
        "Extensión de redes eléctricas a comunidades nativas de Ucayali",
        ["236", "23630"],
        "Ucayali",
        "A",
        "P",
        "bilateral",
        ["loan"],
        "2019-05-01",
        "2024-04-30",
        None,
        ["7.1"],
        ["indigenous-peoples"],
        [
            ("Ministerio de Energía y Minas", "GOV", "acc", True),
            ("Redes Eléctricas Amazónicas Yarina S.A.", "PRV", "imp", None),
            DP_E,
        ],
        "Presupuesto y aportes no registrados en la ficha de la intervención.",
    ),
    S(
        "PE-ENE-006",
        "Energía solar para riego y cadena de frío en la agricultura familiar",
        ["232", "23230", "31140"],
        "Lambayeque",
        "S",
        "N",
        "south-south",
        ["grant", "blended"],
        "2022-04-01",
        "2025-03-31",
        2_100_000,
        ["7.2", "2.3", "2.4", "13.2"],
        ["smallholder-farmers", "afro-descendants", "women"],
        [
            ("Gobierno Regional de Lambayeque", "SUB", "acc|gov", True),
            ("Frío Solar Norte S.A.C.", "MSME", "imp", True),
            (
                "Asociación de Productores Agroecológicos de Zaña",
                "COM",
                "ben|gov",
                True,
            ),
            (
                "Instituto de Investigación en Energía y Agua del Norte",
                "ACA",
                "tec",
                True,
            ),
            SS_D,
        ],
        "Bombeo solar con centros de acopio refrigerados de gestión asociativa.",
    ),
    S(
        "PE-ENE-007",
        "Eficiencia energética en mypes industriales de Arequipa",
        ["231", "23183"],
        "Arequipa",
        "W",
        "P",
        "bilateral",
        ["loan"],
        "2024-01-01",
        "2027-12-31",
        1_200_000,
        ["7.3"],
        [],
        [
            ("Banco Sillar del Sur S.A.", "PRV", "imp|acc", True),
            ("Metalmecánica Misti E.I.R.L.", "MSME", "ben", True),
            DP_E,
        ],
        "Línea de crédito reciente; aún sin informes de resultados.",
        facts={"results.target_progress": None},
    ),
    # --------------------------------------------------- water and sanitation
    S(
        "PE-WAS-001",
        "Agua potable y saneamiento rural con JASS fortalecidas en Ayacucho",
        ["140", "14030"],
        "Ayacucho",
        "S",
        "F",
        "bilateral",
        ["grant"],
        "2017-04-01",
        "2022-03-31",
        5_400_000,
        ["6.1", "6.2", "6.b"],
        ["rural-poor", "women", "indigenous-peoples"],
        [
            (
                "Ministerio de Vivienda, Construcción y Saneamiento",
                "GOV",
                "acc|gov",
                True,
            ),
            ("Gobierno Regional de Ayacucho", "SUB", "imp", True),
            ("Municipalidad Distrital de Vinchos", "SUB", "imp|ben", True),
            (
                "Junta Administradora de Servicios de Saneamiento de Rosaspampa",
                "COM",
                "ben|gov",
                True,
            ),
            ("Constructora Huamanga Obras S.A.C.", "MSME", "imp", True),
            DP_B,
        ],
        "Las juntas comunales cobran cuotas y reportan la calidad del agua.",
    ),
    S(
        "PE-WAS-002",
        "Tratamiento de aguas residuales bajo asociación público-privada en Piura",
        ["140", "14020"],
        "Piura",
        "A",
        "N",
        "multi-stakeholder",
        ["loan", "guarantee"],
        "2016-10-01",
        "2022-09-30",
        35_000_000,
        ["6.3", "6.2"],
        ["rural-poor"],
        [
            ("Ministerio de Vivienda, Construcción y Saneamiento", "GOV", "acc", True),
            (
                "Empresa municipal prestadora de servicios de saneamiento de Piura",
                "SUB",
                "imp",
                True,
            ),
            ("Concesionaria Saneamiento Chira S.A.", "PPP", "imp|fun", None),
            MDB_C,
        ],
        "Contrato de concesión con pagos por disponibilidad.",
    ),
    S(
        "PE-WAS-003",
        "Cosecha de agua y siembra de lluvia en microcuencas de Apurímac",
        ["140", "14015"],
        "Apurímac",
        "A",
        "N",
        "south-south",
        ["grant"],
        "2019-08-01",
        "2022-07-31",
        610_000,
        ["6.4", "6.6", "6.b"],
        ["smallholder-farmers", "indigenous-peoples"],
        [
            ("Municipalidad Distrital de Tambobamba", "SUB", "imp", True),
            ("Comunidad Campesina de Llaqtapampa", "COM", "ben|imp", True),
            ("Hidroservicios Andinos E.I.R.L.", "MSME", "imp", True),
            SS_D,
        ],
        "Qochas construidas con faenas comunales y asesoría técnica externa.",
        gaps=["results"],
    ),
    S(
        "PE-WAS-004",
        "Saneamiento ecológico en escuelas rurales de Cusco",
        ["140", "14032"],
        "Cusco",
        "W",
        "P",
        "multi-stakeholder",
        ["grant"],
        "2021-03-01",
        "2023-12-31",
        180_000,
        ["6.2"],
        ["youth"],
        [
            ("Unidad de Gestión Educativa Local de Paruro", "SUB", "ben", True),
            ("Baños Secos del Sur E.I.R.L.", "MSME", "imp", True),
            ("Fundación Escuela Limpia", "FDN", "fun", True),
        ],
        "Pocas evidencias sobre uso y mantenimiento de los módulos.",
    ),
    S(
        "PE-WAS-005",
        "Agua segura para asentamientos humanos periurbanos de Lima Sur",
        ["140", "14030"],
        "Lima",
        "A",
        "N",
        "multi-stakeholder",
        ["blended"],
        "2020-02-01",
        "2025-01-31",
        9_800_000,
        ["6.1", "6.2", "11.1"],
        [
            "migrants-and-refugees",
            "persons-with-disabilities",
            "afro-descendants",
            "women",
        ],
        [
            ("Municipalidad Distrital de Villa María del Triunfo", "SUB", "imp", True),
            ("Ministerio de Vivienda, Construcción y Saneamiento", "GOV", "acc", True),
            ("Aguas Urbanas del Sur S.A.C.", "PRV", "imp|fun", True),
            (
                "Asociación de Pobladores Nueva Esperanza de Lomo Largo",
                "COM",
                "ben",
                True,
            ),
            ("Fundación Agua para Todos los Barrios", "FDN", "fun", True),
            UN_F,
        ],
        "Conexiones intradomiciliarias con tarifa social para hogares vulnerables.",
    ),
    S(
        "PE-WAS-006",
        "Gestión de residuos sólidos con recicladores formalizados en Trujillo",
        ["140", "14050"],
        "La Libertad",
        "S",
        "N",
        "bilateral",
        ["grant"],
        "2018-09-01",
        "2021-08-31",
        1_250_000,
        ["11.6", "12.5", "8.8"],
        ["informal-workers", "women"],
        [
            ("Municipalidad Provincial de Trujillo", "SUB", "acc|gov", True),
            (
                "Federación de Trabajadores Recicladores de La Libertad",
                "TU",
                "ben|gov",
                True,
            ),
            ("Reciclados Industriales del Norte S.A.C.", "PRV", "imp|fun", True),
            ("Centro de Estudios Urbanos del Norte", "ACA", "tec", True),
            DP_A,
        ],
        "Recicladoras formalizadas con contrato municipal y seguro de salud.",
    ),
    S(
        "PE-WAS-007",
        "Agua potable y saneamiento en comunidades nativas del Marañón",
        ["140", "14030"],
        "Loreto",
        "W",
        "N",
        "multilateral",
        ["loan"],
        "2023-06-01",
        "2027-05-31",
        14_000_000,
        ["6.1"],
        ["indigenous-peoples"],
        [
            ("Ministerio de Vivienda, Construcción y Saneamiento", "GOV", "acc", True),
            ("Consorcio Constructor Ríos Amazónicos", "PRV", "imp", None),
            MDB_C,
        ],
        "En ejecución; consulta con comunidades aún pendiente según el expediente.",
        facts={"inclusion.dialogue": "none"},
    ),
    # ----------------------------------------------------------------- health
    S(
        "PE-HEA-001",
        "Reducción de la anemia infantil con nutrición y agricultura familiar",
        ["122", "12240"],
        "Huancavelica",
        "S",
        "F",
        "multi-stakeholder",
        ["grant"],
        "2018-01-01",
        "2022-12-31",
        2_700_000,
        ["2.2", "3.2", "17.17"],
        ["rural-poor", "women", "indigenous-peoples"],
        [
            ("Gobierno Regional de Huancavelica", "SUB", "acc|gov", True),
            ("Ministerio de Desarrollo e Inclusión Social", "GOV", "gov", True),
            ("Alimentos Nutritivos Andinos S.A.C.", "PRV", "imp|fun", True),
            (
                "Red de Agentes Comunitarios de Salud de Acobamba",
                "COM",
                "imp|ben",
                True,
            ),
            ("Escuela de Nutrición del Centro Andino", "ACA", "tec", True),
            UN_F,
        ],
        "La anemia en menores de tres años se mide con tamizaje semestral.",
    ),
    S(
        "PE-HEA-002",
        "Salud materna con enfoque intercultural en centros de salud de Puno",
        ["122", "12220"],
        "Puno",
        "A",
        "N",
        "bilateral",
        ["grant"],
        "2016-03-01",
        "2020-02-29",
        1_600_000,
        ["3.1", "3.7"],
        ["women", "indigenous-peoples"],
        [
            ("Dirección Regional de Salud de Puno", "SUB", "acc|imp", True),
            ("Laboratorios del Altiplano S.A.C.", "PRV", "imp", True),
            ("Asociación de Parteras Tradicionales Aymara", "COM", "ben", True),
            DP_E,
        ],
        "Casas de espera materna adaptadas a prácticas culturales locales.",
    ),
    S(
        "PE-HEA-003",
        "Cadena de suministro de medicamentos esenciales en la Amazonía",
        ["121", "12220"],
        "Loreto",
        "W",
        "N",
        "multi-stakeholder",
        ["blended"],
        "2020-07-01",
        "2024-06-30",
        5_900_000,
        ["3.8"],
        ["rural-poor"],
        [
            ("Logística Farmacéutica Global S.A.", "PRV", "imp|acc", False),
            ("Distribuidora de Medicamentos Amazónica S.A.C.", "PRV", "imp", True),
            ("Dirección Regional de Salud de Loreto", "SUB", "ben", True),
            UN_F,
        ],
        "Operación logística tercerizada; poca información sobre resultados.",
        gaps=["inclusion"],
    ),
    S(
        "PE-HEA-004",
        "Equipamiento hospitalario con contrato de mantenimiento en Lambayeque",
        ["121", "12191", "12230"],
        "Lambayeque",
        "W",
        "P",
        "bilateral",
        ["loan"],
        "2017-11-01",
        "2021-10-31",
        None,
        ["3.8"],
        [],
        [
            ("Gobierno Regional de Lambayeque", "SUB", "ben", True),
            ("Equimédica Lambayecana S.A.", "PRV", "imp", None),
            DP_B,
        ],
        "Crédito ligado a proveedores; la ficha no registra el monto total.",
    ),
    S(
        "PE-HEA-005",
        "Prevención del dengue con vigilancia comunitaria en Piura y Tumbes",
        ["122", "12250"],
        "Piura",
        "A",
        "N",
        "triangular",
        ["grant"],
        "2021-01-01",
        "2023-12-31",
        740_000,
        ["3.3", "3.d"],
        ["rural-poor", "older-persons"],
        [
            ("Dirección Regional de Salud de Piura", "SUB", "acc", True),
            ("Dirección Regional de Salud de Tumbes", "SUB", "imp", True),
            ("Control Vectorial del Norte S.A.C.", "MSME", "imp", True),
            ("Juntas Vecinales de Vigilancia de Castilla", "COM", "ben|imp", True),
            SS_D,
            DP_A,
        ],
        "Alertas tempranas con reportes vecinales por mensajería móvil.",
    ),
    S(
        "PE-HEA-006",
        "Salud mental comunitaria para población migrante y de acogida en Lima",
        ["122", "12220"],
        "Lima",
        "S",
        "N",
        "multilateral",
        ["grant"],
        "2022-05-01",
        "2026-04-30",
        2_250_000,
        ["3.4", "3.8", "10.7"],
        ["migrants-and-refugees", "women", "youth", "persons-with-disabilities"],
        [
            ("Ministerio de Salud", "GOV", "acc|gov", True),
            ("Municipalidad Distrital de San Juan de Lurigancho", "SUB", "imp", True),
            ("Clínica Comunitaria Sol Naciente del Este S.A.C.", "MSME", "imp", True),
            ("Asociación Civil Escucha Activa Lima Este", "CSO", "imp", True),
            UN_F,
        ],
        "Centros de salud mental comunitaria con personal peruano y migrante.",
    ),
    S(
        "PE-HEA-007",
        "Telemedicina y formación de personal de salud en Amazonas",
        ["122", "12281"],
        "Amazonas",
        "A",
        "P",
        "south-south",
        ["grant"],
        "2019-04-01",
        "2021-03-31",
        390_000,
        ["3.c", "3.8"],
        ["rural-poor", "indigenous-peoples"],
        [
            ("Gobierno Regional de Amazonas", "SUB", "acc", True),
            ("Telemedicina Nororiente E.I.R.L.", "MSME", "imp", True),
            SS_D,
        ],
        "Cursos virtuales para personal de salud; informes finales extraviados.",
    ),
    # -------------------------------------------------------------- education
    S(
        "PE-EDU-001",
        "Formación técnica dual en agroindustria para jóvenes de Ica",
        ["113", "11330"],
        "Ica",
        "S",
        "F",
        "multi-stakeholder",
        ["grant"],
        "2017-03-01",
        "2022-02-28",
        3_300_000,
        ["4.3", "4.4", "8.6", "5.5"],
        ["youth", "women", "afro-descendants"],
        [
            ("Ministerio de Educación", "GOV", "acc|gov", True),
            ("Gobierno Regional de Ica", "SUB", "imp", True),
            ("Agroindustrias Huarango Dorado S.A.C.", "PRV", "fun|imp", True),
            ("Gremio Agroexportador del Sur Chico", "BA", "gov|fun", True),
            ("Sindicato de Trabajadores Agroindustriales del Valle", "TU", "gov", True),
            ("Instituto Superior Tecnológico Público de Chincha", "ACA", "imp", True),
            DP_B,
        ],
        "Aprendizaje en empresa con convenios de prácticas y tutores capacitados.",
    ),
    S(
        "PE-EDU-002",
        "Educación intercultural bilingüe en escuelas primarias de Ucayali",
        ["112", "11220"],
        "Ucayali",
        "A",
        "N",
        "bilateral",
        ["grant"],
        "2016-03-01",
        "2020-12-31",
        2_050_000,
        ["4.1", "4.5"],
        ["indigenous-peoples", "youth"],
        [
            ("Dirección Regional de Educación de Ucayali", "SUB", "acc|imp", True),
            ("Editorial Textos Amazónicos S.A.C.", "MSME", "imp", True),
            (
                "Federación Indígena Shipibo-Konibo Río Abajo",
                "IND",
                "ben",
                True,
            ),
            DP_A,
        ],
        "Materiales en lenguas originarias elaborados con docentes bilingües.",
    ),
    S(
        "PE-EDU-003",
        "Becas y mentorías para mujeres en carreras de ciencia y tecnología",
        ["114", "11420"],
        "Lima",
        "A",
        "N",
        "multi-stakeholder",
        ["grant"],
        "2021-01-01",
        "2024-12-31",
        1_100_000,
        ["4.3", "5.5", "9.5"],
        ["women", "youth"],
        [
            ("Consejo nacional de ciencia y tecnología", "GOV", "gov", True),
            ("Soluciones Tecnológicas Lomas de Lúcumo S.A.C.", "PRV", "fun", True),
            ("Fundación Científicas del Mañana", "FDN", "imp|fun", True),
            ("Universidad Politécnica Nueva Aurora", "ACA", "imp", True),
        ],
        "Mentorías con profesionales de empresas y seguimiento de egresadas.",
    ),
    S(
        "PE-EDU-004",
        "Infraestructura escolar resiliente mediante obras por impuestos en Cusco",
        ["111", "11120"],
        "Cusco",
        "W",
        "N",
        "multi-stakeholder",
        ["blended"],
        "2019-02-01",
        "2021-12-31",
        7_800_000,
        ["4.a"],
        ["rural-poor"],
        [
            ("Minera Tres Lagunas del Sur S.A.", "PRV", "fun|imp|acc", True),
            ("Municipalidad Provincial de Canchis", "SUB", "ben", True),
            ("Constructora Imperial del Sur S.A.C.", "PRV", "imp", True),
        ],
        "Obra ejecutada sin participación de las familias ni de los docentes.",
        facts={"inclusion.dialogue": "none", "inclusion.shared_governance": False},
    ),
    S(
        "PE-EDU-005",
        "Tutoría remota y alfabetización digital para escolares de Cajamarca",
        ["112", "11220"],
        "Cajamarca",
        "A",
        "P",
        "south-south",
        ["grant"],
        "2020-08-01",
        "2022-12-31",
        150_000,
        ["4.1", "4.4"],
        ["youth", "rural-poor"],
        [
            ("Unidad de Gestión Educativa Local de San Marcos", "SUB", "imp", True),
            ("Radio Educativa Cumbe E.I.R.L.", "MSME", "imp", True),
            SS_D,
        ],
        "Tutoría por radio y telefonía durante el cierre de escuelas.",
    ),
    S(
        "PE-EDU-006",
        "Educación inclusiva para estudiantes con discapacidad en Arequipa",
        ["111", "11220"],
        "Arequipa",
        "S",
        "N",
        "triangular",
        ["grant"],
        "2022-03-01",
        "2026-02-28",
        860_000,
        ["4.5", "4.a", "10.2"],
        ["persons-with-disabilities", "youth", "women"],
        [
            ("Gerencia Regional de Educación de Arequipa", "SUB", "acc|gov", True),
            ("Asociación de Familias por la Inclusión", "CSO", "gov|ben", True),
            ("Tecnologías de Apoyo Misti S.A.C.", "MSME", "imp", True),
            (
                "Facultad de Educación de una universidad pública regional",
                "ACA",
                "tec",
                True,
            ),
            SS_D,
            DP_E,
        ],
        "En ejecución; docentes de apoyo y tecnologías accesibles en aulas.",
    ),
    S(
        "PE-EDU-007",
        "Clubes escolares de ciencia y robótica en Tacna",
        ["113", "11320"],
        "Tacna",
        "W",
        "N",
        "bilateral",
        ["grant"],
        "2018-04-01",
        "2019-03-31",
        52_000,
        [],
        ["youth"],
        [
            ("Robótica Educativa Tacna E.I.R.L.", "MSME", "imp|acc", True),
            DP_E,
        ],
        "Proyecto pequeño de un año sin marco de resultados.",
        facts={
            "results.indicators_total": 0,
            "results.indicators_with_baseline_and_target": 0,
            "results.indicators_from_country_frameworks": 0,
            "results.target_progress": None,
        },
    ),
]

# ---------------------------------------------------------------------------
# evidence generation
# ---------------------------------------------------------------------------
TIER_Q = {"S": 0.80, "A": 0.52, "W": 0.24}
DOC_MISSING = {"F": 0.03, "N": 0.14, "P": 0.40}
GAP_MISSING = 0.90
# How much harder than average each field is to document (multiplies the
# partnership's missing-data rate).
DIFFICULTY = {
    "national_plan_alignment": 0.8,
    "government_role": 0.4,
    "country_systems_share": 1.6,
    "registered_with_agency": 0.5,
    "local_capacity": 0.9,
    "indicators_total": 0.5,
    "indicators_with_baseline_and_target": 0.9,
    "indicators_from_country_frameworks": 1.2,
    "sdg_targets": 0.5,
    "additionality": 1.0,
    "target_progress": 1.2,
    "dialogue": 0.9,
    "shared_governance": 0.8,
    "msme_access": 1.1,
    "publication": 0.5,
    "publication_completeness": 1.5,
    "reporting_frequency": 0.8,
    "evaluation": 0.9,
    "grievance_mechanism": 1.1,
    "contributions_disclosed": 1.0,
    "joint_reviews": 1.0,
    "target_groups": 0.4,
    "poor_district_share": 1.6,
    "disaggregation": 1.0,
    "gender_marker": 0.6,
    "safeguards": 1.0,
    "risk_sharing": 1.3,
    "private_solution_case": 1.3,
}
GOV_KINDS = {ActorKind.GOVERNMENT, ActorKind.SUBNATIONAL_GOVERNMENT}
PRIVATE_KINDS = {
    ActorKind.PRIVATE_SECTOR,
    ActorKind.MSME,
    ActorKind.PUBLIC_PRIVATE_PARTNERSHIP,
}
# Upper bounds of in-kind contributions (USD) of organisations with few means.
IN_KIND_CAP = {
    ActorKind.COMMUNITY_ORGANISATION: 60_000.0,
    ActorKind.INDIGENOUS_ORGANISATION: 60_000.0,
    ActorKind.TRADE_UNION: 40_000.0,
    ActorKind.CIVIL_SOCIETY: 200_000.0,
    ActorKind.ACADEMIA: 250_000.0,
}
FACT_ENUMS: dict[str, type[enum.Enum]] = {
    "government_role": GovernmentRole,
    "dialogue": DialogueLevel,
    "reporting_frequency": ReportingFrequency,
    "publication": DataPublication,
    "risk_sharing": RiskSharing,
}
# order in which disaggregation dimensions are adopted as documentation improves
DISAGG_ORDER = ["sex", "location", "age", "ethnicity", "income", "disability"]
REVIEW_DATE = dt.date(2025, 6, 30)  # the fictional review's cut-off date


def canonical(members: Iterable[E]) -> list[E]:
    """Sort enum members in declaration order.

    Set-valued fields (roles, instruments, target groups, disaggregation) are
    stored as membership flags in a `kampala.Portfolio`, so writing
    them in declaration order makes the file match a columnar round trip.
    """
    items = list(members)
    if not items:
        return items
    order: list[E] = list(type(items[0]))
    return sorted(items, key=order.index)


def clip01(x: float) -> float:
    """Clip `x` to [0, 1]."""
    return float(min(1.0, max(0.0, x)))


def level(
    rng: np.random.Generator, cls: type[Ordinal], q: float, sd: float = 0.55
) -> Any:
    """Draw an ordinal level around `q` (0 lowest, 1 highest)."""
    members = list(cls)
    top = len(members) - 1
    r = round(q * top + rng.normal(0.0, sd))
    return members[int(min(top, max(0, r)))]


def share(rng: np.random.Generator, centre: float, sd: float = 0.12) -> float:
    """Draw a share around `centre`, rounded to two decimals."""
    return round(clip01(centre + rng.normal(0.0, sd)), 2)


def build_actors(
    rng: np.random.Generator, spec: Spec, q: float, p_miss: float
) -> list[Actor]:
    """Actors with contributions drawn consistently with the budget."""
    rows = spec.actors
    funders = [i for i, r in enumerate(rows) if "fun" in r[2].split("|")]
    # Dirichlet weights: foreign funders usually carry most of the money; in
    # strong partnerships domestic funders carry more.
    alpha = np.array(
        [
            (1.0 + 2.0 * q) if rows[i][3] else (2.5 if rows[i][1] != "MSME" else 1.0)
            for i in funders
        ]
    )
    weights = rng.dirichlet(alpha) if funders else np.array([])
    budget = spec.budget if spec.budget is not None else 2_000_000.0
    actors = []
    for i, (name, kind, roles, domestic) in enumerate(rows):
        ak = KIND[kind]
        fin: float | None
        if i in funders:
            fin = round(budget * 0.92 * float(weights[funders.index(i)]), -3)
        else:
            fin = 0.0
        in_kind: float | None
        if ak in GOV_KINDS or ak in {
            ActorKind.COMMUNITY_ORGANISATION,
            ActorKind.INDIGENOUS_ORGANISATION,
            ActorKind.ACADEMIA,
            ActorKind.TRADE_UNION,
            ActorKind.CIVIL_SOCIETY,
        }:
            # labour, land, premises or staff time; capped by the kind of actor
            cap = IN_KIND_CAP.get(ak, math.inf)
            in_kind = round(min(cap, budget * rng.uniform(0.005, 0.03 + 0.05 * q)), -3)
        elif ak in PRIVATE_KINDS:
            in_kind = round(budget * rng.uniform(0.0, 0.04), -3)
        else:
            in_kind = 0.0
        # unknown amounts: more often for unknown budgets and poor records
        p_unknown = min(0.9, 0.1 + p_miss + (0.35 if spec.budget is None else 0.0))
        if rng.random() < p_unknown:
            fin = None
        if rng.random() < p_unknown:
            in_kind = None
        actors.append(
            Actor(
                name=name,
                kind=ak,
                roles=canonical(ROLE[r] for r in roles.split("|")),
                domestic=domestic,
                financial_contribution=fin,
                in_kind_contribution=in_kind,
                currency="USD",
            )
        )
    return actors


def build(rng: np.random.Generator, spec: Spec) -> Partnership:
    """Draw the evidence for one partnership and build its record."""
    q0 = clip01(TIER_Q[spec.tier] + rng.normal(0.0, 0.06))
    qp = {
        g: clip01(q0 + rng.normal(0.0, 0.12))
        for g in ("ownership", "results", "inclusion", "transparency", "lnob")
    }
    base = DOC_MISSING[spec.doc]
    start = dt.date.fromisoformat(spec.start)
    end = dt.date.fromisoformat(spec.end) if spec.end else None
    finished = end is not None and end <= REVIEW_DATE
    actors = build_actors(rng, spec, q0, base)
    kinds = {a.kind for a in actors}
    has_gov = bool(kinds & GOV_KINDS)
    gov_leads = any(
        a.kind in GOV_KINDS
        and (Role.GOVERNANCE in a.roles or Role.ACCOUNTABLE in a.roles)
        for a in actors
    )
    instruments = set(spec.instruments)
    modality = Modality(spec.modality)

    def keep(group: str, field: str, value: Any) -> Any:
        p = GAP_MISSING if group in spec.gaps else base
        return None if rng.random() < min(0.95, p * DIFFICULTY[field]) else value

    # -- principle 1
    q = qp["ownership"]
    role = level(rng, GovernmentRole, q + (0.15 if gov_leads else 0.0))
    if not has_gov:
        role = list(GovernmentRole)[min(role.rank, 1)]
    via_state = modality in {Modality.BILATERAL, Modality.MULTILATERAL} and has_gov
    ownership = OwnershipEvidence(
        national_plan_alignment=keep(
            "ownership", "national_plan_alignment", level(rng, Alignment, q)
        ),
        government_role=keep("ownership", "government_role", role),
        country_systems_share=keep(
            "ownership",
            "country_systems_share",
            share(rng, 0.55 * q + (0.25 if via_state else 0.0) - 0.1)
            if has_gov
            else 0.0,
        ),
        registered_with_agency=keep(
            "ownership", "registered_with_agency", bool(rng.random() < 0.45 + 0.5 * q)
        ),
        local_capacity=keep(
            "ownership", "local_capacity", level(rng, CapacityLevel, q)
        ),
    )

    # -- principle 2
    q = qp["results"]
    has_framework = rng.random() < 0.35 + q or spec.tier != "W"
    total = int(rng.integers(4, 19)) if has_framework else 0
    with_bt = round(total * clip01(q + rng.normal(0.05, 0.15)))
    from_country = round(total * clip01(0.8 * q + rng.normal(0.0, 0.15)))
    progress = (
        round(clip01(0.25 + 0.7 * q + rng.normal(0.0, 0.12)), 2)
        if start.year <= 2023 and total > 0
        else None
    )
    add_q = q + (0.2 if instruments & {"guarantee", "equity", "blended"} else 0.0)
    results = ResultsEvidence(
        indicators_total=keep("results", "indicators_total", total),
        indicators_with_baseline_and_target=keep(
            "results", "indicators_with_baseline_and_target", with_bt
        ),
        indicators_from_country_frameworks=keep(
            "results", "indicators_from_country_frameworks", from_country
        ),
        sdg_targets=keep("results", "sdg_targets", list(spec.sdg)),
        additionality=keep(
            "results", "additionality", level(rng, AdditionalityLevel, add_q)
        ),
        target_progress=keep("results", "target_progress", progress),
    )

    # -- principle 3
    q = qp["inclusion"]
    shared_p = (
        0.15
        + 0.7 * q
        + (0.15 if any(Role.GOVERNANCE in a.roles for a in actors) else 0.0)
    )
    msme_q = q + (0.15 if ActorKind.MSME in kinds else 0.0)
    inclusion = InclusionEvidence(
        dialogue=keep("inclusion", "dialogue", level(rng, DialogueLevel, q)),
        shared_governance=keep(
            "inclusion", "shared_governance", bool(rng.random() < shared_p)
        ),
        msme_access=keep(
            "inclusion", "msme_access", level(rng, ProvisionLevel, msme_q)
        ),
    )

    # -- principle 4
    q = qp["transparency"]
    pub_q = q + (
        0.1 if modality in {Modality.MULTILATERAL, Modality.BILATERAL} else 0.0
    )
    publication = level(rng, DataPublication, pub_q)
    evaluation = level(rng, EvaluationStatus, q if finished else 0.3 * q)
    infrastructure = spec.id[3:6] in {"ENE", "WAS"} or "loan" in instruments
    transparency = TransparencyEvidence(
        publication=keep("transparency", "publication", publication),
        publication_completeness=keep(
            "transparency",
            "publication_completeness",
            0.0 if publication is DataPublication.NONE else share(rng, 0.3 + 0.6 * q),
        ),
        reporting_frequency=keep(
            "transparency", "reporting_frequency", level(rng, ReportingFrequency, q)
        ),
        evaluation=keep("transparency", "evaluation", evaluation),
        grievance_mechanism=keep(
            "transparency",
            "grievance_mechanism",
            bool(rng.random() < 0.1 + 0.7 * q + (0.15 if infrastructure else 0.0)),
        ),
        contributions_disclosed=keep(
            "transparency",
            "contributions_disclosed",
            bool(rng.random() < 0.1 + 0.8 * q),
        ),
        joint_reviews=keep(
            "transparency",
            "joint_reviews",
            bool(has_gov and rng.random() < 0.15 + 0.8 * q),
        ),
    )

    # -- principle 5
    q = qp["lnob"]
    n_dis = int(min(6, max(0, round(q * 4.5 + rng.normal(0.0, 0.8)))))
    dis = DISAGG_ORDER[:n_dis]
    if "indigenous-peoples" in spec.groups and n_dis >= 2 and "ethnicity" not in dis:
        dis[-1] = "ethnicity"
    if (
        "persons-with-disabilities" in spec.groups
        and n_dis >= 1
        and "disability" not in dis
    ):
        dis[-1] = "disability"
    if ("women" in spec.groups and "5.5" in spec.sdg) or spec.id in {
        "PE-TEL-006",
        "PE-FIN-002",
        "PE-EDU-003",
    }:
        marker = GenderMarker.PRINCIPAL
    else:
        # gender equality is rarely the principal objective elsewhere
        gq = 0.55 * q + (0.15 if "women" in spec.groups else -0.1)
        marker = level(rng, GenderMarker, gq)
    poverty = {"high": 0.78, "mid": 0.5, "low": 0.18}[POVERTY[spec.region]]
    risk_q = q + (
        0.2 if instruments & {"loan", "guarantee", "equity", "blended"} else 0.0
    )
    lnob = LeaveNoOneBehindEvidence(
        target_groups=keep(
            "leave_no_one_behind",
            "target_groups",
            canonical(TargetGroup(g) for g in spec.groups),
        ),
        poor_district_share=keep(
            "leave_no_one_behind",
            "poor_district_share",
            share(rng, poverty + 0.2 * (q - 0.5), 0.1),
        ),
        disaggregation=keep(
            "leave_no_one_behind",
            "disaggregation",
            canonical(Disaggregation(d) for d in dis),
        ),
        gender_marker=keep("leave_no_one_behind", "gender_marker", marker),
        safeguards=keep(
            "leave_no_one_behind",
            "safeguards",
            level(rng, ProvisionLevel, q + (0.15 if infrastructure else 0.0)),
        ),
        risk_sharing=keep(
            "leave_no_one_behind", "risk_sharing", level(rng, RiskSharing, risk_q)
        ),
        private_solution_case=keep(
            "leave_no_one_behind",
            "private_solution_case",
            level(rng, ProvisionLevel, q),
        ),
    )

    groups: dict[str, Any] = {
        "ownership": ownership,
        "results": results,
        "inclusion": inclusion,
        "transparency": transparency,
        "leave_no_one_behind": lnob,
    }
    changes: dict[str, dict[str, Any]] = {g: {} for g in groups}
    for key, value in spec.facts.items():
        group, field = key.split(".")
        changes[group][field] = (
            FACT_ENUMS[field](value) if isinstance(value, str) else value
        )
    groups = {g: attrs.evolve(ev, **changes[g]) for g, ev in groups.items()}
    ownership, results, inclusion, transparency, lnob = groups.values()

    return Partnership(
        id=spec.id,
        title=spec.title,
        country="PE",
        sectors=list(spec.sectors),
        start=start,
        end=end,
        budget_usd=float(spec.budget) if spec.budget is not None else None,
        modality=modality,
        instruments=canonical(Instrument(i) for i in spec.instruments),
        actors=actors,
        ownership=ownership,
        results=results,
        inclusion=inclusion,
        transparency=transparency,
        leave_no_one_behind=lnob,
        notes=spec.notes,
    )


# ---------------------------------------------------------------------------
# (de)serialisation
# ---------------------------------------------------------------------------
def _serialise_value(instance: Any, field: Any, value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def to_dict(p: Partnership) -> dict[str, Any]:
    """Serialise a partnership to JSON-ready built-in types."""
    return attrs.asdict(p, value_serializer=_serialise_value)


def _enum_or_none(cls: type[enum.Enum], value: Any) -> Any:
    return None if value is None else cls(value)


def _enum_list(cls: type[enum.Enum], value: Any) -> Any:
    return None if value is None else [cls(v) for v in value]


def from_dict(d: dict[str, Any]) -> Partnership:
    """Rebuild a `Partnership` from its JSON object."""
    o, r, i, t, lnb = (
        d["ownership"],
        d["results"],
        d["inclusion"],
        d["transparency"],
        d["leave_no_one_behind"],
    )
    return Partnership(
        id=d["id"],
        title=d["title"],
        country=d["country"],
        sectors=d["sectors"],
        start=None if d["start"] is None else dt.date.fromisoformat(d["start"]),
        end=None if d["end"] is None else dt.date.fromisoformat(d["end"]),
        budget_usd=d["budget_usd"],
        modality=_enum_or_none(Modality, d["modality"]),
        instruments=[Instrument(v) for v in d["instruments"]],
        actors=[
            Actor(
                name=a["name"],
                kind=ActorKind(a["kind"]),
                roles=[Role(v) for v in a["roles"]],
                domestic=a["domestic"],
                financial_contribution=a["financial_contribution"],
                in_kind_contribution=a["in_kind_contribution"],
                currency=a["currency"],
            )
            for a in d["actors"]
        ],
        ownership=OwnershipEvidence(
            national_plan_alignment=_enum_or_none(
                Alignment, o["national_plan_alignment"]
            ),
            government_role=_enum_or_none(GovernmentRole, o["government_role"]),
            country_systems_share=o["country_systems_share"],
            registered_with_agency=o["registered_with_agency"],
            local_capacity=_enum_or_none(CapacityLevel, o["local_capacity"]),
        ),
        results=ResultsEvidence(
            indicators_total=r["indicators_total"],
            indicators_with_baseline_and_target=r[
                "indicators_with_baseline_and_target"
            ],
            indicators_from_country_frameworks=r["indicators_from_country_frameworks"],
            sdg_targets=r["sdg_targets"],
            additionality=_enum_or_none(AdditionalityLevel, r["additionality"]),
            target_progress=r["target_progress"],
        ),
        inclusion=InclusionEvidence(
            dialogue=_enum_or_none(DialogueLevel, i["dialogue"]),
            shared_governance=i["shared_governance"],
            msme_access=_enum_or_none(ProvisionLevel, i["msme_access"]),
        ),
        transparency=TransparencyEvidence(
            publication=_enum_or_none(DataPublication, t["publication"]),
            publication_completeness=t["publication_completeness"],
            reporting_frequency=_enum_or_none(
                ReportingFrequency, t["reporting_frequency"]
            ),
            evaluation=_enum_or_none(EvaluationStatus, t["evaluation"]),
            grievance_mechanism=t["grievance_mechanism"],
            contributions_disclosed=t["contributions_disclosed"],
            joint_reviews=t["joint_reviews"],
        ),
        leave_no_one_behind=LeaveNoOneBehindEvidence(
            target_groups=_enum_list(TargetGroup, lnb["target_groups"]),
            poor_district_share=lnb["poor_district_share"],
            disaggregation=_enum_list(Disaggregation, lnb["disaggregation"]),
            gender_marker=_enum_or_none(GenderMarker, lnb["gender_marker"]),
            safeguards=_enum_or_none(ProvisionLevel, lnb["safeguards"]),
            risk_sharing=_enum_or_none(RiskSharing, lnb["risk_sharing"]),
            private_solution_case=_enum_or_none(
                ProvisionLevel, lnb["private_solution_case"]
            ),
        ),
        notes=d["notes"],
    )


def make() -> str:
    """Build every record and return the JSON text of the portfolio."""
    rng = np.random.default_rng(2019)
    records = [build(rng, spec) for spec in SPECS]
    Portfolio.from_records(records, name=NAME)  # checks ids and columns
    doc = {
        "format": FORMAT,
        "name": NAME,
        "description": DESCRIPTION,
        "partnerships": [to_dict(p) for p in records],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=False) + "\n"


# ---------------------------------------------------------------------------
# verification
# ---------------------------------------------------------------------------
EVIDENCE_GROUPS = (
    "ownership",
    "results",
    "inclusion",
    "transparency",
    "leave_no_one_behind",
)


def verify(path: Path, threshold: float = 0.5) -> None:
    """Load the file back, rebuild the records, score them and print a summary."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["format"] == FORMAT, doc["format"]
    records = [from_dict(d) for d in doc["partnerships"]]
    assert [to_dict(p) for p in records] == doc["partnerships"], "round trip differs"
    pf = Portfolio.from_records(records, name=doc["name"])
    columnar = Portfolio.from_columns(dict(pf.columns), dict(pf.actors))
    assert columnar.records == records, "columnar round trip differs"
    print(f"{doc['name']}: {len(pf)} partnerships")

    by_sector = Counter(p.id[3:6] for p in records)
    print("by sector:", dict(by_sector))
    print(
        "modality:", dict(Counter(str(p.modality.value) for p in records if p.modality))
    )
    print(
        "instruments:",
        dict(Counter(i.value for p in records for i in p.instruments)),
    )
    budgets = [p.budget_usd for p in records if p.budget_usd is not None]
    print(
        f"budget USD: n={len(budgets)} known, {len(records) - len(budgets)} unknown; "
        f"min {min(budgets):,.0f}, median {float(np.median(budgets)):,.0f}, "
        f"max {max(budgets):,.0f}, total {sum(budgets):,.0f}"
    )
    starts = [p.start.year for p in records if p.start is not None]
    print(
        f"start years {min(starts)}-{max(starts)}; "
        f"open-ended {sum(p.end is None for p in records)}; "
        f"ending after {REVIEW_DATE}: "
        f"{sum(p.end is not None and p.end > REVIEW_DATE for p in records)}"
    )
    n_actors = [len(p.actors) for p in records]
    actors = [a for p in records for a in p.actors]
    print(
        f"actors: {len(actors)} (per partnership {min(n_actors)}-{max(n_actors)}, "
        f"mean {np.mean(n_actors):.1f}); domestic unknown "
        f"{sum(a.domestic is None for a in actors)}; financial contribution unknown "
        f"{sum(a.financial_contribution is None for a in actors)}; in-kind unknown "
        f"{sum(a.in_kind_contribution is None for a in actors)}"
    )
    print("actor kinds:", dict(Counter(a.kind.value for a in actors)))

    missing = total = 0
    for p in records:
        for g in EVIDENCE_GROUPS:
            for v in attrs.astuple(getattr(p, g), recurse=False):
                total += 1
                missing += v is None
    print(f"evidence fields missing: {missing}/{total} = {missing / total:.1%}")

    print()
    print(
        f"{'principle':<34} {'scorer':<28} {'mean':>5} {'sd':>5} {'min':>5} "
        f"{'max':>5}  coverage quartiles (min/25/50/75/max)   cov<{threshold}"
    )
    composite = []
    for principle, scorer_id, _version in default_registry.available():
        ps = default_registry.get(principle, scorer_id).score(pf)
        s, c = ps.score(), ps.coverage()
        composite.append(np.where(c >= threshold, s, np.nan))
        qs = np.quantile(c, [0, 0.25, 0.5, 0.75, 1])
        low = [pf.ids[i] for i in np.flatnonzero(c < threshold)]
        print(
            f"{principle.code + ' ' + principle.title():<34} {scorer_id:<28} "
            f"{np.nanmean(s):5.2f} {np.nanstd(s):5.2f} {np.nanmin(s):5.2f} "
            f"{np.nanmax(s):5.2f}  "
            + " ".join(f"{v:.2f}" for v in qs)
            + f"   {len(low):>2} {', '.join(low)}"
        )
    m = np.vstack(composite).T
    mean = np.where(np.isnan(m).sum(axis=1) <= 1, np.nanmean(m, axis=1), np.nan)
    order = np.argsort(-np.nan_to_num(mean, nan=-1.0), kind="stable")
    print()
    print("unweighted mean of principles (flagged principles left out; NaN if >1):")
    for i in order:
        tier = SPECS[i].tier
        print(
            f"  {pf.ids[i]}  {tier}  {mean[i]:.2f}  "
            + " ".join("  -- " if math.isnan(v) else f"{v:5.2f}" for v in m[i])
        )


def main(argv: list[str] | None = None) -> int:
    """Write the sample portfolio (unless `--check`) and verify it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify only")
    parser.add_argument("--out", type=Path, default=OUT, help="output file")
    args = parser.parse_args(argv)
    if not args.check:
        text = make()
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(text.encode('utf-8')):,} bytes)")
    verify(args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
