"""The command line: ``hello`` prints a greeting, ``serve`` runs the health service."""

from __future__ import annotations

import click

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.greeting import greet
from {{ cookiecutter.package_name }}.server import make_server, serve_until_stopped


@click.group(invoke_without_command=True)
@click.version_option(__version__)
@click.pass_context
def main(ctx: click.Context) -> None:
    """Greet, or serve a health endpoint. Without a command, greet the world."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(hello)


@main.command()
@click.option("--name", default="World", show_default=True, help="Who to greet.")
def hello(name: str) -> None:
    """Print a greeting."""
    click.echo(greet(name))


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on (0: any free).")
def serve(host: str, port: int) -> None:
    """Serve GET /health until stopped (SIGTERM or Ctrl+C)."""
    server = make_server(host, port)
    bound_host, bound_port = server.server_address[:2]

    def announce() -> None:
        click.echo(f"Serving on http://{bound_host!s}:{bound_port}/health", err=True)

    serve_until_stopped(server, on_ready=announce)
    click.echo("Stopped.", err=True)
