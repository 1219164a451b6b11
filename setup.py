"""The package list, which pyproject.toml cannot express: every package under src/ (found, so a new one is never
forgotten) and the folders of run-time files that pyproject.toml maps into the package ([tool.setuptools] package-dir),
which automatic discovery does not look into."""

from setuptools import find_packages, setup

setup(packages=[*find_packages("src"), "marsad.data", "marsad.static", "marsad.streamlit_config"])
