"""Run the benchmarks: ``python scripts/bench.py [--scales 0.1,1,10] [--repeat N] ...``.

A thin entry point for ``plantledger bench``; see ``plantledger bench --help``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # usable without an install

from plantledger.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]]))
