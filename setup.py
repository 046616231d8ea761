"""Packaging detail pyproject.toml cannot express: ship the top-level ``schemas/`` folder inside
the wheel as ``armgen._schemas`` so an installed armgen validates without a source checkout."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["armgen", "armgen.*"]), "armgen._schemas"],
    package_dir={"armgen._schemas": "schemas"},
    package_data={"armgen": ["py.typed"], "armgen._schemas": ["*.json", "**/*.json"]},
)
