"""The command blocks of a Markdown file, so tests can run a README's commands as written."""

from __future__ import annotations

from markdown_it import MarkdownIt


def console_blocks(markdown: str) -> dict[str, list[str]]:
    """Each ```console block's commands, keyed by the heading above it, in the file's order."""
    blocks: dict[str, list[str]] = {}
    heading = ""
    tokens = MarkdownIt("commonmark").parse(markdown)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
        elif token.type == "fence" and token.info.strip() == "console":
            commands = [line for line in token.content.splitlines() if line.strip()]
            blocks.setdefault(heading, []).extend(commands)
    return blocks


def first_console_block(markdown: str, heading: str) -> list[str]:
    """The commands of the first ```console block under `heading`."""
    tokens = MarkdownIt("commonmark").parse(markdown)
    under = ""
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            under = tokens[index + 1].content
        elif token.type == "fence" and token.info.strip() == "console" and under == heading:
            return [line for line in token.content.splitlines() if line.strip()]
    raise AssertionError(f"no console block under {heading!r}")
