from pydantic import ValidationError
