"""The benchmark's pure parts (benchmarks/): its arithmetic, its tables, the service it writes.

No Docker and no network: `make bench` itself is run by hand (docs/performance.md).
"""

from __future__ import annotations

import ast
import tomllib
from collections import Counter
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from benchmarks import load, service
from benchmarks.builds import RECIPES, with_dependency, with_next_patch_version
from benchmarks.load import LoadResult
from benchmarks.run import END, SAMPLE_FIGURES, SERVICE_FIGURES, START, write_report
from benchmarks.table import Figure, comparison_table, medians, ratio, simple_table, target_cell
from tests.template import TEMPLATE_DIR

ROUNDS = [
    {"ours": {"cold (s)": 3.0, "size (MB)": 1.0, "cached (s)": 1.0}, "uv": {"cold (s)": 2.0, "size (MB)": 2.0}},
    {"ours": {"cold (s)": 5.0, "size (MB)": 1.0, "cached (s)": 3.0}, "uv": {"cold (s)": 2.0, "size (MB)": 2.0}},
    {"ours": {"cold (s)": 4.0, "size (MB)": 1.0, "cached (s)": 2.0}, "uv": {"cold (s)": 4.0, "size (MB)": 2.0}},
]


def row(table: list[str], figure: str) -> list[str]:
    (line,) = [line for line in table if line.startswith(f"| {figure} |")]
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_medians_take_each_figure_of_each_recipe_over_the_rounds() -> None:
    assert medians(ROUNDS) == {
        "ours": {"cold (s)": 4.0, "size (MB)": 1.0, "cached (s)": 2.0},
        "uv": {"cold (s)": 2.0, "size (MB)": 2.0},
    }


def test_ratio_divides_ours_by_the_reference() -> None:
    assert ratio(3.0, 2.0) == pytest.approx(1.5)


def test_ratio_is_none_when_the_reference_is_not_positive() -> None:
    assert ratio(3.0, 0.0) is None


@pytest.mark.parametrize(
    ("value", "target", "cell"),
    [
        (0.4, 0.5, "<= 0.50: met"),
        (0.5, 0.5, "<= 0.50: met"),
        (0.62, 0.5, "<= 0.50: missed by 0.12"),
        (None, 0.5, "<= 0.50: n/a"),
        (0.62, None, ""),
    ],
)
def test_target_cell_says_whether_the_target_is_met_and_by_how_much_it_is_missed(
    value: float | None, target: float | None, cell: str
) -> None:
    assert target_cell(value, target) == cell


def test_comparison_table_has_a_column_per_recipe_then_the_ratio_to_the_reference_and_the_target() -> None:
    table = comparison_table(ROUNDS, ["ours", "uv"], [Figure("cold (s)", target=1.3)], reference="uv")
    assert table[0] == "| figure | ours | uv | ours / uv | target |"
    assert row(table, "cold (s)") == ["cold (s)", "4.00", "2.00", "2.00", "<= 1.30: missed by 0.70"]


def test_comparison_table_divides_a_figure_only_ours_has_by_the_references_compared_figure() -> None:
    table = comparison_table(ROUNDS, ["ours", "uv"], [Figure("cached (s)", compared_with="cold (s)")], reference="uv")
    assert row(table, "cached (s)") == ["cached (s)", "2.00", "-", "1.00", ""]


def test_comparison_table_is_valid_markdown_with_one_row_per_figure() -> None:
    table = comparison_table(ROUNDS, ["ours", "uv"], [Figure("cold (s)"), Figure("size (MB)")], reference="uv")
    assert len(table) == 2 + 2
    assert table[1] == "|---|---|---|---|---|"
    assert {line.count("|") for line in table} == {6}


def test_simple_table_has_a_row_per_name_and_a_column_per_figure() -> None:
    table = simple_table({"a": {"x": "1", "y": "2"}, "b": {"x": "3", "y": "4"}})
    assert table == ["| | x | y |", "|---|---|---|", "| a | 1 | 2 |", "| b | 3 | 4 |"]


def test_load_result_counts_requests_neither_answered_nor_failed_as_lost() -> None:
    result = LoadResult(requested=10, seconds=1.0, latencies=[0.1] * 6, errors=Counter({"ReadTimeout": 3}))
    assert (result.succeeded, result.failed, result.lost, result.clean) == (6, 3, 1, False)


def test_load_result_is_clean_only_when_every_request_got_a_200() -> None:
    assert LoadResult(requested=3, seconds=1.0, latencies=[0.1, 0.2, 0.3]).clean


def test_load_result_gives_requests_per_second_and_latency_percentiles_in_milliseconds() -> None:
    result = LoadResult(requested=101, seconds=2.0, latencies=[i / 1000 for i in range(101)])
    assert result.requests_per_second == pytest.approx(50.5)
    assert result.latency_ms(50) == pytest.approx(50.0)
    assert result.latency_ms(99) == pytest.approx(99.0)


def test_load_result_cells_name_each_kind_of_error_with_its_count() -> None:
    errors = Counter({"ReadTimeout": 2, "HTTP 503": 1})
    cells = LoadResult(requested=5, seconds=1.0, latencies=[0.1, 0.2], errors=errors).cells()
    assert cells["errors"] == "HTTP 503 x1, ReadTimeout x2"
    assert cells["lost"] == "0"


def test_service_pyproject_lists_the_typical_production_dependency_set() -> None:
    # Resolved, these nine come to about 35 distributions (33 with the lock of 2026-12-02).
    project = tomllib.loads(service.pyproject("3.13"))["project"]
    requirements = {Requirement(text).name: Requirement(text).extras for text in project["dependencies"]}
    assert requirements == {
        "fastapi": set(),
        "uvicorn": {"standard"},
        "sqlalchemy": set(),
        "alembic": set(),
        "psycopg": {"binary"},
        "pydantic-settings": set(),
        "httpx": set(),
        "structlog": set(),
        "orjson": set(),
    }


def test_service_pyproject_names_its_console_script_and_the_python_asked_for() -> None:
    project = tomllib.loads(service.pyproject("3.13"))["project"]
    assert project["requires-python"] == ">=3.13"
    assert project["scripts"] == {service.NAME: f"{service.PACKAGE}.main:main"}


def test_service_python_files_parse_and_include_the_file_a_source_edit_changes() -> None:
    files = service.files("3.13")
    for text in (text for path, text in files.items() if path.endswith(".py")):
        ast.parse(text)
    assert service.SOURCE_FILE in files


def test_version_bump_changes_the_last_number_of_the_version_and_nothing_else() -> None:
    before = service.pyproject("3.13")
    after = with_next_patch_version(before)
    assert tomllib.loads(after)["project"]["version"] == "0.1.1"
    assert after == before.replace('version = "0.1.0"', 'version = "0.1.1"')


def test_adding_a_dependency_appends_it_to_the_project_dependencies() -> None:
    after = tomllib.loads(with_dependency(service.pyproject("3.13"), "tomli-w>=1,<2"))
    assert after["project"]["dependencies"][-1] == "tomli-w>=1,<2"
    assert len(after["project"]["dependencies"]) == len(service.DEPENDENCIES) + 1


PERFORMANCE_PAGE = TEMPLATE_DIR / "docs" / "performance.md"


def test_performance_page_states_the_load_tests_bounds_as_the_benchmark_sets_them() -> None:
    performance = PERFORMANCE_PAGE.read_text(encoding="utf-8")
    stated = f"{load.REQUESTS} `GET /health`, {load.CONCURRENCY} at once, within {load.TIME_LIMIT:.0f} s"
    assert stated in " ".join(performance.split())


@pytest.mark.parametrize(
    ("heading", "figures"),
    [("### The sample (default project)", SAMPLE_FIGURES), ("### A realistic FastAPI service", SERVICE_FIGURES)],
)
def test_performance_page_table_has_a_row_for_each_figure_the_benchmark_prints(
    heading: str, figures: list[Figure]
) -> None:
    performance = PERFORMANCE_PAGE.read_text(encoding="utf-8")
    table = performance[performance.index(heading) :].split("\n\n")[1].splitlines()
    recipes = " | ".join(recipe.name for recipe in RECIPES)
    assert table[0] == f"| figure | {recipes} | ours / uv | target |"
    assert [line.split(" | ")[0].removeprefix("| ") for line in table[2:]] == [figure.name for figure in figures]


def test_write_report_replaces_only_the_marked_section(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text(f"# Title\n\nProse.\n\n{START}\nold table\n{END}\n\nAfter.\n", encoding="utf-8")

    write_report(page, ["new line 1", "new line 2"])

    expected = f"# Title\n\nProse.\n\n{START}\nnew line 1\nnew line 2\n{END}\n\nAfter.\n"
    assert page.read_text(encoding="utf-8") == expected


def test_write_report_refuses_a_page_without_the_markers(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text("# Title\n", encoding="utf-8")

    with pytest.raises(SystemExit, match="no <!-- bench:start -->"):
        write_report(page, ["table"])


def test_make_bench_keeps_the_hand_written_sections_of_the_performance_page(tmp_path: Path) -> None:
    page = tmp_path / "performance.md"
    page.write_text(PERFORMANCE_PAGE.read_text(encoding="utf-8"), encoding="utf-8")
    hand_written = PERFORMANCE_PAGE.read_text(encoding="utf-8").split(START, 1)[0]

    write_report(page, ["new table"])

    assert "## The goals, as reached in the last run" in hand_written
    assert page.read_text(encoding="utf-8").startswith(hand_written + START)


def test_make_bench_writes_into_the_page_the_readme_links() -> None:
    makefile = (TEMPLATE_DIR / "Makefile").read_text(encoding="utf-8")
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")

    assert "-m benchmarks --write docs/performance.md" in makefile
    assert "](docs/performance.md)" in readme
    assert START in PERFORMANCE_PAGE.read_text(encoding="utf-8")
