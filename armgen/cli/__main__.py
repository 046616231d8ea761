"""``python -m armgen.cli``: the same entry point as the ``armgen`` script."""

from armgen.entry import run

run()
