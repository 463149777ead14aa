import click


@click.command()
def main() -> None:
    click.echo("flat legacy unlocked ok")
