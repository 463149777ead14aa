"""Mutation testing for the template: does the test suite notice a one-line regression?

mutants.toml is a table of planted regressions, each one line of one of the template's files
changed as a maintainer might change it by mistake. `python -m scripts.mutation` applies each
to a fresh copy of the repository, runs the tests that should notice it, and reports which
did (caught) and which did not (survived). docs/maintaining.md, "Mutation testing", says how
to run it and how to add a mutant.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TABLE = Path(__file__).with_name("mutants.toml")


@dataclass(frozen=True)
class Mutant:
    """One planted regression: `original` (exactly once in `file`) becomes `replacement`."""

    id: str
    file: str
    original: str
    replacement: str
    tests: tuple[str, ...]
    stands_for: str
    # Why the suite is allowed to miss it, for a survivor kept on purpose; empty otherwise.
    survives: str = ""

    @property
    def needs_docker(self) -> bool:
        return "docker" in self.tests

    def apply(self, text: str) -> str:
        """The file's text with this mutant planted; ValueError unless `original` is there once."""
        count = text.count(self.original)
        if count != 1:
            raise ValueError(f"{self.id}: {self.original!r} occurs {count} times in {self.file}, not once")
        return text.replace(self.original, self.replacement)


def load_mutants(table: Path = TABLE) -> list[Mutant]:
    """The mutants of the table, in its order."""
    data = tomllib.loads(table.read_text(encoding="utf-8"))
    return [
        Mutant(
            id=entry["id"],
            file=entry["file"],
            original=entry["original"],
            replacement=entry["replacement"],
            tests=tuple(entry["tests"]),
            stands_for=entry["stands_for"],
            survives=entry.get("survives", ""),
        )
        for entry in data["mutant"]
    ]
