"""`python3 -m console.telemetry.probe ARGS`, and what the shipped bundle runs as __main__."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
