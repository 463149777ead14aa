"""A small command-line app: a greeting and an HTTP health endpoint."""

from importlib.metadata import version

__version__ = version("{{ cookiecutter.project_slug }}")
