

@main.command()
def migrate() -> None:
    """Upgrade the database to the newest migration: what compose.yaml's `migrate` service and the
    Kubernetes Job run before the app starts. Running it again changes nothing."""
    load_settings()  # a malformed URL stops here, on one line
    upgrade_to_head()
