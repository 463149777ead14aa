import six


def name() -> str:
    return "core" if six.PY3 else "?"
