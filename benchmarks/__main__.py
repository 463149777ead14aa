"""`python -m benchmarks`: the command line of `make bench` (benchmarks/run.py)."""

import sys

from benchmarks.run import main

sys.exit(main())
