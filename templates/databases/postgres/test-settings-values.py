
        "database_url": SecretStr("postgresql+psycopg://app@db.example:5432/app"),
        "database_pool_size": 10,
        "database_connect_timeout": 2,