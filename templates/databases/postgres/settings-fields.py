
    # A secret: SecretStr keeps it out of reprs and logs, and errors never show their input. The
    # default suits `poetry run` beside compose.yaml's database and holds no password: compose.yaml,
    # your .env or the Kubernetes Secret give the real URL.
    database_url: SecretStr = Field(
        default="postgresql+psycopg://{{ cookiecutter.package_name }}@localhost:5432/{{ cookiecutter.package_name }}",
        validate_default=True,
        description="The database: `postgresql+psycopg://user:password@host:5432/name` (a secret).",
    )
    # Per server process: workers x pool size must stay under the database's max_connections.
    database_pool_size: int = Field(
        default=5, ge=1, description="Database connections each server process keeps, at most."
    )
    database_connect_timeout: int = Field(
        default=5, ge=1, description="Seconds to wait for the database to accept a connection."
    )

    @field_validator("database_url")
    @classmethod
    def is_a_postgres_url(cls, value: SecretStr) -> SecretStr:
        """A PostgreSQL URL, for the psycopg driver (`postgresql://` gets it too)."""
        try:
            url = make_url(value.get_secret_value())
        except ArgumentError:
            url = None
        if (
            url is None
            or url.drivername not in {"postgresql", "postgresql+psycopg"}
            or not url.host
            # A password with an `@` not percent-encoded: its end would be read as the host,
            # which connection errors then show.
            or "@" in url.host
        ):
            # The message names the rule, never the value: it would show the password.
            raise ValueError(
                "use postgresql+psycopg://user:password@host:5432/name,"
                " with @ : / in the password percent-encoded (%40 %3A %2F)"
            )
        psycopg_url = url.set(drivername="postgresql+psycopg")
        return SecretStr(psycopg_url.render_as_string(hide_password=False))