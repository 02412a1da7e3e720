"""Allow ``python -m kampala``."""

import sys

try:
    from kampala.cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load
    sys.stderr.write("kampala: interrupted\n")
    raise SystemExit(130) from None

raise SystemExit(main())
