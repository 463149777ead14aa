"""The answer rules of hooks/answer_rules.py, called directly: accept and reject tables."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import yaml
from slugify import slugify

from hooks import answer_rules, post_gen_project
from hooks.answer_rules import InvalidAnswerError
from tests.readme_commands import first_console_block
from tests.template import CHOICES, COOKIECUTTER_JSON, DATABASES, DEFAULTS, default_database

ACCEPTED: dict[str, list[str]] = {
    "project_name": ["My Project", "Café «Ünïcode»", 'Quotes " and \\ backslash', "x" * 200, "Rocket 🚀 Launcher"],
    "project_slug": ["my-project", "app", "data_tool", "a1-b2-c3", "x" * 64],
    "package_name": ["my_project", "app2", "data_tool", "x" * 64],
    "description": ["", "A tool.", "Uses # and [brackets] and {braces} & <angles> 100%", "Ships 🚀 fast"],
    # Zero-width joiners belong to Persian and Indic spelling and to emoji sequences.
    "author_name": ["Jane Doe", "Zoë O'Brien-Łukasz", "李小龍", "Doe, Jane", "علی\u200cرضا حسینی", "Dev 👩\u200d💻"],  # noqa: RUF001
    "author_email": ["jane@example.com", "first.last+tag@sub.example.co.uk", "x_y@example.io"],
    "repository_url": [
        "https://github.com/jane-doe/my-project",
        "https://gitlab.example.com/group/subgroup/app",
        "https://git.example.org:8443/team/app.name",
    ],
    "version": ["0.1.0", "1.0", "2.0.0rc1", "1.0.post2", "1.0.dev3", "0.0.0", "10.20.30"],
    # Every choice cookiecutter.json offers, so that a new one is accepted without a new row.
    **CHOICES,
    "database": DATABASES,
}

# (value, a fragment of the rule the message must state)
REJECTED: dict[str, list[tuple[str, str]]] = {
    "project_name": [
        ("", "must not be blank"),
        ("   ", "must not be blank"),
        ("Two\nlines", "one line of printable text"),
        ("Bell\a", "one line of printable text"),
        (" padded ", "leading or trailing whitespace"),
        ("Line\u2028separator", "one line of printable text"),
        ("Right-to-left \u202eoverride", "one line of printable text"),
        # Letters and symbols that render as nothing: the name would be a blank heading.
        ("\u3164", "invisible characters"),
        ("\u115f\u1160", "invisible characters"),
        ("Name\uffa0", "invisible characters"),
        ("\u2800", "invisible characters"),
    ],
    "project_slug": [
        ("", "lowercase letters and digits"),
        ("my project", "lowercase letters and digits"),
        ("My-Project", "lowercase letters and digits"),
        ("1project", "starting with a letter"),
        ("-project", "starting with a letter"),
        ("project-", "lowercase letters and digits"),
        ("my--project", "single '-' or '_'"),
        ("my.project", "lowercase letters and digits"),
        ("a/b", "lowercase letters and digits"),
        ("../escape", "lowercase letters and digits"),
        ("x" * 65, "at most 64 characters"),
        ("python", "hide a command that the project's environment or image runs"),
        ("dumb_init", "hide a command"),  # the same distribution name as dumb-init
        # A distribution the project depends on: the project would depend on itself.
        ("packaging", "depends on a distribution of that name"),  # in the tree, not a direct dependency
        ("pytest", "hide a command"),
        ("pytest_cov", "depends on a distribution of that name"),
        ("click", "depends on a distribution of that name"),
        # The web kind's tree: its console scripts are commands, the rest distributions.
        ("fastapi", "hide a command"),
        ("uvicorn", "hide a command"),
        ("starlette", "depends on a distribution of that name"),
        ("pydantic", "depends on a distribution of that name"),
        ("pydantic-settings", "depends on a distribution of that name"),
    ],
    "package_name": [
        ("", "lowercase letters, digits and '_'"),
        ("my-project", "lowercase letters, digits and '_'"),
        ("1st", "starting with a letter"),
        ("_private", "starting with a letter"),
        ("MyPackage", "lowercase letters"),
        ("class", "Python keyword"),
        ("match", "Python keyword"),
        ("json", "standard-library module"),
        ("typing", "standard-library module"),
        ("click", "already uses a package of that name"),
        ("tests", "already uses a package of that name"),
        ("pytest", "already uses a package of that name"),
        ("pre_commit", "already uses a package of that name"),
        ("fastapi", "already uses a package of that name"),
        ("uvicorn", "already uses a package of that name"),
        ("starlette", "already uses a package of that name"),
        ("pydantic", "already uses a package of that name"),
        ("pydantic_settings", "already uses a package of that name"),
        ("httpx2", "already uses a package of that name"),
    ],
    "description": [
        ("Two\nlines", "one line"),
        ("Tab\tinside", "one line"),
        (" padded", "whitespace"),
        ("0\u20280", "one line"),  # a line break to str.splitlines() and many editors
        ("Para\u2029graph", "one line"),
    ],
    "author_name": [
        ("", "must not be blank"),
        ("Jane\r\nDoe", "one line"),
        ("<", "leave out '<' and '>'"),  # Poetry's metadata cut the name at '<'
        ("Jane <jane@example.com>", "leave out '<' and '>'"),
    ],
    "author_email": [
        ("", "name@example.com"),
        ("jane", "name@example.com"),
        ("jane@localhost", "name@example.com"),
        ("jane doe@example.com", "name@example.com"),
        ("<jane@example.com>", "name@example.com"),
        ("jane@example.com\n", "name@example.com"),
        # Not a dot-atom: Poetry's schema refuses these.
        (".jane@example.com", "name@example.com"),
        ("jane.@example.com", "name@example.com"),
        ("ja..ne@example.com", "name@example.com"),
    ],
    "repository_url": [
        ("", "an https URL"),
        ("http://github.com/jane/app", "an https URL"),
        ("github.com/jane/app", "an https URL"),
        ("https://github.com/jane", "an https URL"),  # no repository
        ("https://github.com/jane/app/", "no trailing '/'"),
        ("https://github.com/jane/app.git", "no '.git'"),
        ("https://github.com/jane doe/app", "an https URL"),
        ("https://github.com/jane/app?tab=1", "an https URL"),
        ('https://github.com/jane/app"', "an https URL"),
        ("https://github.com/jane/app\n", "an https URL"),
        ("https://-github.com/jane/app", "an https URL"),
        # Resolved away by browsers and registries: no repository of the author's.
        ("https://github.com/../..", "'.' and '..'"),
        ("https://gitlab.com/acme/./thing", "'.' and '..'"),
    ],
    "version": [
        ("", "PEP 440"),
        ("latest", "PEP 440"),
        ("1.0.0+local", "no 'v', leading zeros, local '+' part"),
        ("1..0", "PEP 440"),
        ("0.1.0\n", "PEP 440"),
        # PEP 440 ignores case; Poetry's schema does not.
        ("0.DEV", "normalized PEP 440"),
        ("1.0RC1", "normalized PEP 440"),
        ("V1.0", "normalized PEP 440"),
        # Spellings PEP 440 accepts but normalizes: the release would push the normalized tag, so
        # deploy/kubernetes would name a tag no release publishes.
        ("v1.0", "as `poetry version` prints it"),
        ("01.02", "as `poetry version` prints it"),
        ("1.0.0-rc.1", "as `poetry version` prints it"),
        ("1.0-1", "as `poetry version` prints it"),
        ("1.0alpha1", "as `poetry version` prints it"),
        # An epoch cannot be part of a Docker tag, which the release workflow makes from the version.
        ("1!2.0", "epoch '!'"),
    ],
    "app_kind": [("api", "cli, web"), ("CLI", "choose one of"), ("", "choose one of")],
    "python_version": [("3.10", "3.11, 3.12, 3.13, 3.14"), ("2.7", "choose one of"), ("3.13.1", "choose one of")],
    "license": [("GPL-3.0", "MIT, Apache-2.0, BSD-3-Clause, Proprietary"), ("mit", "choose one of")],
    "container_registry": [("dockerhub", "ghcr, none"), ("GHCR", "choose one of"), ("", "choose one of")],
    "database": [("mysql", "choose one of postgres, none"), ("Postgres", "choose one of"), ("", "choose one of")],
}


def rule_for(field: str) -> Callable[[str], None]:
    return answer_rules.RULES[field]


def test_every_user_facing_variable_has_a_rule_and_tables() -> None:
    fields = {key for key, value in DEFAULTS.items() if not isinstance(value, bool)}
    assert set(answer_rules.RULES) == fields
    assert set(ACCEPTED) == fields
    assert set(REJECTED) == fields


def test_every_yes_no_variable_and_every_pinned_version_has_a_rule() -> None:
    booleans = {key for key, value in DEFAULTS.items() if isinstance(value, bool)}
    pins = {key for key in COOKIECUTTER_JSON if key.endswith("_version") and key.startswith("_")}
    assert set(answer_rules.BOOLEAN_FIELDS) == booleans
    assert set(answer_rules.PINS) == pins


def test_every_typed_answer_is_followed_by_its_rules_comment_in_cookiecutter_json() -> None:
    """Each text answer is checked right after its prompt (see hooks/extensions.py)."""
    keys = list(COOKIECUTTER_JSON)
    for field in answer_rules.RULES:
        if isinstance(COOKIECUTTER_JSON[field], str):
            following = keys[keys.index(field) + 1]
            assert following == f"__{field}_rules"
            assert COOKIECUTTER_JSON[following] == f"{{# answer rules: {field} #}}"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(field, value, id=f"{field}={value[:20]!r}")
        for field, values in ACCEPTED.items()
        for value in values
    ],
)
def test_rule_accepts(field: str, value: str) -> None:
    rule_for(field)(value)


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        pytest.param(field, value, rule, id=f"{field}={value[:20]!r}")
        for field, cases in REJECTED.items()
        for value, rule in cases
    ],
)
def test_rule_rejects_with_a_message_naming_field_value_and_rule(field: str, value: str, rule: str) -> None:
    with pytest.raises(InvalidAnswerError) as refusal:
        rule_for(field)(value)

    message = str(refusal.value)
    assert message.startswith(f"{field} {value!r} is not valid: ")
    assert rule in message
    assert "\n" not in message


PINS = {key: value for key, value in COOKIECUTTER_JSON.items() if key in answer_rules.PINS}


def test_a_version_longer_than_a_docker_tag_is_refused_at_bake_time() -> None:
    longest = "1." + "0." * 62 + "10"
    assert len(longest) == answer_rules.MAX_TAG_LENGTH

    answer_rules.check_version(longest)
    with pytest.raises(InvalidAnswerError) as refusal:
        answer_rules.check_version(longest + "0")

    assert "at most 128 characters" in refusal.value.rule


@pytest.mark.parametrize(
    "url",
    [
        "https://gitlab.com/acme/sub/thing",  # ghcr.io/sub/thing: another account's namespace
        "https://github.com/acme/sub/thing",
        "https://git.example.org/acme/thing",
        "https://github.com/-acme/thing",
    ],
)
def test_ghcr_needs_the_github_repository_the_release_runs_in(url: str) -> None:
    answers = {**DEFAULTS, **PINS, "repository_url": url, "container_registry": "ghcr"}

    refusals = [str(refusal) for refusal in answer_rules.broken_rules(answers) if refusal.field == "container_registry"]

    assert refusals == [
        "container_registry 'ghcr' is not valid: the release publishes to ghcr.io/OWNER/NAME of a GitHub "
        f"repository, so repository_url must be https://github.com/OWNER/NAME (it is {url!r}); set it, or choose none"
    ]


@pytest.mark.parametrize("url", ["https://github.com/Acme-Corp/my.app_2", "https://github.com/a/b"])
def test_ghcr_accepts_a_github_owner_and_name_and_none_accepts_any_url(url: str) -> None:
    other = "https://gitlab.com/acme/sub/thing"

    assert answer_rules.broken_rules({**DEFAULTS, **PINS, "repository_url": url, "container_registry": "ghcr"}) == []
    assert answer_rules.broken_rules({**DEFAULTS, **PINS, "repository_url": other, "container_registry": "none"}) == []


def test_a_cli_app_with_a_database_is_refused_on_one_line_naming_the_rule() -> None:
    answers = {**DEFAULTS, **PINS, "app_kind": "cli", "database": "postgres"}

    assert [str(refusal) for refusal in answer_rules.broken_rules(answers)] == [
        "database 'postgres' is not valid: only a web service has a database (app_kind is 'cli'); choose none"
    ]


@pytest.mark.parametrize(("kind", "database"), [("cli", "none"), ("web", "postgres"), ("web", "none")])
def test_each_kind_accepts_the_databases_it_can_have(kind: str, database: str) -> None:
    assert answer_rules.broken_rules({**DEFAULTS, **PINS, "app_kind": kind, "database": database}) == []


@pytest.mark.parametrize(("kind", "database"), [("cli", "none"), ("web", "postgres")])
def test_the_database_default_follows_the_kind(kind: str, database: str) -> None:
    assert default_database(kind) == database


def test_defaults_pass_every_rule() -> None:
    assert answer_rules.broken_rules({**DEFAULTS, **PINS}) == []


def test_every_broken_rule_is_reported_in_prompt_order() -> None:
    answers = {**DEFAULTS, **PINS, "version": "nope", "project_name": "", "author_email": "jane"}

    assert [refusal.field for refusal in answer_rules.broken_rules(answers)] == [
        "project_name",
        "author_email",
        "version",
    ]


@pytest.mark.parametrize("value", ["yes", "no", "", 1, None])
def test_yes_no_answer_that_is_not_a_boolean_is_refused(value: object) -> None:
    # A replay file passes its JSON as is: "no" would otherwise be a true value and run git init.
    (refusal,) = answer_rules.broken_rules({**DEFAULTS, **PINS, "init_git_repository": value})

    assert str(refusal) == (
        f"init_git_repository {value!r} is not valid: answer yes or no (true or false in a replay file)"
    )


@pytest.mark.parametrize("pin", answer_rules.PINS)
@pytest.mark.parametrize(
    "value",
    ["2.5.1\n      - run: echo ${{ secrets.GITHUB_TOKEN }}", "1.2.5.post1 && curl x", ">=2.5", "latest", "2.5.1 ", ""],
)
def test_pinned_version_that_is_not_an_exact_version_is_refused(pin: str, value: str) -> None:
    (refusal,) = answer_rules.broken_rules({**DEFAULTS, **PINS, pin: value})

    assert refusal.field == pin
    assert refusal.rule == "use an exact, normalized PEP 440 version such as 2.5.1"


def test_pinned_versions_of_the_template_pass_their_rule() -> None:
    for pin, value in PINS.items():
        answer_rules.check_pin(pin, value)


def test_refused_default_names_its_source_and_the_field_to_set() -> None:
    # Found by tests/answers/test_properties.py: project names such as '3D Printer' or 'JSON' made a
    # refused default whose message did not say where the value came from.
    answers = {**DEFAULTS, "project_name": "3D Printer", "project_slug": "3d-printer", "package_name": "3d_printer"}

    with pytest.raises(InvalidAnswerError) as refusal:
        answer_rules.check_field(
            "project_slug", answers, derived={"project_slug": "project_name", "package_name": "project_slug"}
        )

    assert str(refusal.value) == (
        "project_slug '3d-printer' is not valid: use lowercase letters and digits, with single '-' or '_' between "
        "words, starting with a letter, at most 64 characters "
        "(the default made from project_name '3D Printer'; set project_slug yourself)"
    )


def test_refused_typed_answer_has_no_note_about_defaults() -> None:
    answers = {**DEFAULTS, "project_slug": "json", "package_name": "json"}

    with pytest.raises(InvalidAnswerError) as refusal:
        answer_rules.check_field("package_name", answers, derived={})

    assert str(refusal.value).endswith(
        "it would shadow the standard-library module of that name (Python 3.11, 3.12, 3.13, 3.14)"
    )


def test_derived_fields_are_the_answers_that_equal_the_default_made_from_an_earlier_one() -> None:
    made = {"project_name": "JSON Tool", "project_slug": "json-tool", "package_name": "json_tool"}
    typed = {"project_name": "JSON Tool", "project_slug": "jt", "package_name": "json_tool"}

    assert answer_rules.derived_fields(made, slugify=slugify) == {
        "project_slug": "project_name",
        "package_name": "project_slug",
    }
    assert answer_rules.derived_fields(typed, slugify=slugify) == {}


def test_missing_answer_is_refused_by_name() -> None:
    answers = {key: value for key, value in {**DEFAULTS, **PINS}.items() if key != "author_email"}

    (refusal,) = answer_rules.broken_rules(answers)

    assert str(refusal) == "author_email None is not valid: a text value is required"


def test_long_values_are_shown_shortened_on_one_line() -> None:
    with pytest.raises(InvalidAnswerError) as refusal:
        answer_rules.check_project_slug("Bad " * 100)

    assert len(str(refusal.value)) < 250


@pytest.mark.parametrize("kind", CHOICES["app_kind"])
def test_next_steps_are_the_readmes_first_commands(kind: str, cookies: Any, capfd: pytest.CaptureFixture[str]) -> None:
    result = cookies.bake(extra_context={"app_kind": kind, "project_name": "Shop API"})
    printed = capfd.readouterr().out
    readme = (result.project_path / "README.md").read_text()
    steps = printed.split("Next steps:\n", 1)[1].split("\n\n", 1)[0]

    commands = [line.removeprefix("  ") for line in steps.splitlines()]

    assert result.exit_code == 0, result.exception
    assert commands == [
        "cd shop-api",
        *first_console_block(readme, "Shop API"),
        *first_console_block(readme, "Docker"),
    ]
    assert any(command.startswith("poetry run shop-api") for command in commands)
    assert any(command.startswith("docker run") for command in commands)


def test_the_hooks_reader_finds_what_a_markdown_parser_finds() -> None:
    readme = (
        "# T\n\n```console\na\n\nb\n```\n\n## Use\n\n```text\nx\n```\n\n"
        "## Docker\n\n```console\nc\n```\n\n```console\nd\n```\n"
    )

    blocks = post_gen_project.console_blocks(readme)

    assert (blocks[""][0], blocks["Docker"][0]) == (["a", "b"], ["c"])
    assert (first_console_block(readme, "T"), first_console_block(readme, "Docker")) == (["a", "b"], ["c"])


# Every special scalar of YAML 1.1 and 1.2: booleans in every case, nulls, numbers in every base
# and notation, infinities and not-a-number, dates and times, and the merge and value keys.
YAML_SPECIAL_SCALARS = [
    *(
        spelling
        for word in ("y", "n", "yes", "no", "true", "false", "on", "off", "null")
        for spelling in dict.fromkeys([word, word.capitalize(), word.upper()])
    ),
    "~",
    "",
    *("0", "-19", "+12", "0b1010", "0o17", "017", "0x1F", "1_000", "190:20:30", "1e3", "6.8523015e+5"),
    *("0.5", ".5", "-1.", "1_000.0", "685_230.15", ".inf", "-.Inf", "+.INF", ".nan", ".NaN", ".NAN"),
    *("2001-12-14", "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2002-12-14"),
    *("<<", "="),
]


@pytest.mark.parametrize("value", YAML_SPECIAL_SCALARS)
def test_a_slug_that_a_yaml_reader_would_not_read_as_text_is_refused(value: str) -> None:
    with pytest.raises(InvalidAnswerError):
        answer_rules.check_project_slug(value)


@pytest.mark.parametrize("word", sorted(answer_rules.YAML_SPECIAL_WORDS))
def test_yaml_booleans_and_null_are_refused_as_slugs_with_the_reason(word: str) -> None:
    with pytest.raises(InvalidAnswerError) as refusal:
        answer_rules.check_project_slug(word)

    assert "YAML reads it as a boolean or null" in refusal.value.rule
    # Why: a YAML 1.1 reader loads it as something else (PyYAML keeps `y` and `n` as text, though
    # the YAML 1.1 type list names them booleans and other readers follow it).
    assert word in {"y", "n"} or not isinstance(yaml.safe_load(f"name: {word}")["name"], str)
