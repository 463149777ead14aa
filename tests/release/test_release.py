"""The template's own release: CHANGELOG.md's newest release is the version in the root pyproject.toml."""

from __future__ import annotations

import re
import tomllib

from tests.template import TEMPLATE_DIR

# A release heading as docs/maintaining.md's "Release the template" writes it: ## [X.Y.Z] - YYYY-MM-DD
RELEASE_HEADING = re.compile(r"^## \[(?P<version>[^\]]+)\] - (?P<date>\d{4}-\d{2}-\d{2})$", re.MULTILINE)


def test_changelogs_newest_release_is_the_root_pyproject_version() -> None:
    changelog = (TEMPLATE_DIR / "CHANGELOG.md").read_text(encoding="utf-8")
    pyproject = tomllib.loads((TEMPLATE_DIR / "pyproject.toml").read_text(encoding="utf-8"))

    newest = RELEASE_HEADING.search(changelog)

    assert newest is not None, "CHANGELOG.md has no release section"
    assert newest["version"] == pyproject["project"]["version"]
