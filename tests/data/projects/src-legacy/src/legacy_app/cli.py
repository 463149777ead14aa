import click


@click.command()
def main() -> None:
    click.echo("src legacy ok")
