"""Every relative link of the template's own Markdown leads somewhere: to a file that exists and,
where it names an anchor, to a heading of that file, as GitHub spells heading anchors."""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt
from markdown_it.token import Token

from tests.template import TEMPLATE_DIR

DOCUMENTS = [TEMPLATE_DIR / "README.md", TEMPLATE_DIR / "CHANGELOG.md", *sorted((TEMPLATE_DIR / "docs").glob("*.md"))]
MARKDOWN = MarkdownIt("commonmark").enable("table")
# The parts of a heading whose text its anchor is made of (`code` included, without backticks).
TEXT = {"text", "code_inline"}


def github_anchor(heading: str) -> str:
    """GitHub's anchor for a heading's text: lowercase, punctuation dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def inline_tokens(path: Path) -> list[Token]:
    return [token for token in MARKDOWN.parse(path.read_text(encoding="utf-8")) if token.type == "inline"]


@cache
def anchors(path: Path) -> frozenset[str]:
    """The anchors of a Markdown file's headings; a repeated heading gets -1, -2, ... as on GitHub."""
    tokens = MARKDOWN.parse(path.read_text(encoding="utf-8"))
    seen: Counter[str] = Counter()
    found = set()
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            text = "".join(child.content for child in tokens[index + 1].children or [] if child.type in TEXT)
            anchor = github_anchor(text)
            found.add(f"{anchor}-{seen[anchor]}" if seen[anchor] else anchor)
            seen[anchor] += 1
    return frozenset(found)


def relative_links(path: Path) -> list[str]:
    """Every link and image target of the file that is not a full URL (nor an e-mail address)."""
    targets = []
    for token in inline_tokens(path):
        for child in token.children or []:
            target = child.attrGet("href") if child.type == "link_open" else child.attrGet("src")
            if isinstance(target, str) and not urlsplit(target).scheme and not target.startswith("//"):
                targets.append(target)
    return targets


def test_github_anchor_follows_githubs_spelling() -> None:
    assert github_anchor("Docker Compose on Debian's own engine") == "docker-compose-on-debians-own-engine"
    assert github_anchor("Copy the Dockerfile into an existing Poetry project") == (
        "copy-the-dockerfile-into-an-existing-poetry-project"
    )
    assert github_anchor("make_it your-own: linux/arm64") == "make_it-your-own-linuxarm64"


def test_the_readme_links_every_docs_page() -> None:
    linked = {(TEMPLATE_DIR / unquote(urlsplit(link).path)).resolve() for link in relative_links(DOCUMENTS[0])}

    assert {page.resolve() for page in (TEMPLATE_DIR / "docs").glob("*.md")} <= linked


@pytest.mark.parametrize("document", DOCUMENTS, ids=[str(path.relative_to(TEMPLATE_DIR)) for path in DOCUMENTS])
def test_every_relative_link_leads_to_a_file_and_heading_that_exist(document: Path) -> None:
    broken = []
    for link in relative_links(document):
        parts = urlsplit(link)
        target = (document.parent / unquote(parts.path)).resolve() if parts.path else document
        if not target.exists():
            broken.append(f"{link}: no such file")
        elif parts.fragment and parts.fragment not in anchors(target):
            broken.append(f"{link}: no heading #{parts.fragment} in {target.relative_to(TEMPLATE_DIR)}")

    assert broken == []
