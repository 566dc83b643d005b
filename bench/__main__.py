"""``python -m bench``: run the benchmarks (see bench/run.py)."""

from __future__ import annotations

import sys

from bench.run import main, reexec_without_blas_overrides

reexec_without_blas_overrides()
sys.exit(main())
