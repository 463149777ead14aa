"""Refuse answers that would produce a broken project, before anything is written.

The rules run twice, through the same `check_answers`:

* while cookiecutter renders its answers (`hooks/extensions.py`, wired in `cookiecutter.json`
  through `_extensions` and the `__answers_checked` variable). That is before cookiecutter
  creates the project directory, so a refused slug such as `a/b` or an empty one leaves
  nothing behind;
* as the pre-generation hook (this file run as a script), which also covers `--replay`.

Only the standard library may be imported:
cookiecutter runs this file with whatever interpreter it was installed with.
"""

from __future__ import annotations

import json
import keyword
import re
import reprlib
import sys
import unicodedata
from collections.abc import Callable, Mapping

# Rendered by cookiecutter when this file runs as the hook; a plain string when imported.
# Read as JSON data, never pasted into code, so no answer can inject Python.
ANSWERS_JSON = r"""{{ cookiecutter | tojson }}"""

SUPPORTED_PYTHON_VERSIONS = ("3.11", "3.12", "3.13", "3.14")
LICENSES = ("MIT", "Apache-2.0", "BSD-3-Clause", "Proprietary")
MAX_NAME_LENGTH = 64
SHORT_REPR = reprlib.Repr()
SHORT_REPR.maxstring = 80

# Names the generated project already uses for something else.
RUNTIME_DEPENDENCIES = frozenset({"click"})
RESERVED_COMMANDS = frozenset({"python", "python3", "pip", "pip3", "dumb-init"})

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
PACKAGE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# PEP 440 public versions (the canonical pattern of PEP 440 Appendix B, without local versions).
VERSION_PATTERN = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?P<post>(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?
    (?P<dev>[-_.]?dev[-_.]?[0-9]*)?
    """,
    re.VERBOSE | re.IGNORECASE,
)
# A practical subset of RFC 5322 addresses: what package indexes and git hosts accept.
EMAIL_PATTERN = re.compile(
    r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


class InvalidAnswerError(ValueError):
    """One answer broke one rule; the message says which, with the value and the rule."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(f"{field} {shown(value)} is not valid: {rule}")


def shown(value: object) -> str:
    """Show a value on one short line: repr escapes newlines and every unprintable character."""
    return SHORT_REPR.repr(value)


def check_single_line_text(field: str, value: str, *, required: bool) -> None:
    """Free text is kept as typed (the templates escape it); refuse only what cannot be one line."""
    if required and not value.strip():
        raise InvalidAnswerError(field, value, "it must not be blank")
    if any(unicodedata.category(char).startswith("C") for char in value):
        raise InvalidAnswerError(field, value, "use one line of printable text (no newlines or control characters)")
    if value != value.strip():
        raise InvalidAnswerError(field, value, "remove the leading or trailing whitespace")


def check_project_name(value: str) -> None:
    check_single_line_text("project_name", value, required=True)


def check_description(value: str) -> None:
    check_single_line_text("description", value, required=False)


def check_author_name(value: str) -> None:
    check_single_line_text("author_name", value, required=True)


def check_project_slug(value: str) -> None:
    """The slug names the directory, the distribution and the console command."""
    rule = (
        "use lowercase letters and digits, with single '-' or '_' between words, "
        f"starting with a letter, at most {MAX_NAME_LENGTH} characters"
    )
    if len(value) > MAX_NAME_LENGTH or not SLUG_PATTERN.fullmatch(value):
        raise InvalidAnswerError("project_slug", value, rule)
    if value in RESERVED_COMMANDS:
        raise InvalidAnswerError("project_slug", value, "it would hide a command the image needs; choose another name")


def check_package_name(value: str) -> None:
    """The package name is what `import` sees, so it must not shadow anything already importable."""
    if len(value) > MAX_NAME_LENGTH or not PACKAGE_PATTERN.fullmatch(value):
        rule = f"use lowercase letters, digits and '_', starting with a letter, at most {MAX_NAME_LENGTH} characters"
        raise InvalidAnswerError("package_name", value, rule)
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise InvalidAnswerError("package_name", value, "it is a Python keyword")
    if value in sys.stdlib_module_names:
        raise InvalidAnswerError("package_name", value, "it would shadow the standard-library module of that name")
    if value in RUNTIME_DEPENDENCIES or value == "tests":
        raise InvalidAnswerError("package_name", value, "the project already imports a package of that name")


def check_author_email(value: str) -> None:
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value):
        raise InvalidAnswerError("author_email", value, "use an address such as name@example.com")


def check_version(value: str) -> None:
    if not VERSION_PATTERN.fullmatch(value):
        raise InvalidAnswerError("version", value, "use a PEP 440 version such as 0.1.0 (no local '+' part)")


def check_python_version(value: str) -> None:
    if value not in SUPPORTED_PYTHON_VERSIONS:
        raise InvalidAnswerError("python_version", value, f"choose one of {', '.join(SUPPORTED_PYTHON_VERSIONS)}")


def check_license(value: str) -> None:
    if value not in LICENSES:
        raise InvalidAnswerError("license", value, f"choose one of {', '.join(LICENSES)}")


RULES: Mapping[str, Callable[[str], None]] = {
    "project_name": check_project_name,
    "project_slug": check_project_slug,
    "package_name": check_package_name,
    "description": check_description,
    "author_name": check_author_name,
    "author_email": check_author_email,
    "version": check_version,
    "python_version": check_python_version,
    "license": check_license,
}


def check_answers(answers: Mapping[str, object]) -> None:
    """Apply every rule, in the order cookiecutter asks; the first broken rule raises."""
    for field, rule in RULES.items():
        value = answers.get(field)
        if not isinstance(value, str):
            raise InvalidAnswerError(field, value, "a text value is required")
        rule(value)


def main() -> int:
    try:
        check_answers(json.loads(ANSWERS_JSON))
    except InvalidAnswerError as refusal:
        print(refusal, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
