r"""Read IATI activity files (IATI Standard 2.01 to 2.03) into a portfolio.

Agencies publish what they fund as IATI activity XML. `read_iati` turns such
a file into a validated `Portfolio`, one `Partnership` per `iati-activity`;
`import_iati` does the same and also returns an `ImportReport` saying, for
every activity, which record fields were filled from which elements, which
evidence stayed missing, and every warning.

The mapping is the table `MAPPING` (one `MappingRow` per element or
attribute and record field); the page `docs/methodology/iati-mapping.md`
prints the same table with the rules and the IATI codelists used, and says
which Kampala evidence IATI cannot provide. Three rules run through it:

- **Absence is not a negative answer.** An element the file lacks leaves its
  field missing (`None`), never "no". Only a code that states a negative
  (policy significance `0`, "not targeted") gives one.
- **No guessing across currencies.** Amounts are kept only in US dollars;
  kampala does not convert currencies.
- **Quirks are warnings, not errors.** Missing references and types,
  placeholder years (before 1950), zero-value transactions, periods whose
  start equals their end, sector vocabularies other than the OECD DAC ones,
  unknown codes and activities with only a recipient region are imported;
  each problem is reported as a warning that names the activity and the
  element.

Files are untrusted input. Their prolog, the only place where XML allows
DTDs and entity declarations, is parsed with `defusedxml` (no DTD, no entity
expansion, no external entity, no network access); only then does the C
`ElementTree` parser read the activities, streaming them in chunks with one
activity in memory at a time. Only regular files are read (not a FIFO,
device or directory); files above a size limit are refused, as is a file
whose root start tag does not end within its first 1 MiB; reading takes time
linear in the size of the file, however long one attribute, comment or text
is; and malformed XML or an encoding the parser cannot read is reported with
its line.

`defusedxml` is part of the optional extra `io` (`pip install 'kampala[io]'`)
and is imported only when a file is read.

Examples
--------
>>> import io
>>> from kampala.io.iati import import_iati
>>> xml = b'''<iati-activities version="2.03">
...  <iati-activity default-currency="USD" xml:lang="es">
...   <iati-identifier>XM-EX-1-001</iati-identifier>
...   <reporting-org ref="XM-EX-1" type="40"><narrative>CAF</narrative>
...   </reporting-org>
...   <title><narrative>Agua segura</narrative>
...          <narrative xml:lang="en">Safe water</narrative></title>
...   <participating-org role="4" type="72" ref="PE-RUC-20100000001">
...     <narrative>Aguas del Sur S.A.</narrative></participating-org>
...   <recipient-country code="PE"/>
...   <sector vocabulary="1" code="14030"/>
...   <policy-marker vocabulary="1" code="1" significance="1"/>
...  </iati-activity>
... </iati-activities>'''
>>> result = import_iati(io.BytesIO(xml), lang="en")
>>> p = result.portfolio["XM-EX-1-001"]
>>> p.title, p.country, p.sectors
('Safe water', 'PE', ('14030',))
>>> p.actors[0].kind.value, p.actors[0].domestic
('private-sector', True)
>>> p.leave_no_one_behind.gender_marker
<GenderMarker.SIGNIFICANT: '1'>
>>> result.report["XM-EX-1-001"].source("sectors")
'sector/@code'
"""

from kampala.io.iati._api import import_iati, read_iati
from kampala.io.iati._report import ActivityReport, IatiImport, ImportReport
from kampala.io.iati._table import MAPPING, MappingRow
from kampala.io.iati._xml import DEFAULT_MAX_BYTES, SUPPORTED_VERSIONS, is_iati

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAPPING",
    "SUPPORTED_VERSIONS",
    "ActivityReport",
    "IatiImport",
    "ImportReport",
    "MappingRow",
    "import_iati",
    "is_iati",
    "read_iati",
]
