"""The answer rules: one small pure function per field, and `broken_rules`, which applies them all.

`hooks/extensions.py` runs them while cookiecutter works (see there for when), so a refused
answer stops it before anything is written. Only the standard library may be imported here:
cookiecutter imports this module with whatever interpreter it was installed with.
"""

from __future__ import annotations

import json
import keyword
import re
import reprlib
import unicodedata
from collections.abc import Callable, Mapping
from pathlib import Path

# The choices cookiecutter offers, read from cookiecutter.json, the one place they are written;
# the rules check them again for answers that skip its prompt (replay files, user configs). The
# file is found from this module's own place: cookiecutter imports it from the template itself
# (it puts the template's root on sys.path to load hooks/extensions.py), as the tests do, never
# from a copy (only hooks/post_gen_project.py runs from a temporary file, and it does not import
# this module).
COOKIECUTTER_JSON = json.loads((Path(__file__).parent.parent / "cookiecutter.json").read_text(encoding="utf-8"))
# Oldest first, as the refusals list them (cookiecutter.json puts the default first).
SUPPORTED_PYTHON_VERSIONS = tuple(
    sorted(COOKIECUTTER_JSON["python_version"], key=lambda version: tuple(map(int, version.split("."))))
)
APP_KINDS = tuple(COOKIECUTTER_JSON["app_kind"])
LICENSES = tuple(COOKIECUTTER_JSON["license"])
CONTAINER_REGISTRIES = tuple(COOKIECUTTER_JSON["container_registry"])
# `database` is a text answer whose default follows app_kind (cookiecutter has no conditional
# prompts, and a list would offer a cli app a database it may not have): its choices are a private list.
DATABASES = tuple(COOKIECUTTER_JSON["_databases"])

MAX_NAME_LENGTH = 64
SHORT_REPR = reprlib.Repr()
SHORT_REPR.maxstring = 80

# Names the generated project already uses, generated from its lock files by
# scripts/refresh_reserved_names.py: every distribution of its whole dependency tree (dev group
# included), the import names and console scripts they install, what the venv and the image put on
# PATH, a list of shell basics, and the standard library of every supported Python.
RESERVED = json.loads(Path(__file__).with_name("reserved_names.json").read_text(encoding="utf-8"))
RESERVED_DISTRIBUTIONS = frozenset(RESERVED["distributions"])
RESERVED_IMPORT_NAMES = frozenset(RESERVED["import_names"])
RESERVED_COMMANDS = frozenset(RESERVED["console_scripts"])
STANDARD_LIBRARY = frozenset(name for names in RESERVED["stdlib_modules"].values() for name in names)

# Zero-width non-joiner and joiner: part of how Persian, Indic scripts and emoji sequences are
# written. Every other format character (bidi overrides, zero-width spaces, byte order marks)
# can disguise what a text says, so free text may not contain it.
JOINERS = frozenset({"\u200c", "\u200d"})
# Letters and symbols that render as nothing at all (Hangul fillers, the blank Braille pattern, the
# combining grapheme joiner, Khmer's inherent vowels): Unicode classes most of them as default
# ignorable, yet their categories (Lo, So, Mn) look like text's.
BLANK_LOOKING = frozenset({"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f", "\u17b4", "\u17b5"})

# The words a YAML 1.1 reader (PyYAML, Kubernetes' older tooling, GitHub's schema checks) loads as
# a boolean or null rather than as text, in the only case a slug can have. Every other special
# scalar of YAML 1.1 and 1.2 (numbers in any base, .inf, .nan, dates, ~) starts with something
# other than a letter, which SLUG_PATTERN already refuses.
YAML_SPECIAL_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null"})
SLUG_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:[-_][a-z0-9]+)*")
PACKAGE_PATTERN = re.compile(r"[a-z][a-z0-9_]*")
# A version as PEP 440 normalizes it (what `poetry version` prints and Version() gives back): no
# `v`, no leading zeros, `a`/`b`/`rc` and `.post`/`.dev` spelled one way. The release publishes
# the image under exactly this text (.github/image_tags.py), and deploy/kubernetes names it as
# its tag, so the two agree only if the answer is already normalized. No local part and no epoch:
# neither `+` nor `!` can be part of a Docker tag.
NUMBER = r"(?:0|[1-9][0-9]*)"
VERSION_PATTERN = re.compile(rf"{NUMBER}(?:\.{NUMBER})*(?:(?:a|b|rc){NUMBER})?(?:\.post{NUMBER})?(?:\.dev{NUMBER})?")
# Docker's limit for a tag.
MAX_TAG_LENGTH = 128
# A pinned tool version as pip's `==` takes it and as it lands in the Dockerfile and workflows:
# a normalized PEP 440 release, nothing else (no spaces, quotes, newlines or operators).
PIN_PATTERN = re.compile(r"[0-9]+(?:\.[0-9]+)*(?:(?:a|b|rc)[0-9]+)?(?:\.post[0-9]+)?(?:\.dev[0-9]+)?")
PINS = (
    "_poetry_version",
    "_poetry_pypi_mirror_plugin_version",
    "_poetry_export_plugin_version",
    "_uv_version",
    "_dumb_init_version",
)
# A practical subset of RFC 5322 addresses: what package indexes, git hosts and Poetry accept.
# The local part is a dot-atom: no leading, trailing or doubled dot.
EMAIL_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
EMAIL_PATTERN = re.compile(
    rf"{EMAIL_ATOM}(?:\.{EMAIL_ATOM})*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}"
)
# https://host[:port]/owner/name, with as many path segments as the host nests (GitLab groups).
# Only unreserved URL characters in the path, so the URL is safe unquoted in TOML, YAML and Markdown.
HOST_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
# A GitHub repository's URL: an owner of letters, digits and hyphens, a repository name of letters,
# digits, '.', '_' and '-' that is not '.' or '..', nothing after it.
GITHUB_REPOSITORY_PATTERN = re.compile(r"https://github\.com/[A-Za-z0-9][A-Za-z0-9-]*/(?!\.\.?$)[A-Za-z0-9._-]+")
REPOSITORY_URL_PATTERN = re.compile(
    rf"https://{HOST_LABEL}(?:\.{HOST_LABEL})+(?::[0-9]{{1,5}})?(?:/[A-Za-z0-9._~-]+){{2,}}"
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
    """Not a control, format, surrogate, private-use or unassigned character, nor a line break,
    nor a character that renders as nothing."""
    category = unicodedata.category(char)
    if char in JOINERS:
        return True
    return not (category.startswith("C") or category in {"Zl", "Zp"} or char in BLANK_LOOKING)


def check_single_line_text(field: str, value: str, *, required: bool) -> None:
    """Free text is kept as typed (the templates escape it); refuse only what cannot be one line."""
    if required and not value.strip():
        raise InvalidAnswerError(field, value, "it must not be blank")
    if not all(is_printable_on_one_line(char) for char in value):
        rule = "use one line of printable text (no newlines, control or invisible characters)"
        raise InvalidAnswerError(field, value, rule)
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


def normalized_distribution_name(name: str) -> str:
    """The name as package indexes compare it (PEP 503): `My_Tool` and `my-tool` are one project."""
    return re.sub(r"[-_.]+", "-", name).lower()


def check_project_slug(value: str) -> None:
    """The slug names the directory, the distribution and the console command."""
    rule = (
        "use lowercase letters and digits, with single '-' or '_' between words, "
        f"starting with a letter, at most {MAX_NAME_LENGTH} characters"
    )
    if len(value) > MAX_NAME_LENGTH or not SLUG_PATTERN.fullmatch(value):
        raise InvalidAnswerError("project_slug", value, rule)
    if value in YAML_SPECIAL_WORDS:
        rule = "YAML reads it as a boolean or null (the manifests, compose file and workflows would misread it)"
        raise InvalidAnswerError("project_slug", value, rule)
    if value in RESERVED_COMMANDS or normalized_distribution_name(value) in RESERVED_COMMANDS:
        rule = "it would hide a command that the project's environment or image runs; choose another name"
        raise InvalidAnswerError("project_slug", value, rule)
    if normalized_distribution_name(value) in RESERVED_DISTRIBUTIONS:
        raise InvalidAnswerError("project_slug", value, "the project depends on a distribution of that name")


def check_package_name(value: str) -> None:
    """The package name is what `import` sees, so it must not shadow anything already importable."""
    if len(value) > MAX_NAME_LENGTH or not PACKAGE_PATTERN.fullmatch(value):
        rule = f"use lowercase letters, digits and '_', starting with a letter, at most {MAX_NAME_LENGTH} characters"
        raise InvalidAnswerError("package_name", value, rule)
    if keyword.iskeyword(value) or keyword.issoftkeyword(value):
        raise InvalidAnswerError("package_name", value, "it is a Python keyword")
    if value in STANDARD_LIBRARY:
        rule = (
            f"it would shadow the standard-library module of that name (Python {', '.join(SUPPORTED_PYTHON_VERSIONS)})"
        )
        raise InvalidAnswerError("package_name", value, rule)
    if (
        value == "tests"
        or value in RESERVED_IMPORT_NAMES
        or normalized_distribution_name(value) in RESERVED_DISTRIBUTIONS
    ):
        raise InvalidAnswerError("package_name", value, "the project already uses a package of that name")


def check_author_email(value: str) -> None:
    if len(value) > 254 or not EMAIL_PATTERN.fullmatch(value):
        raise InvalidAnswerError("author_email", value, "use an address such as name@example.com")


def check_repository_url(value: str) -> None:
    if len(value) > 2000 or not REPOSITORY_URL_PATTERN.fullmatch(value) or value.endswith(".git"):
        rule = "use an https URL such as https://github.com/owner/name (no '.git', no trailing '/')"
        raise InvalidAnswerError("repository_url", value, rule)
    if {".", ".."} & set(value.split("/")[3:]):
        # A browser or registry resolves them: https://github.com/../.. is no repository of yours.
        raise InvalidAnswerError("repository_url", value, "leave out '.' and '..' as path segments")


def check_version(value: str) -> None:
    if len(value) > MAX_TAG_LENGTH or not VERSION_PATTERN.fullmatch(value):
        rule = (
            "use a normalized PEP 440 version such as 0.1.0, 1.0rc1, 1.0.post1 or 1.0.dev2, as `poetry "
            f"version` prints it (no 'v', leading zeros, local '+' part or epoch '!'; at most {MAX_TAG_LENGTH} "
            "characters): the release tags the image with it"
        )
        raise InvalidAnswerError("version", value, rule)


def check_choice(field: str, value: str, choices: tuple[str, ...]) -> None:
    """A choice cookiecutter offers as a list: checked too, for replay files and user configs."""
    if value not in choices:
        raise InvalidAnswerError(field, value, f"choose one of {', '.join(choices)}")


def check_app_kind(value: str) -> None:
    """What the sample is: a click command line, or a FastAPI service served by uvicorn."""
    check_choice("app_kind", value, APP_KINDS)


def check_database(value: str) -> None:
    """The database behind a web service, if any: the app, compose file and manifests follow it."""
    check_choice("database", value, DATABASES)


def check_database_fits_the_app_kind(value: str, answers: Mapping[str, object]) -> None:
    """Only the web kind has a database: a command-line app has no service to put one behind."""
    if value != "none" and answers.get("app_kind") != "web":
        rule = f"only a web service has a database (app_kind is {shown(answers.get('app_kind'))}); choose none"
        raise InvalidAnswerError("database", value, rule)


def check_python_version(value: str) -> None:
    check_choice("python_version", value, SUPPORTED_PYTHON_VERSIONS)


def check_license(value: str) -> None:
    check_choice("license", value, LICENSES)


def check_container_registry(value: str) -> None:
    """The registry the generated CI publishes the image to on version tags, if any."""
    check_choice("container_registry", value, CONTAINER_REGISTRIES)


def check_registry_publishes_the_repository(value: str, answers: Mapping[str, object]) -> None:
    """ghcr: the release pushes to ghcr.io/OWNER/NAME of the GitHub repository that runs it, and the
    Kubernetes manifests pull from the same name, made from repository_url. Any other URL would
    make them pull an image that someone else's account publishes."""
    url = answers.get("repository_url")
    try:
        check_repository_url(str(url))
    except InvalidAnswerError:
        return  # refused as repository_url already: one line for one mistake
    if value == "ghcr" and not (isinstance(url, str) and GITHUB_REPOSITORY_PATTERN.fullmatch(url)):
        rule = (
            f"the release publishes to ghcr.io/OWNER/NAME of a GitHub repository, so repository_url must be "
            f"https://github.com/OWNER/NAME (it is {shown(url)}); set it, or choose none"
        )
        raise InvalidAnswerError("container_registry", value, rule)


def check_pin(field: str, value: str) -> None:
    """The template's own pinned tool versions (private answers) land in the Dockerfile and workflows."""
    if not PIN_PATTERN.fullmatch(value):
        raise InvalidAnswerError(field, value, "use an exact, normalized PEP 440 version such as 2.5.1")


# The rules for text answers, in the order cookiecutter asks.
RULES: Mapping[str, Callable[[str], None]] = {
    "project_name": check_project_name,
    "app_kind": check_app_kind,
    "database": check_database,
    "project_slug": check_project_slug,
    "package_name": check_package_name,
    "description": check_description,
    "author_name": check_author_name,
    "author_email": check_author_email,
    "repository_url": check_repository_url,
    "version": check_version,
    "python_version": check_python_version,
    "license": check_license,
    "container_registry": check_container_registry,
}
# Rules that read an earlier answer too, checked after the field's own rule.
RULES_WITH_EARLIER_ANSWERS: Mapping[str, Callable[[str, Mapping[str, object]], None]] = {
    "database": check_database_fits_the_app_kind,
    "container_registry": check_registry_publishes_the_repository,
}
# Yes/no answers: cookiecutter makes booleans of what is typed, a replay file passes its JSON as is.
BOOLEAN_FIELDS = ("init_git_repository",)


def check_field(field: str, answers: Mapping[str, object], derived: Mapping[str, str] | None = None) -> None:
    """Apply one field's rule to its answer.

    `derived` maps an answer that holds the default made from an earlier answer (project_slug from
    project_name, package_name from project_slug) to that earlier field: its refusal then says
    where the value came from, and that setting the refused field itself is the way out.
    """
    value = answers.get(field)
    if field in BOOLEAN_FIELDS:
        if not isinstance(value, bool):
            raise InvalidAnswerError(field, value, "answer yes or no (true or false in a replay file)")
        return
    if not isinstance(value, str):
        raise InvalidAnswerError(field, value, "a text value is required")
    if field in PINS:
        check_pin(field, value)
        return
    try:
        RULES[field](value)
        if field in RULES_WITH_EARLIER_ANSWERS:
            RULES_WITH_EARLIER_ANSWERS[field](value, answers)
    except InvalidAnswerError as refusal:
        source = (derived or {}).get(field)
        if source is None:
            raise
        origin = f"the default made from {source} {shown(answers.get(source))}; set {field} yourself"
        raise InvalidAnswerError(field, value, f"{refusal.rule} ({origin})") from None


def broken_rules(answers: Mapping[str, object], derived: Mapping[str, str] | None = None) -> list[InvalidAnswerError]:
    """Every broken rule among all answers (text, yes/no and the pins), in the order cookiecutter asks."""
    refusals = []
    for field in (*RULES, *BOOLEAN_FIELDS, *PINS):
        try:
            check_field(field, answers, derived)
        except InvalidAnswerError as refusal:
            refusals.append(refusal)
    return refusals


def derived_fields(answers: Mapping[str, object], slugify: Callable[[str], str]) -> dict[str, str]:
    """Which answers equal the default that cookiecutter.json makes from an earlier answer, and from which.

    `slugify` is cookiecutter's filter of that name.
    """
    derived = {}
    if answers.get("project_slug") == slugify(str(answers.get("project_name"))):
        derived["project_slug"] = "project_name"
    if answers.get("package_name") == str(answers.get("project_slug")).replace("-", "_"):
        derived["package_name"] = "project_slug"
    owner = slugify(str(answers.get("author_name")))
    if answers.get("repository_url") == f"https://github.com/{owner}/{answers.get('project_slug')}":
        derived["repository_url"] = "author_name"
    return derived
