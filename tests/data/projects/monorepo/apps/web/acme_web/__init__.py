import acme_core
import acme_text
import click


@click.command()
def main() -> None:
    click.echo(f"web uses {acme_core.name()} and {acme_text.render()}", nl=False)
