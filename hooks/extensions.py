"""Jinja extensions that cookiecutter loads through `_extensions` in cookiecutter.json.

Cookiecutter puts the template's root on sys.path while it renders, so this module can import
the answer rules from the pre-generation hook instead of repeating them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment, pass_environment
from jinja2.ext import Extension

from hooks.pre_gen_project import InvalidAnswerError, check_answers, derived_fields

# Characters that start inline markup (code, emphasis, links, HTML, entities, tables, strikethrough, headings).
MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]<>&|~#]")
# What makes a line a list item or a block quote when it comes first.
MARKDOWN_LINE_START = re.compile(r"^(\d+)?([-+.)])")


@pass_environment
def checked_answers(environment: Environment, answers: Mapping[str, object]) -> str:
    """Apply every rule while cookiecutter renders the answers, before it creates any directory.

    A refusal is raised as `FailedHookException`, which cookiecutter's command line prints as
    one line, and which leaves nothing on disk. A refused default made from an earlier answer
    says so, found with the same `slugify` filter that cookiecutter.json derives it with.
    """
    try:
        check_answers(answers, derived=derived_fields(answers, slugify=environment.filters["slugify"]))
    except InvalidAnswerError as refusal:
        raise FailedHookException(str(refusal)) from None
    return "yes"


def markdown_text(text: str) -> str:
    """Escape free text so that Markdown shows it literally (CommonMark backslash escapes)."""
    escaped = MARKDOWN_INLINE.sub(lambda match: "\\" + match.group(), text)
    return MARKDOWN_LINE_START.sub(lambda match: (match.group(1) or "") + "\\" + match.group(2), escaped)


class AnswerRules(Extension):
    """The `checked_answers` filter, which `cookiecutter.json` applies to all answers."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["checked_answers"] = checked_answers


class TomlSafeJson(Extension):
    """`tojson` output that is also a valid TOML string, for free text in pyproject.toml.

    Jinja's `tojson` escapes every non-ASCII character, and a character beyond the Basic
    Multilingual Plane (an emoji) as a UTF-16 surrogate pair, `\\ud83d\\ude80`, which TOML refuses.
    Written as itself, it is valid in both; the answer rules already refuse the control and
    surrogate characters that JSON and TOML escape differently.
    """

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.policies["json.dumps_kwargs"] = {**environment.policies["json.dumps_kwargs"], "ensure_ascii": False}


class MarkdownText(Extension):
    """The `markdown_text` filter, for free text that lands in Markdown files."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["markdown_text"] = markdown_text
