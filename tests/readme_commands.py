"""The fenced blocks of a Markdown file, so tests can run a README's commands and read its examples as written."""

from __future__ import annotations

from markdown_it import MarkdownIt


def fenced_blocks(markdown: str, info: str) -> dict[str, list[str]]:
    """The text of each fenced block with that info string (```text), keyed by the heading above it."""
    blocks: dict[str, list[str]] = {}
    heading = ""
    tokens = MarkdownIt("commonmark").parse(markdown)
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            heading = tokens[index + 1].content
        elif token.type == "fence" and token.info.strip() == info:
            blocks.setdefault(heading, []).append(token.content)
    return blocks


def console_blocks(markdown: str) -> dict[str, list[str]]:
    """Each ```console block's commands, keyed by the heading above it, in the file's order."""
    return {
        heading: [line for block in texts for line in block.splitlines() if line.strip()]
        for heading, texts in fenced_blocks(markdown, "console").items()
    }


def first_console_block(markdown: str, heading: str) -> list[str]:
    """The commands of the first ```console block under `heading`."""
    blocks = fenced_blocks(markdown, "console").get(heading)
    if not blocks:
        raise AssertionError(f"no console block under {heading!r}")
    return [line for line in blocks[0].splitlines() if line.strip()]
