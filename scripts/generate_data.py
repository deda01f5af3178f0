"""Generate the raw data set: ``python scripts/generate_data.py [--scale S] [--seed N] ...``.

A thin entry point for ``plantledger generate``; see ``plantledger generate --help``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # usable without an install

from plantledger.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["generate", *sys.argv[1:]]))
