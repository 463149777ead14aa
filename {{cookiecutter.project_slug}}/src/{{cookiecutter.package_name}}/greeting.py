"""The greeting the command line prints."""


def greet(name: str) -> str:
    """Return a greeting for ``name``; a blank name greets the world."""
    return f"Hello, {name.strip() or 'World'}!"
