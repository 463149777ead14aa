import click


@click.command()
def main() -> None:
    click.echo("flat pep621 ok")
