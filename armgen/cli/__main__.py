"""``python -m armgen.cli``: the same entry point as the ``armgen`` script."""

import sys

from armgen.cli import main

sys.exit(main())
