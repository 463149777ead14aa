import click


@click.command()
def main() -> None:
    click.echo("scripts only with scripts ok")


if __name__ == "__main__":
    main()
