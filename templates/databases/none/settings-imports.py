from pydantic import Field, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict
