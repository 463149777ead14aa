"""Baking: every choice produces a complete, clean, valid project; bad answers leave nothing behind."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from markdown_it import MarkdownIt
from packaging.requirements import Requirement

from hooks.answer_rules import InvalidAnswerError, check_project_slug
from tests.conftest import Project, tool
from tests.template import APP_KINDS, DEFAULTS, ONE_CHOICE_AT_A_TIME, ONE_KIND_AT_A_TIME, TEMPLATE_DIR

Bake = Callable[..., Project]
ANSWER_SETS = [pytest.param({}, id="defaults"), *ONE_CHOICE_AT_A_TIME]

EXPECTED_FILES = [
    ".devcontainer/compose.yaml",
    ".devcontainer/devcontainer.json",
    ".dockerignore",
    ".github/dependabot.yml",
    ".github/workflows/ci.yml",
    ".gitignore",
    ".pre-commit-config.yaml",
    "Dockerfile",
    "Makefile",
    "README.md",
    "compose.yaml",
    "docker/project_build.py",
    "docs/docker.md",
    "poetry.toml",
    "pyproject.toml",
    "src/{package}/__init__.py",
    "src/{package}/__main__.py",
    "src/{package}/py.typed",
]
# What each app kind adds; a kind's project holds none of another kind's files.
KIND_FILES = {
    "cli": ["src/{package}/cli.py", "src/{package}/greeting.py", "tests/test_cli.py", "tests/test_greeting.py"],
    "web": [
        "src/{package}/app.py",
        "src/{package}/cli.py",
        "src/{package}/logs.py",
        "src/{package}/server.py",
        "src/{package}/settings.py",
        "tests/test_app.py",
        "tests/test_cli.py",
        "tests/test_logs.py",
        "tests/test_server.py",
        "tests/test_settings.py",
    ],
}
# Words that only a project of that kind may contain (in any file, case-insensitive).
KIND_WORDS = {
    "cli": ["greeting", "greet(", "Hello, "],
    "web": ["fastapi", "uvicorn", "pydantic", "/health", "/ready", "healthcheck", "create_app", "-p 8000:8000 {slug}"],
}

# Expected in output: GitHub expressions `${{ ... }}`, Go templates `{{.Field}}` in docs, and
# docker/metadata-action's version placeholders (`type=semver,pattern={{major}}.{{minor}}`).
EXPECTED_BRACES = re.compile(r"\$\{\{.*?\}\}|\{\{\s*\.[^{}]*\}\}|\{\{(?:version|major|minor|patch)\}\}")
# What cookiecutter would have rendered: braces, tags, comments (not shell's ${#VAR}), and a
# `cookiecutter.` variable inside braces. The plain word "cookiecutter" is fine in prose.
LEFTOVER_JINJA = re.compile(r"\{\{|\}\}|\{%|%\}|(?<!\$)\{#|\{[^}]*cookiecutter\.")


def leftover_jinja(text: str) -> list[str]:
    return LEFTOVER_JINJA.findall(EXPECTED_BRACES.sub("", text))


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_bake_creates_every_expected_file(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    present = {path.relative_to(project.path).as_posix() for path in project.files()}
    expected = {name.format(package=project.package) for name in [*EXPECTED_FILES, *KIND_FILES[project.kind]]}
    assert expected <= present


def test_every_app_kind_has_its_files_and_words_listed() -> None:
    assert set(KIND_FILES) == set(KIND_WORDS) == set(APP_KINDS)


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_a_project_shows_no_file_name_or_text_of_another_app_kind(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)
    others = [kind for kind in APP_KINDS if kind != project.kind]
    own_files = {name.format(package=project.package) for name in KIND_FILES[project.kind]}
    foreign_files = {name.format(package=project.package) for kind in others for name in KIND_FILES[kind]} - own_files
    foreign_words = [word.format(slug=project.slug).lower() for kind in others for word in KIND_WORDS[kind]]

    present = {path.relative_to(project.path).as_posix() for path in project.files()}
    assert present & foreign_files == set()
    for path in project.files():
        text = path.read_text(encoding="utf-8").lower()
        found = [word for word in foreign_words if word in text or word in path.name.lower()]
        assert found == [], path.relative_to(project.path).as_posix()


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_bake_leaves_no_template_syntax_in_paths_or_files(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    for path in project.files():
        relative = path.relative_to(project.path).as_posix()
        assert not leftover_jinja(relative), relative
        assert not leftover_jinja(path.read_text(encoding="utf-8")), relative


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_bake_leaves_no_empty_files(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    assert [path for path in project.files() if path.stat().st_size == 0] == []


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_pyproject_passes_poetry_check(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    assert "All set!" in project.run(tool("poetry"), "check").stdout


@pytest.mark.parametrize("answers", ANSWER_SETS)
def test_python_sources_pass_ruff_lint_and_format(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    project.run(tool("ruff"), "check", "--no-cache", ".")
    project.run(tool("ruff"), "format", "--no-cache", "--check", ".")


def test_pyproject_is_pep_621_with_poetry_core_and_src_layout(default_project: Project) -> None:
    pyproject = default_project.pyproject

    assert pyproject["project"]["name"] == "my-project"
    assert pyproject["project"]["version"] == DEFAULTS["version"]
    assert pyproject["project"]["scripts"] == {"my-project": "my_project.cli:main"}
    assert pyproject["project"]["dependencies"], "the image's dependency layer needs a real dependency"
    assert pyproject["build-system"] == {
        "requires": ["poetry-core>=2,<3"],
        "build-backend": "poetry.core.masonry.api",
    }
    assert pyproject["tool"]["poetry"]["packages"] == [{"include": "my_project", "from": "src"}]
    assert {"pytest", "mypy", "ruff"} <= set(pyproject["tool"]["poetry"]["group"]["dev"]["dependencies"])


@pytest.mark.parametrize("python_version", ["3.11", "3.12", "3.13", "3.14"])
def test_python_version_drives_every_setting_that_depends_on_it(bake: Bake, python_version: str) -> None:
    project = bake(python_version=python_version)
    pyproject = project.pyproject

    assert pyproject["project"]["requires-python"] == f">={python_version}"
    assert f"Programming Language :: Python :: {python_version}" in pyproject["project"]["classifiers"]
    assert pyproject["tool"]["ruff"]["target-version"] == "py" + python_version.replace(".", "")
    assert pyproject["tool"]["mypy"]["python_version"] == python_version
    assert f"ARG PYTHON_IMAGE=python:{python_version}-slim\n" in project.read("Dockerfile")


@pytest.mark.parametrize(
    ("license_id", "first_line"),
    [("MIT", "MIT License"), ("Apache-2.0", "Apache License"), ("BSD-3-Clause", "BSD 3-Clause License")],
)
def test_open_source_license_is_written_and_declared(bake: Bake, license_id: str, first_line: str) -> None:
    project = bake(license=license_id, author_name="Ada Lovelace")

    text = project.read("LICENSE")
    assert text.strip().splitlines()[0].strip() == first_line
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    if license_id != "Apache-2.0":  # Apache's text names no copyright holder
        assert "Ada Lovelace" in text
    assert project.pyproject["project"]["license"] == license_id
    assert project.pyproject["project"]["license-files"] == ["LICENSE"]


def test_proprietary_project_has_no_license_file_and_cannot_be_uploaded(bake: Bake) -> None:
    project = bake(license="Proprietary")

    assert not (project.path / "LICENSE").exists()
    assert project.pyproject["project"]["license"] == "LicenseRef-Proprietary"
    assert "Private :: Do Not Upload" in project.pyproject["project"]["classifiers"]
    assert "## License" not in project.read("README.md")


def test_git_repository_is_created_only_when_asked(bake: Bake) -> None:
    assert (bake().path / ".git").is_dir()
    assert not (bake(init_git_repository=False).path / ".git").exists()


HOSTILE_TEXT = {
    "project_name": 'Ünïcode "Quoted" \\ # [x](y) <b>&amp; *em* `code` 100% {braces}',
    "description": "- starts like a list; 'single' and \"double\" quotes; <script>x</script> ~~del~~ |a|b|",
    "author_name": 'O\'Brien "The Builder" \\ Łukasz',
}


def markdown_text_of(markdown: str, block_type: str) -> str:
    """The literal text of the first block of `block_type`, after Markdown parsed it."""
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(markdown)
    for index, token in enumerate(tokens):
        if token.type == block_type:
            inline = tokens[index + 1]
            assert inline.children is not None
            assert {child.type for child in inline.children} <= {"text"}, inline.children
            return "".join(child.content for child in inline.children)
    raise AssertionError(f"no {block_type} in the document")


@pytest.fixture(scope="module")
def hostile_project(bake: Bake) -> Project:
    return bake(project_slug="hostile", **HOSTILE_TEXT)


def test_free_text_survives_in_pyproject_byte_for_byte(hostile_project: Project) -> None:
    project = tomllib.loads(hostile_project.read("pyproject.toml"))["project"]

    assert project["description"] == HOSTILE_TEXT["description"]
    assert project["authors"] == [{"name": HOSTILE_TEXT["author_name"], "email": DEFAULTS["author_email"]}]


def test_free_text_renders_literally_in_the_readme(hostile_project: Project) -> None:
    readme = hostile_project.read("README.md")

    assert markdown_text_of(readme, "heading_open") == HOSTILE_TEXT["project_name"]
    assert markdown_text_of(readme, "paragraph_open") == HOSTILE_TEXT["description"]


def test_free_text_survives_in_the_license(hostile_project: Project) -> None:
    assert HOSTILE_TEXT["author_name"] in hostile_project.read("LICENSE")


def test_project_with_hostile_text_still_passes_poetry_check(hostile_project: Project) -> None:
    hostile_project.run(tool("poetry"), "check")


def test_characters_beyond_the_basic_multilingual_plane_keep_pyproject_valid_toml(bake: Bake) -> None:
    # Found by tests/answers/test_properties.py: `tojson` wrote the emoji as the surrogate pair
    # "\ud83d\ude80", which is JSON but not TOML, and neither tomllib nor Poetry could read the file.
    project = bake(project_slug="emoji", description="Ships 🚀 fast", author_name="Dev 👩\u200d💻")

    metadata = tomllib.loads(project.read("pyproject.toml"))["project"]
    assert metadata["description"] == "Ships 🚀 fast"
    assert metadata["authors"][0]["name"] == "Dev 👩\u200d💻"
    project.run(tool("poetry"), "check")


def test_free_text_is_written_in_pyproject_as_typed_escaping_only_what_toml_requires(bake: Bake) -> None:
    # `tojson` wrote "Zo\u00eb\u0027s caf\u00e9": valid, and unreadable to whoever edits the file.
    project = bake(project_slug="readable", description="Zoë's café <b> & co", author_name='Ann "A" \\ Lee')

    text = project.read("pyproject.toml")
    assert 'description = "Zoë\'s café <b> & co"' in text
    assert 'name = "Ann \\"A\\" \\\\ Lee"' in text
    assert tomllib.loads(text)["project"]["authors"][0]["name"] == 'Ann "A" \\ Lee'


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_no_distribution_the_project_depends_on_is_accepted_as_its_slug(bake: Bake, answers: dict[str, Any]) -> None:
    """The slug rule knows every dependency the template declares, so none makes a self-dependency."""
    pyproject = bake(**answers).pyproject
    requirements = [*pyproject["project"]["dependencies"], *pyproject["build-system"]["requires"]]
    names = {Requirement(requirement).name for requirement in requirements}
    for group in pyproject["tool"]["poetry"]["group"].values():
        names.update(group["dependencies"])

    for name in sorted(names):
        # A dependency that installs a command of its name (mypy, ruff, uvicorn) is refused as that.
        with pytest.raises(InvalidAnswerError, match=r"depends on a distribution of that name|hide a command"):
            check_project_slug(name)


REFUSED = [
    pytest.param({"project_slug": "My Project"}, "project_slug 'My Project' is not valid", id="slug-with-space"),
    pytest.param(
        {"project_slug": "a/b", "package_name": "ab"}, "project_slug 'a/b' is not valid", id="slug-with-separator"
    ),
    pytest.param({"project_slug": "", "package_name": "p"}, "project_slug '' is not valid", id="empty-slug"),
    pytest.param(
        {"project_name": "123 Go"},
        "project_slug '123-go' is not valid: use lowercase letters and digits, with single '-' or '_' between words, "
        "starting with a letter, at most 64 characters (the default made from project_name '123 Go'; set project_slug "
        "yourself)\npackage_name '123_go' is not valid",
        id="name-deriving-bad-slug-and-package",
    ),
    pytest.param(
        {"package_name": "import"}, "package_name 'import' is not valid: it is a Python keyword", id="keyword"
    ),
    pytest.param({"package_name": "email"}, "package_name 'email' is not valid", id="stdlib-module"),
    pytest.param({"version": "one"}, "version 'one' is not valid", id="version"),
    pytest.param({"author_email": "nobody"}, "author_email 'nobody' is not valid", id="email"),
    pytest.param({"description": "two\nlines"}, "description 'two\\nlines' is not valid", id="newline"),
    pytest.param({"project_name": " "}, "project_name ' ' is not valid: it must not be blank", id="blank-name"),
    pytest.param({"author_name": ""}, "author_name '' is not valid: it must not be blank", id="blank-author"),
    # Found by tests/answers/test_properties.py: each baked before, into a project that was broken or
    # not what was typed; the last two were refused without saying where the value came from.
    pytest.param({"version": "0.DEV"}, "version '0.DEV' is not valid: use a normalized PEP", id="uppercase-version"),
    pytest.param({"author_email": ".jane@example.com"}, "author_email '.jane@example.com' is not valid", id="dot"),
    pytest.param(
        {"project_slug": "coverage"},
        "project_slug 'coverage' is not valid: it would hide a command that the project's environment or image "
        "runs; choose another name",
        id="slug-of-a-dependency",
    ),
    pytest.param({"description": "0\u20280"}, "description '0\\u20280' is not valid", id="line-separator"),
    pytest.param({"author_name": "<"}, "author_name '<' is not valid: leave out '<' and '>'", id="angle-bracket"),
    pytest.param(
        {"project_name": "Python"},
        "project_slug 'python' is not valid: it would hide a command that the project's environment or image runs; "
        "choose another name (the default made from project_name 'Python'; set project_slug yourself)",
        id="name-deriving-reserved-slug",
    ),
    pytest.param(
        {"project_name": "JSON"},
        "package_name 'json' is not valid: it would shadow the standard-library module of that name (Python 3.11, "
        "3.12, 3.13, 3.14) (the default made from project_slug 'json'; set package_name yourself)",
        id="name-deriving-stdlib-package",
    ),
]


def left_behind(tmp_path: Path) -> list[str]:
    """What a bake left in this test's tmp_path, beyond the output directories pytest-cookies makes
    for it (cookies/bake00, ...)."""
    output_dirs = re.compile(r"cookies(?:/bake\d+)?")
    return [
        path.relative_to(tmp_path).as_posix()
        for path in sorted(tmp_path.rglob("*"))
        if not output_dirs.fullmatch(path.relative_to(tmp_path).as_posix())
    ]


@pytest.mark.parametrize(("answers", "message"), REFUSED)
def test_refused_bake_names_field_value_and_rule_and_leaves_nothing(
    cookies: Any, tmp_path: Path, answers: dict[str, str], message: str
) -> None:
    result = cookies.bake(extra_context=answers)

    assert result.exit_code == -1
    assert str(result.exception).startswith(message)
    # One line per broken rule, each naming a field.
    assert all(re.match(r"[a-z_]+ .* is not valid: ", line) for line in str(result.exception).split("\n"))
    assert left_behind(tmp_path) == []


def test_template_directory_is_the_only_rendered_top_level_entry() -> None:
    rendered = [path.name for path in TEMPLATE_DIR.iterdir() if "{{" in path.name]
    assert rendered == ["{{cookiecutter.project_slug}}"]


def test_choice_outside_the_list_is_refused_by_cookiecutter_before_anything_is_written(
    cookies: Any, tmp_path: Path
) -> None:
    result = cookies.bake(extra_context={"python_version": "2.7"})

    assert result.exit_code == -1
    assert "python_version" in str(result.exception)
    assert left_behind(tmp_path) == []
