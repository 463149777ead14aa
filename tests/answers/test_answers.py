"""Every way answers reach cookiecutter is checked by the same rules, and nothing can switch them off.

Typed at the prompts, a bad answer stops the run right after its prompt. Given up front
(`--no-input`, `key=value`, a replay file), every broken rule is reported in one run, one line
each. Either way nothing is left on disk, inside the output directory or beside it.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import tool
from tests.readme_commands import fenced_blocks
from tests.template import COOKIECUTTER_JSON, TEMPLATE_DIR

PROMPTS = COOKIECUTTER_JSON["__prompts__"]


def prompt_text(field: str) -> str:
    prompt = PROMPTS[field]
    return prompt["__prompt__"] if isinstance(prompt, dict) else prompt


def run_cookiecutter(
    workdir: Path, *arguments: str, typed: Sequence[str] | None = None
) -> subprocess.CompletedProcess[str]:
    """cookiecutter's command line, with its user config (replay and cache folders) inside `workdir`.

    `typed` are the lines a user types at the prompts; without it, `--no-input`.
    """
    config = workdir / "cookiecutter.yaml"
    config.write_text(f"cookiecutters_dir: {workdir / 'cache'}\nreplay_dir: {workdir / 'replay'}\n")
    (workdir / "out").mkdir(exist_ok=True)
    command = [tool("cookiecutter"), "--config-file", str(config), "-o", str(workdir / "out"), str(TEMPLATE_DIR)]
    if typed is None and "--replay-file" not in arguments:
        command.append("--no-input")
    return subprocess.run(
        [*command, *arguments],
        input="".join(f"{line}\n" for line in typed) if typed is not None else None,
        cwd=workdir,
        env={**os.environ, "COLUMNS": "200"},
        capture_output=True,
        text=True,
        check=False,
    )


def left_behind(workdir: Path) -> list[str]:
    """Everything in the work folder but cookiecutter's own config, replay and cache."""
    ignored = {"cookiecutter.yaml", "replay", "cache", "replays"}
    return sorted(
        str(path.relative_to(workdir))
        for path in workdir.rglob("*")
        if path.relative_to(workdir).parts[0] not in ignored
    )


def refusal_lines(completed: subprocess.CompletedProcess[str]) -> list[str]:
    """The lines of cookiecutter's output that state a broken rule.

    Prompts end without a newline when stdin is not a terminal, so the first refusal may follow
    the prompts on their line (indented, as every prompt and a choice's "Choose from" line are):
    each prompt ends with its default in parentheses and a colon.
    """
    lines = [line for line in completed.stdout.splitlines() if " is not valid: " in line]
    if lines and lines[0].startswith(" "):
        lines[0] = lines[0].rpartition("): ")[2]
    return lines


def test_bad_typed_answer_stops_the_run_right_after_its_prompt(tmp_path: Path) -> None:
    # project_name, app_kind and database: accept the defaults; project_slug: a bad answer; then answers that
    # would be bad too.
    completed = run_cookiecutter(tmp_path, typed=["", "", "", "Bad Slug", "", "", "", "not an e-mail"])

    assert completed.returncode == 1
    assert refusal_lines(completed) == [
        "project_slug 'Bad Slug' is not valid: use lowercase letters and digits, with single '-' or '_' "
        "between words, starting with a letter, at most 64 characters"
    ]
    assert prompt_text("package_name") not in completed.stdout
    assert left_behind(tmp_path) == ["out"]


def test_bad_typed_answer_later_in_the_prompts_is_refused_with_the_same_line(tmp_path: Path) -> None:
    completed = run_cookiecutter(tmp_path, typed=["", "", "", "", "", "", "", "jane"])

    assert completed.returncode == 1
    (line,) = refusal_lines(completed)
    assert line == "author_email 'jane' is not valid: use an address such as name@example.com"
    assert prompt_text("repository_url") not in completed.stdout
    assert left_behind(tmp_path) == ["out"]


def test_answers_given_up_front_report_every_broken_rule_in_one_run(tmp_path: Path) -> None:
    completed = run_cookiecutter(tmp_path, "project_name= ", "author_email=jane", "version=soon")

    assert completed.returncode == 1
    fields = [line.split(" ", 1)[0] for line in refusal_lines(completed)]
    # The blank name also makes blank defaults of the slug, package name and repository URL.
    assert fields == ["project_name", "project_slug", "package_name", "author_email", "repository_url", "version"]
    assert left_behind(tmp_path) == ["out"]


@pytest.mark.parametrize("private", [f"__{field}_rules" for field in ("project_name", "version")])
def test_overriding_a_rules_variable_does_not_switch_the_rules_off(tmp_path: Path, private: str) -> None:
    completed = run_cookiecutter(tmp_path, f"{private}=skip", "project_name= ", "version=soon")

    assert completed.returncode == 1
    assert refusal_lines(completed)[0].startswith("project_name ' ' is not valid")
    assert "version 'soon' is not valid" in completed.stdout
    assert left_behind(tmp_path) == ["out"]


def test_pinned_tool_version_with_a_newline_is_refused(tmp_path: Path) -> None:
    # It would otherwise add a step to the release workflow and an instruction to the Dockerfile.
    injected = "2.5.1\n      - run: echo ${{ secrets.GITHUB_TOKEN }}"
    completed = run_cookiecutter(tmp_path, f"_poetry_version={injected}")

    assert completed.returncode == 1
    (line,) = refusal_lines(completed)
    assert line.startswith("_poetry_version '2.5.1\\n      - run: echo ")
    assert left_behind(tmp_path) == ["out"]


# --- Replay files ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def replay_of_a_default_bake(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The replay file cookiecutter writes for a default bake."""
    workdir = tmp_path_factory.mktemp("replay-source")
    completed = run_cookiecutter(workdir, "init_git_repository=no")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    (replay,) = (workdir / "replay").iterdir()
    return json.loads(replay.read_text(encoding="utf-8"))


def replay_with(tmp_path: Path, replay: dict[str, Any], **changes: Any) -> subprocess.CompletedProcess[str]:
    answers = {**replay["cookiecutter"], **changes}
    answers = {key: value for key, value in answers.items() if value is not REMOVED}
    replay_file = tmp_path / "replays" / "answers.json"
    replay_file.parent.mkdir()
    replay_file.write_text(json.dumps({**replay, "cookiecutter": answers}), encoding="utf-8")
    return run_cookiecutter(tmp_path, "--replay-file", str(replay_file))


REMOVED = object()


@pytest.mark.parametrize("slug", ["a/b", "x/y/z", "../escape", ""])
def test_replay_with_a_slug_that_is_a_path_is_refused_and_leaves_nothing_anywhere(
    tmp_path: Path, replay_of_a_default_bake: dict[str, Any], slug: str
) -> None:
    completed = replay_with(tmp_path, replay_of_a_default_bake, project_slug=slug)

    assert completed.returncode == 1
    assert refusal_lines(completed)[0].startswith(f"project_slug {slug!r} is not valid: use lowercase letters")
    assert "Traceback" not in completed.stdout + completed.stderr
    assert left_behind(tmp_path) == ["out"]


def test_replay_with_a_yes_no_answer_given_as_text_is_refused(
    tmp_path: Path, replay_of_a_default_bake: dict[str, Any]
) -> None:
    completed = replay_with(tmp_path, replay_of_a_default_bake, init_git_repository="no")

    assert completed.returncode == 1
    assert refusal_lines(completed) == [
        "init_git_repository 'no' is not valid: answer yes or no (true or false in a replay file)"
    ]
    assert left_behind(tmp_path) == ["out"]


def test_replay_made_before_the_rules_variables_existed_still_bakes(
    tmp_path: Path, replay_of_a_default_bake: dict[str, Any]
) -> None:
    rules_variables = {key: REMOVED for key in replay_of_a_default_bake["cookiecutter"] if key.endswith("_rules")}
    assert rules_variables

    completed = replay_with(tmp_path, replay_of_a_default_bake, **rules_variables)

    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert (tmp_path / "out" / "my-project" / "pyproject.toml").is_file()


def test_replay_without_the_rules_variables_is_still_checked(
    tmp_path: Path, replay_of_a_default_bake: dict[str, Any]
) -> None:
    rules_variables = {key: REMOVED for key in replay_of_a_default_bake["cookiecutter"] if key.endswith("_rules")}

    completed = replay_with(tmp_path, replay_of_a_default_bake, version="soon", **rules_variables)

    assert completed.returncode == 1
    assert [line.split(" ", 1)[0] for line in refusal_lines(completed)] == ["version"]
    assert "Traceback" not in completed.stdout + completed.stderr


def test_readme_shows_the_refusal_that_its_sample_command_prints(tmp_path: Path) -> None:
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    (block,) = [text for text in fenced_blocks(readme, "text")["Generate a project"] if text.startswith("$ ")]
    command, *shown_output = block.splitlines()
    answers = shlex.split(command.removeprefix("$ cookiecutter gh:<org>/poetry-docker-template --no-input "))

    completed = run_cookiecutter(tmp_path, *answers)

    assert completed.returncode == 1
    assert refusal_lines(completed) == shown_output


def test_typing_a_database_for_a_cli_app_stops_the_run_right_after_its_prompt(tmp_path: Path) -> None:
    completed = run_cookiecutter(tmp_path, typed=["", "", "postgres", "", ""])

    assert completed.returncode == 1
    assert refusal_lines(completed) == [
        "database 'postgres' is not valid: only a web service has a database (app_kind is 'cli'); choose none"
    ]
    assert prompt_text("project_slug") not in completed.stdout
    assert left_behind(tmp_path) == ["out"]


def test_a_cli_app_given_a_database_up_front_is_refused(tmp_path: Path) -> None:
    completed = run_cookiecutter(tmp_path, "app_kind=cli", "database=postgres")

    assert completed.returncode == 1
    assert refusal_lines(completed) == [
        "database 'postgres' is not valid: only a web service has a database (app_kind is 'cli'); choose none"
    ]
