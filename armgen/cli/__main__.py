"""``python -m armgen.cli``: the same entry point as the ``armgen`` script."""

from armgen.cli import run

run()
