"""Import kampala before pytest collects any of its modules.

With ``--import-mode=importlib`` and ``--doctest-modules``, collecting a file
such as ``src/kampala/records.py`` before the package itself can load a
second copy of that module, whose classes differ from the ones the package
uses; the doctests of that copy then fail. Importing the package first makes
every collected module the package's own.
"""

import os

import kampala  # noqa: F401

# kampala writes in the language of the environment (KAMPALA_LANG, else the
# locale); the examples and tests are in English unless they ask for Spanish.
os.environ["KAMPALA_LANG"] = "en"
