from fastapi import APIRouter, FastAPI

from {{ cookiecutter.package_name }} import __version__
