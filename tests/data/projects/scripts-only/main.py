import click


@click.command()
def main() -> None:
    click.echo("scripts only ok")


if __name__ == "__main__":
    main()
