
        "DATABASE_URL": "postgresql+psycopg://app@db.example:5432/app",
        "DATABASE_POOL_SIZE": "10",
        "DATABASE_CONNECT_TIMEOUT": "2",