from fastapi import APIRouter, FastAPI, Request
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import Receive, Scope, Send

from {{ cookiecutter.package_name }} import __version__, database, items
