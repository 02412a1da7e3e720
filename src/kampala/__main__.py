"""Allow ``python -m kampala``."""

import sys

try:
    from kampala.cli import main
except KeyboardInterrupt:  # Ctrl-C while the modules load
    sys.stderr.write("kampala: interrupted\n")
    raise SystemExit(130) from None

status = main()
try:  # standard output is flushed here, not at exit, where an error is ugly
    sys.stdout.flush()
except OSError as exc:  # such as /dev/full
    sys.stderr.write(f"kampala: cannot write to standard output: {exc.strerror}\n")
    status = 2
finally:
    from kampala.cli import _silence_stdout

    _silence_stdout()
raise SystemExit(status)
