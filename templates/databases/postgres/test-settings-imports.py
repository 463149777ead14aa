from pydantic import SecretStr, ValidationError
