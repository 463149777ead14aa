"""Jinja extensions that cookiecutter loads through `_extensions` in cookiecutter.json.

Cookiecutter puts the template's root on sys.path while it renders, so this module can import
the answer rules (`hooks/answer_rules.py`). They run at two moments, neither of which an answer
can switch off:

* right after each prompt, when answers are typed: every field in cookiecutter.json is followed
  by a private `__<field>_rules` variable holding the comment `{# answer rules: <field> #}`, which
  cookiecutter renders as soon as the field is answered. This extension turns that comment into
  a check of the field, so a bad answer stops the run at once. Without this extension (a replay
  made by an older template, say) the comment renders as nothing, and overriding the variable
  only gives up the early stop.
* when cookiecutter renders the project directory's name, `{{cookiecutter.project_slug}}`, which
  it does before it creates anything, on every path (prompts, `--no-input`, `key=value`, user
  config files, `--replay`). There every rule is applied to all the answers, and every broken rule
  is reported, one line each.

A refusal is raised as `FailedHookException`, which cookiecutter's command line prints as is and
which pytest-cookies reports as the bake's exception.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Mapping

from cookiecutter.exceptions import FailedHookException
from jinja2 import Environment, pass_environment
from jinja2.ext import Extension

from hooks.answer_rules import InvalidAnswerError, broken_rules, check_field, derived_fields

# The template of the project directory's name, as cookiecutter renders it (see the module doc).
PROJECT_DIRECTORY = "{{cookiecutter.project_slug}}"
FIELD_RULES_COMMENT = re.compile(r"\{#\s*answer rules:\s*([a-z_]+)\s*#\}")

# Characters that start inline markup (code, emphasis, links, HTML, entities, tables, strikethrough, headings).
MARKDOWN_INLINE = re.compile(r"[\\`*_\[\]<>&|~#]")
# What makes a line a list item or a block quote when it comes first.
MARKDOWN_LINE_START = re.compile(r"^(\d+)?([-+.)])")
# What a TOML basic string must escape: the quote, the backslash and control characters.
TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
TOML_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f\x7f]')


def answers_are_typed() -> bool:
    """Whether cookiecutter is prompting (rather than taking every answer as given, `--no-input`).

    Cookiecutter passes that to `prompt_for_config` only; its frame is the one place to read it.
    Not finding it (another cookiecutter version) means checking only once all answers are known.
    """
    frame = inspect.currentframe()
    while frame is not None:
        if frame.f_code.co_name == "prompt_for_config" and "no_input" in frame.f_locals:
            return not frame.f_locals["no_input"]
        frame = frame.f_back
    return False


@pass_environment
def answer_rules_for(environment: Environment, answers: Mapping[str, object], field: str) -> str:
    """Check one field right after its prompt; with every answer given up front, wait for all of them."""
    if answers_are_typed():
        derived = derived_fields(answers, slugify=environment.filters["slugify"])
        try:
            check_field(field, answers, derived)
        except InvalidAnswerError as refusal:
            raise FailedHookException(str(refusal)) from None
    return "checked"


@pass_environment
def checked_project_directory(environment: Environment, answers: Mapping[str, object]) -> str:
    """The project directory's name, once every answer has passed every rule."""
    refusals = broken_rules(answers, derived=derived_fields(answers, slugify=environment.filters["slugify"]))
    if refusals:
        raise FailedHookException("\n".join(str(refusal) for refusal in refusals))
    return str(answers["project_slug"])


def markdown_text(text: str) -> str:
    """Escape free text so that Markdown shows it literally (CommonMark backslash escapes)."""
    escaped = MARKDOWN_INLINE.sub(lambda match: "\\" + match.group(), text)
    return MARKDOWN_LINE_START.sub(lambda match: (match.group(1) or "") + "\\" + match.group(2), escaped)


def toml_string(text: str) -> str:
    """A TOML basic string that shows the text as typed: only what TOML requires is escaped.

    (Jinja's `tojson` also escapes `'`, `<`, `>` and `&` for HTML, and every non-ASCII character,
    which makes `Zoë's café` unreadable to whoever edits pyproject.toml.)
    """

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return TOML_ESCAPES.get(char, f"\\u{ord(char):04x}")

    return '"' + TOML_NEEDS_ESCAPE.sub(escape, text) + '"'


class AnswerRules(Extension):
    """Applies the answer rules at the two moments the module doc describes."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["answer_rules_for"] = answer_rules_for
        environment.filters["checked_project_directory"] = checked_project_directory

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        if name is None and source == PROJECT_DIRECTORY:
            return "{{ cookiecutter | checked_project_directory }}"
        return FIELD_RULES_COMMENT.sub(lambda match: f"{{{{ cookiecutter | answer_rules_for({match[1]!r}) }}}}", source)


class TomlString(Extension):
    """The `toml_string` filter, for free text in pyproject.toml."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["toml_string"] = toml_string


class MarkdownText(Extension):
    """The `markdown_text` filter, for free text that lands in Markdown files."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["markdown_text"] = markdown_text


# What Kubernetes accepts as the name of a Service (a DNS-1035 label): lowercase letters, digits
# and '-', starting with a letter and ending with a letter or digit, at most 63 characters. Label
# values share the length limit.
KUBERNETES_NAME_LENGTH = 63


def kubernetes_name(slug: str, suffix: str = "") -> str:
    """The project's name as the Kubernetes manifests give it to every object and label.

    A slug (checked by the answer rules: lowercase letters and digits, single '-' or '_' between
    words, a letter first, at most 64 characters) becomes a DNS-1035 label: '_' turns into '-',
    and the 64th character, if any, goes, with a '-' it would leave at the end. A suffix names a
    second object of the app (`migrate`, `database`): the name is shortened to leave room for it.
    """
    room = KUBERNETES_NAME_LENGTH - (len(suffix) + 1 if suffix else 0)
    name = slug.replace("_", "-")[:room].rstrip("-")
    return f"{name}-{suffix}" if suffix else name


class KubernetesName(Extension):
    """The `kubernetes_name` filter, for the names and labels of the Kubernetes manifests."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["kubernetes_name"] = kubernetes_name
