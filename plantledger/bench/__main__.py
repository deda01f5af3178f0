"""``python -m plantledger.bench``: ``--child ...`` is one measured generation run (see
:func:`plantledger.bench.timing.run_generation`); anything else is ``plantledger bench``."""

from __future__ import annotations

import sys

if sys.argv[1:2] == ["--child"]:
    from plantledger.bench.timing import child_main

    sys.exit(child_main(sys.argv[2:]))

from plantledger.cli import main

sys.exit(main(["bench", *sys.argv[1:]]))
