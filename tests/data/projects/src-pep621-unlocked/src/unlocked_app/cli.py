import click


@click.command()
def main() -> None:
    click.echo("src pep621 unlocked ok")


@click.command()
def admin() -> None:
    click.echo("admin")
