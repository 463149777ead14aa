"""The template README stays the front door: short enough to read, with the maintainers' material
in docs/ (docs/maintaining.md, docs/security.md, docs/performance.md)."""

from __future__ import annotations

from tests.template import TEMPLATE_DIR

README_PATH = TEMPLATE_DIR / "README.md"
MAX_WORDS = 2500


def test_readme_is_at_most_2500_words_as_wc_counts_them() -> None:
    # `wc -w`: runs of bytes between ASCII whitespace.
    words = len(README_PATH.read_bytes().split())

    assert words <= MAX_WORDS
