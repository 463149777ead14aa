"""What the README says cookiecutter itself does with answers before any rule of the template runs,
and why regenerating is cruft's job: each test runs cookiecutter 2.x's command line as a user would,
so the README is corrected when cookiecutter changes.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.conftest import tool
from tests.template import DEFAULTS, TEMPLATE_DIR

# The README as one line of words, so that rewrapping it does not break a test.
README = " ".join((TEMPLATE_DIR / "README.md").read_text(encoding="utf-8").split())
SLUG = DEFAULTS["project_slug"]


def cookiecutter(*arguments: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [tool("cookiecutter"), "--no-input", str(TEMPLATE_DIR), *arguments],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


def test_off_list_choice_on_the_command_line_stops_with_cookiecutters_traceback_and_writes_nothing(
    tmp_path: Path,
) -> None:
    refused = cookiecutter("-o", str(tmp_path / "out"), "license=GPL-3.0", cwd=tmp_path)

    assert refused.returncode != 0
    assert "Traceback (most recent call last)" in refused.stderr
    assert "ValueError: GPL-3.0 provided for choice variable license, but the choices are [" in refused.stderr
    assert not (tmp_path / "out").exists()
    assert "`ValueError: GPL-3.0 provided for choice variable license, but the choices are [...]`" in README


def test_bad_choice_in_a_user_config_warns_and_drops_it_and_every_later_entry(tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text(
        "default_context:\n"
        '  author_name: "Earlier Entry"\n'
        '  license: "GPL-3.0"\n'
        '  container_registry: "none"\n'
        '  project_name: "Later Entry"\n'
    )

    baked = cookiecutter("--config-file", str(config), "-o", str(tmp_path / "out"), cwd=tmp_path)

    project = tmp_path / "out" / SLUG
    assert baked.returncode == 0, baked.stderr
    assert "UserWarning: Invalid default received: GPL-3.0 provided for choice variable license" in baked.stderr
    assert "Earlier Entry" in (project / "pyproject.toml").read_text()  # entries before it still apply
    assert (project / "LICENSE").read_text().startswith("MIT License")  # the default, not GPL
    assert (project / ".github" / "workflows" / "release.yml").exists()  # although `none` was asked
    assert "Later Entry" not in (project / "README.md").read_text()
    assert "ignores that entry and every `default_context` entry after it" in README


def test_cookiecutter_f_overwrites_edits_and_leaves_files_the_new_answers_exclude(tmp_path: Path) -> None:
    first = cookiecutter("-o", str(tmp_path), cwd=tmp_path)
    project = tmp_path / SLUG
    readme = project / "README.md"
    readme.write_text(readme.read_text() + "\nA note the owner added.\n")

    again = cookiecutter(
        "-f",
        "-o",
        str(tmp_path),
        "license=Proprietary",
        "container_registry=none",
        "init_git_repository=no",
        cwd=tmp_path,
    )

    assert first.returncode == again.returncode == 0, again.stderr
    assert "A note the owner added." not in readme.read_text()
    assert (project / "LICENSE").exists()  # Proprietary has no LICENSE file: this one is left over
    assert (project / ".github" / "workflows" / "release.yml").exists()  # `none` has no release workflow
    assert "not `cookiecutter -f`" in README
