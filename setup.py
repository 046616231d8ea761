"""The one packaging step pyproject.toml cannot express: ship the top-level ``schemas/`` folder in
the wheel as ``armgen/_schemas/`` (package data), so an installed armgen validates without a
source checkout.

Why a build_py step and not ``package_dir={"armgen._schemas": "schemas"}``: that mapping makes
every subfolder of ``schemas/`` an unlisted "package" (setuptools warns about each) and turns an
editable install into a meta-path finder (another warning). Copying the files into the build
keeps the layout plain: ``pip install -e .`` puts the checkout on the path, where
``armgen.checks.schemas.schema_dir`` reads ``schemas/`` directly. ``MANIFEST.in`` carries
``schemas/`` into the sdist, which ``python -m build`` builds the wheel from.
"""

from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class build_py_with_schemas(build_py):  # noqa: N801 - setuptools' command naming
    """build_py, plus ``schemas/**/*.json`` copied to ``armgen/_schemas/`` in the build."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):  # the checkout's schemas/ is used in place
            return
        source = ROOT / "schemas"
        files = sorted(source.rglob("*.json"))
        if not files:
            raise SystemExit(f"armgen: no schemas under {source}: the wheel would not validate anything")
        for f in files:
            target = Path(self.build_lib) / "armgen" / "_schemas" / f.relative_to(source)
            self.mkpath(str(target.parent))
            self.copy_file(str(f), str(target))


setup(cmdclass={"build_py": build_py_with_schemas})
