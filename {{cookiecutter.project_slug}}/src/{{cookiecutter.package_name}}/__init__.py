"""The package; its version is the installed distribution's (pyproject.toml sets it)."""

from importlib.metadata import version

__version__ = version("{{ cookiecutter.project_slug }}")
