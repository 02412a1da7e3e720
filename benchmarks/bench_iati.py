"""Benchmark the IATI reader: parse and map 10,000 activities (about 100 MB).

The workload is a synthetic IATI 2.03 activity file written to a temporary
directory: one realistic activity (narratives in Spanish and English, four
participating organisations, dates, locations, DAC and non-DAC sectors, SDG
tags, policy markers, budgets, planned disbursements, transactions, document
links and three results with baselines, periods, targets, actuals and
dimensions), about 10 KB of XML, repeated with its identifiers, names,
amounts, codes and dates varied.

`kampala.io.iati.import_iati` then reads the file twice, each time in a
fresh child process so that its figures are its own:

1. timed: wall-clock time of the call, and the peak resident memory of the
   process (`ru_maxrss`, which includes the interpreter and imports);
2. traced: the peak of the memory Python allocates during the call
   (`tracemalloc`, which slows the run down and so is not timed).

Goals (issue 5): 10 s or less, and peak memory 500 MB or less.

Run `python benchmarks/bench_iati.py` (`--help` for options).

`--big-token MIB` times instead one very long token of MIB MiB (an
attribute, a comment, a text, a comment before the root element) against
the goal of issue 11: 2 s or less for a 64 MiB token, read in linear time or
refused with its limit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

TIME_GOAL_S = 10.0
BIG_TOKEN_GOAL_S = 2.0
MEMORY_GOAL_MB = 500.0

_DESCRIPTION_ES = (
    "El programa financia la ampliación y el mejoramiento de los servicios de "
    "agua potable y saneamiento en ciudades intermedias, con obras de captación, "
    "plantas de tratamiento, redes de distribución y conexiones domiciliarias, "
    "así como el fortalecimiento de la empresa prestadora, la micromedición y "
    "la gestión comercial. Incluye un componente de educación sanitaria dirigido "
    "a hogares de bajos ingresos y a organizaciones comunales, y un plan de "
    "gestión ambiental y social acordado con el gobierno regional. "
)
_DESCRIPTION_EN = (
    "The programme finances the expansion and improvement of drinking water and "
    "sanitation services in intermediate cities: intakes, treatment plants, "
    "distribution networks and household connections, and the strengthening of "
    "the utility, metering and commercial management. It includes a hygiene "
    "education component for low-income households and community organisations, "
    "and an environmental and social management plan agreed with the regional "
    "government. "
)
_COUNTRIES = ("PE", "PE", "PE", "BO", "CO", "EC")
_REGIONS = ("Piura", "Cajamarca", "Cusco", "Loreto", "Puno", "Lima")


def activity(i: int) -> str:
    """Return one activity as XML text, varied by `i`."""
    c = _COUNTRIES[i % len(_COUNTRIES)]
    region = _REGIONS[i % len(_REGIONS)]
    year = 2015 + i % 9
    amount = 1_000_000 + (i * 7919) % 50_000_000
    sector = ("14020", "14030", "21020", "23230", "31120", "25010")[i % 6]
    goal = 1 + i % 17
    org_type = ("72", "70", "71", "22", "24", "")[i % 6]
    results = "".join(_result(i, k, year) for k in range(2))
    return f"""  <iati-activity xml:lang="es" default-currency="USD" \
last-updated-datetime="2025-10-09T22:23:57Z" hierarchy="1">
    <iati-identifier>XM-DAC-99999-BENCH-{i:06d}</iati-identifier>
    <reporting-org ref="XM-DAC-99999" type="40">
      <narrative>Banco de Desarrollo de Ejemplo</narrative>
      <narrative xml:lang="en">Example Development Bank</narrative>
    </reporting-org>
    <title>
      <narrative>Agua y saneamiento para {region} (fase {i % 5 + 1})</narrative>
      <narrative xml:lang="en">Water and sanitation for {region} \
(phase {i % 5 + 1})</narrative>
    </title>
    <description type="1">
      <narrative>{_DESCRIPTION_ES}</narrative>
      <narrative xml:lang="en">{_DESCRIPTION_EN}</narrative>
    </description>
    <description type="2">
      <narrative>{_DESCRIPTION_ES[:400]}</narrative>
    </description>
    <participating-org ref="XM-DAC-99999" type="40" role="1">
      <narrative>Banco de Desarrollo de Ejemplo</narrative>
    </participating-org>
    <participating-org ref="{c}-RUC-20131370{i % 1000:03d}" type="10" role="2">
      <narrative>Ministerio de Vivienda, Construcción y Saneamiento</narrative>
    </participating-org>
    <participating-org ref="{c}-RUC-20100{i:06d}" type="{org_type}" role="4">
      <narrative>Aguas de {region} S.A.C.</narrative>
    </participating-org>
    <participating-org type="24" role="4">
      <narrative>Asociación Comunal de {region}</narrative>
    </participating-org>
    <activity-status code="{2 + i % 3}"/>
    <activity-date iso-date="{year}-03-01" type="1"/>
    <activity-date iso-date="{year}-05-18" type="2">
      <narrative>Fecha de entrada en vigencia</narrative>
    </activity-date>
    <activity-date iso-date="{year + 5}-12-31" type="3"/>
    <contact-info type="1">
      <organisation><narrative>Banco de Desarrollo de Ejemplo</narrative>
      </organisation>
      <email>transparencia@example.org</email>
      <website>https://www.example.org</website>
    </contact-info>
    <recipient-country code="{c}" percentage="100"/>
    <location ref="LOC-{i}-1">
      <location-reach code="1"/>
      <name><narrative>{region}</narrative></name>
      <administrative vocabulary="G1" level="1" code="{1000 + i % 25}"/>
      <point srsName="http://www.opengis.net/def/crs/EPSG/0/4326">
        <pos>-5.19 -80.63</pos></point>
      <exactness code="1"/>
    </location>
    <sector vocabulary="1" code="{sector}" percentage="70"/>
    <sector vocabulary="2" code="{sector[:3]}" percentage="30"/>
    <sector vocabulary="99" code="{i % 12}" \
vocabulary-uri="https://www.example.org/sectores"><narrative>Agua</narrative>
    </sector>
    <tag vocabulary="2" code="{goal}"/>
    <tag vocabulary="3" code="6.{1 + i % 6}"/>
    <country-budget-items vocabulary="2">
      <budget-item code="1.1.{i % 9}" percentage="100">
        <description><narrative>Programa presupuestal</narrative></description>
      </budget-item>
    </country-budget-items>
    <policy-marker vocabulary="1" code="1" significance="{i % 3}"/>
    <policy-marker vocabulary="1" code="3" significance="{(i + 1) % 3}"/>
    <policy-marker vocabulary="1" code="6" significance="1"/>
    <policy-marker vocabulary="1" code="11" significance="{(i + 2) % 3}"/>
    <collaboration-type code="4"/>
    <default-flow-type code="10"/>
    <default-finance-type code="{("421", "110", "1100", "510")[i % 4]}"/>
    <default-aid-type code="{("C01", "A02", "C01", "B03")[i % 4]}" vocabulary="1"/>
    <default-tied-status code="{("5", "4", "3")[i % 3]}"/>
    <budget type="1" status="2">
      <period-start iso-date="{year + 1}-01-01"/>
      <period-end iso-date="{year + 1}-12-31"/>
      <value currency="USD" value-date="{year + 1}-01-01">{amount // 3}</value>
    </budget>
    <budget type="2" status="2">
      <period-start iso-date="{year + 1}-01-01"/>
      <period-end iso-date="{year + 1}-12-31"/>
      <value currency="USD" value-date="{year + 1}-01-01">{amount // 2}</value>
    </budget>
    <planned-disbursement type="1">
      <period-start iso-date="{year}-01-01"/><period-end iso-date="{year}-12-31"/>
      <value currency="USD" value-date="{year}-01-01">{amount // 4}</value>
    </planned-disbursement>
    {_transaction(2, year, amount)}
    {_transaction(3, year, amount // 4)}
    {_transaction(3, year + 1, amount // 4)}
    {_transaction(3, year + 2, 0)}
    {_transaction(4, year + 1, amount // 5)}
    <document-link format="text/html" \
url="https://www.example.org/proyectos/{i}">
      <title><narrative>Ficha del proyecto</narrative></title>
      <category code="A12"/><language code="es"/>
      <document-date iso-date="{year}-06-01"/>
    </document-link>
    <document-link format="application/pdf" \
url="https://www.example.org/evaluaciones/{i}.pdf">
      <title><narrative>Evaluación de medio término</narrative></title>
      <category code="{("A07", "A08", "A01")[i % 3]}"/><language code="es"/>
      <document-date iso-date="{year + 3}-06-01"/>
    </document-link>
{results}  </iati-activity>
"""


def _transaction(kind: int, year: int, value: int) -> str:
    return f"""<transaction ref="T-{kind}-{year}">
      <transaction-type code="{kind}"/>
      <transaction-date iso-date="{year}-07-01"/>
      <value currency="USD" value-date="{year}-07-01">{value}</value>
      <description><narrative>Transacción</narrative></description>
      <provider-org ref="XM-DAC-99999"><narrative>Banco</narrative></provider-org>
      <receiver-org ref="PE-RUC-20131370001"><narrative>Ministerio</narrative>
      </receiver-org>
    </transaction>"""


def _result(i: int, k: int, year: int) -> str:
    periods = "".join(
        f"""
        <period>
          <period-start iso-date="{year + p}-01-01"/>
          <period-end iso-date="{year + p}-12-31"/>
          <target value="{100 + 50 * (p + 1)}">
            <comment><narrative>Meta anual</narrative></comment>
          </target>
          <target value="{50 + 25 * (p + 1)}">
            <dimension name="sexo" value="mujeres"/>
          </target>
          <actual value="{100 + 40 * (p + 1) + i % 7}">
            <location ref="LOC-{i}-1"/>
          </actual>
        </period>"""
        for p in range(2)
    )
    return f"""    <result type="{1 + k % 2}" aggregation-status="1">
      <title><narrative>Resultado {k + 1}: hogares con acceso a agua \
segura</narrative>
        <narrative xml:lang="en">Result {k + 1}: households with safe \
water</narrative></title>
      <indicator measure="1" ascending="1">
        <title><narrative>Número de conexiones domiciliarias</narrative></title>
        <reference vocabulary="9" code="6.1.1"/>
        <baseline year="{year}" iso-date="{year}-01-01" value="100">
          <comment><narrative>Línea de base del estudio</narrative></comment>
        </baseline>{periods}
      </indicator>
    </result>
"""


def write_file(path: Path, n: int) -> int:
    """Write `n` activities to `path`; return the size in bytes."""
    with path.open("w", encoding="utf-8") as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(
            '<iati-activities version="2.03" '
            'generated-datetime="2025-10-09T22:23:57Z">\n'
        )
        for i in range(n):
            f.write(activity(i))
        f.write("</iati-activities>\n")
    return path.stat().st_size


def _child(path: str, mode: str) -> None:
    """Run one import in this (child) process and print its figures as JSON."""
    from kampala.io.iati import import_iati

    if mode == "traced":
        tracemalloc.start()
        result = import_iati(path, max_bytes=None)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        out: dict[str, Any] = {"traced_peak_mb": peak / 2**20}
    else:
        before = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.perf_counter()
        result = import_iati(path, max_bytes=None)
        seconds = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_SELF)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        scale = 1 if sys.platform == "darwin" else 1024  # bytes vs KiB
        out = {
            "seconds": seconds,
            "cpu_seconds": cpu,
            "maxrss_mb": after.ru_maxrss * scale / 2**20,
        }
    out["partnerships"] = len(result.portfolio)
    out["warnings"] = sum(len(a.warnings) for a in result.report.activities)
    print(json.dumps(out))


def _run_child(path: Path, mode: str) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    figures: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return figures


_BIG_TOKENS = {
    "attribute": (b"", b'<iati-activity xml:lang="', b'"/>'),
    "comment": (b"", b"<!--", b"-->"),
    "text": (
        b"",
        b"<iati-activity><title><narrative>",
        b"</narrative></title></iati-activity>",
    ),
    "comment before root": (b"<!--", b"", b"-->"),
}


def big_token(mib: int, folder: Path) -> bool:
    """Time `import_iati` on files with one token of `mib` MiB; True if all PASS."""
    from kampala.errors import DataFormatError
    from kampala.io.iati import import_iati

    n = mib << 20
    ok_all = True
    print(f"{'token':<22}{'MiB':>5}{'seconds':>9}  outcome")
    for label, (prolog, head, tail) in _BIG_TOKENS.items():
        path = folder / "big.xml"
        with path.open("wb") as f:
            f.write(b'<?xml version="1.0"?>\n')
            f.write((prolog + b"a" * n + tail) if prolog else b"")
            f.write(b'<iati-activities version="2.03">')
            f.write((head + b"a" * n + tail) if not prolog else b"")
            f.write(b"</iati-activities>\n")
        t0 = time.perf_counter()
        try:
            import_iati(path, max_bytes=None)
            outcome = "read"
        except DataFormatError as exc:
            outcome = "refused: " + str(exc).split(" (got")[0]
        seconds = time.perf_counter() - t0
        ok = seconds <= BIG_TOKEN_GOAL_S * max(1.0, mib / 64)
        ok_all &= ok
        print(
            f"{label:<22}{mib:>5}{seconds:>9.2f}  {'PASS' if ok else 'MISS'} "
            f"{outcome[:90]}"
        )
        path.unlink()
    return ok_all


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--activities", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs (best kept)")
    parser.add_argument("--keep", metavar="PATH", help="write the XML here and keep it")
    parser.add_argument("--json", metavar="PATH", help="also save the figures")
    parser.add_argument("--strict", action="store_true", help="exit 1 on a MISS")
    parser.add_argument(
        "--big-token",
        type=int,
        metavar="MIB",
        help="time one token of MIB MiB instead (goal: 2 s for 64 MiB)",
    )
    parser.add_argument(
        "--child", nargs=2, metavar=("MODE", "PATH"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        _child(args.child[1], args.child[0])
        return 0
    if args.big_token:
        with tempfile.TemporaryDirectory() as tmp:
            passed = big_token(args.big_token, Path(tmp))
        return 1 if (not passed and args.strict) else 0

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(args.keep) if args.keep else Path(tmp) / "activities.xml"
        t0 = time.perf_counter()
        size = write_file(path, args.activities)
        gen_s = time.perf_counter() - t0
        timed = [_run_child(path, "timed") for _ in range(max(1, args.runs))]
        traced = _run_child(path, "traced")
    best = min(timed, key=lambda r: r["seconds"])
    rss = max(r["maxrss_mb"] for r in timed)
    print(
        f"kampala IATI reader benchmark - Python {platform.python_version()}, "
        f"{platform.machine()}, {os.cpu_count()} CPU(s)"
    )
    print(
        f"file: {args.activities} activities, {size / 1e6:.1f} MB "
        f"({size / args.activities / 1e3:.1f} kB each), written in {gen_s:.1f} s"
    )
    print(
        f"imported: {best['partnerships']} partnerships, {best['warnings']} "
        "activity warnings"
    )
    rows = [
        (f"time (best of {len(timed)})", best["seconds"], "s", TIME_GOAL_S),
        ("peak RSS (ru_maxrss)", rss, "MB", MEMORY_GOAL_MB),
        ("peak traced (tracemalloc)", traced["traced_peak_mb"], "MB", MEMORY_GOAL_MB),
    ]
    print(f"{'measure':<28}{'value':>10}  {'goal':>10}  result")
    missed = False
    for label, value, unit, goal in rows:
        ok = value <= goal
        missed |= not ok
        print(
            f"{label:<28}{value:>8.2f} {unit:<2}  <= {goal:>6.0f} {unit:<2}  "
            f"{'PASS' if ok else 'MISS'}"
        )
    print(
        "all runs (wall / CPU): "
        + ", ".join(f"{r['seconds']:.2f} / {r['cpu_seconds']:.2f} s" for r in timed)
    )
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"load average at the end: {load:.2f} on {os.cpu_count()} CPU(s); wall "
        "time exceeds CPU time when other processes compete for the CPUs"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "activities": args.activities,
                    "bytes": size,
                    "timed": timed,
                    "traced": traced,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    return 1 if (missed and args.strict) else 0


if __name__ == "__main__":
    raise SystemExit(main())
