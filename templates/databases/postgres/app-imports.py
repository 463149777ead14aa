from fastapi import APIRouter, FastAPI, Request

from {{ cookiecutter.package_name }} import __version__, database, items
