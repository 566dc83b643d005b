"""Run the command-line tool: ``python -m glassnet``."""

from __future__ import annotations

import sys

from glassnet.cli import main

sys.exit(main())
