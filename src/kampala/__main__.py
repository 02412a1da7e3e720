"""Allow ``python -m kampala``."""

from kampala.cli import main

raise SystemExit(main())
