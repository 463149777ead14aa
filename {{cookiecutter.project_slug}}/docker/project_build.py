"""The steps of the Dockerfile that are a program rather than a command: two of them.

    python project_build.py view DEST
        Write DEST/pyproject.toml, the project's pyproject.toml reduced to what decides its
        dependencies, and copy poetry.lock beside it. Needs only the standard library.
    python project_build.py build DEST
        Build the project and the path dependencies it needs as wheels, install them (without
        their dependencies) under DEST as if into /app/.venv, and write DEST/app/launch, the
        image's entrypoint after dumb-init. Run by Poetry's own Python: it uses poetry-core,
        dulwich and installer from Poetry's environment.
        The Dockerfile's build arguments POETRY_EXTRAS, POETRY_ALL_EXTRAS, POETRY_WITH_GROUPS and
        APP_SCRIPT, set in its environment, are the defaults of its options (see --help).

Both run in the project's folder. Nothing here names a particular project.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import sys
import tempfile
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

# Where the app's virtual environment is in every stage and in the image.
VENV = Path("/app/.venv")

# What a release changes in pyproject.toml without changing which packages get installed. Poetry's
# lock check reads neither these nor the version, so the view can leave them out.
RELEASE_KEYS = frozenset(
    {
        "authors",
        "classifiers",
        "description",
        "documentation",
        "entry-points",
        "exclude",
        "gui-scripts",
        "homepage",
        "include",
        "keywords",
        "license",
        "license-files",
        "maintainers",
        "packages",
        "plugins",
        "readme",
        "repository",
        "scripts",
        "urls",
    }
)


def dependency_view(pyproject: dict[str, Any]) -> dict[str, Any]:
    """pyproject.toml without release metadata, other tools' settings or the version's value.

    What Poetry's lock check hashes (dependencies, optional dependencies, groups, extras,
    sources, requires-python) is kept as it is, so that a stale lock still stops the build.
    """

    def without_release_keys(table: dict[str, Any]) -> dict[str, Any]:
        kept = {key: value for key, value in table.items() if key not in RELEASE_KEYS}
        if "version" in kept:
            kept["version"] = "0"
        return kept

    view = {key: value for key, value in pyproject.items() if key not in ("project", "tool")}
    if "project" in pyproject:
        view["project"] = without_release_keys(pyproject["project"])
    if "poetry" in pyproject.get("tool", {}):
        view["tool"] = {"poetry": without_release_keys(pyproject["tool"]["poetry"])}
    return view


def toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for character in text:
        if character in '"\\':
            escaped.append("\\" + character)
        elif ord(character) < 0x20 or ord(character) == 0x7F:
            escaped.append(f"\\u{ord(character):04x}")
        else:
            escaped.append(character)
    return '"' + "".join(escaped) + '"'


def toml_value(value: Any) -> str:
    """A value as TOML, tables inline: what tomllib read, written back with nothing lost."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return "nan" if value != value else repr(value)  # repr gives inf and -inf as TOML does
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        pairs = (f"{toml_string(key)} = {toml_value(item)}" for key, item in sorted(value.items()))
        return "{" + ", ".join(pairs) + "}"
    return value.isoformat()  # type: ignore[no-any-return]  # dates and times, the only other kind


def toml_document(data: dict[str, Any]) -> str:
    """One line per top-level key, in sorted order, so that neither order nor comments matter."""
    return "".join(
        f"{toml_string(key)} = {toml_value(value)}\n" for key, value in sorted(data.items())
    )


def write_view(project: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    view = dependency_view(read_pyproject(project))
    (dest / "pyproject.toml").write_text(toml_document(view), encoding="utf-8")
    if (project / "poetry.lock").exists():
        shutil.copy2(project / "poetry.lock", dest / "poetry.lock")


def needed_path_dependencies(
    project: Path, groups: Iterable[str], extras: set[str]
) -> list[tuple[Path, set[str]]]:
    """Directories of the path dependencies that these groups and extras of `project` install,
    each with the extras asked of it. `extras` holds "*" for every extra."""
    from poetry.core.factory import Factory
    from poetry.core.packages.directory_dependency import DirectoryDependency

    package = Factory().create_poetry(project).package
    found = []
    for group in groups:
        if not package.has_dependency_group(group):
            continue
        for dependency in package.dependency_group(group).dependencies_for_locking:
            asked = "*" in extras or bool(extras & set(dependency.in_extras))
            if isinstance(dependency, DirectoryDependency) and (
                not dependency.is_optional() or asked
            ):
                found.append((dependency.full_path.resolve(), {str(e) for e in dependency.extras}))
    return found


def projects_to_build(project: Path, groups: list[str], extras: set[str]) -> list[Path]:
    """The path dependencies the app needs, theirs too (main group only), then the app itself."""
    found: list[Path] = []

    def visit(folder: Path, folder_groups: list[str], folder_extras: set[str]) -> None:
        for library, library_extras in needed_path_dependencies(
            folder, folder_groups, folder_extras
        ):
            if library not in found:
                found.append(library)
                visit(library, ["main"], library_extras)

    visit(project, groups, extras)
    return [*found, project.resolve()] if is_package(project) else found


def read_pyproject(project: Path) -> dict[str, Any]:
    with (project / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def poetry_settings(project: Path) -> dict[str, Any]:
    """The project's [tool.poetry] table."""
    return read_pyproject(project).get("tool", {}).get("poetry", {})  # type: ignore[no-any-return]


def is_package(project: Path) -> bool:
    """False for Poetry's non-package projects (package-mode = false): dependencies only."""
    return poetry_settings(project).get("package-mode", True) is not False


def git_ignored_files(context: Path) -> Iterator[Path]:
    """Files of the build context that its .gitignore files ignore, as git would list them.

    .dockerignore keeps .git out of the context, and without it poetry-core would put ignored
    files (a local database, a key next to the code) in the wheel. dulwich reads every
    .gitignore as git does, nested ones and negations included.
    """
    from dulwich.ignore import IgnoreFilterManager

    rules = IgnoreFilterManager(str(context), [], False)
    for folder, _, names in os.walk(context):
        for name in names:
            path = Path(folder, name)
            if rules.is_ignored(path.relative_to(context).as_posix()):
                yield path


def wheel_includes(project: Path) -> set[Path]:
    """Files that [tool.poetry] include puts in the wheel: they ship even when git ignores them."""
    found: set[Path] = set()
    for entry in poetry_settings(project).get("include", []):
        entry = entry if isinstance(entry, dict) else {"path": entry, "format": ["sdist"]}
        formats = entry.get("format", ["sdist"])
        if "wheel" in ([formats] if isinstance(formats, str) else formats):
            for path in project.glob(entry["path"]):
                found.update([path] if path.is_file() else path.rglob("*"))
    return {path.resolve() for path in found}


def remove_git_ignored(context: Path, projects: list[Path]) -> None:
    """Delete what a wheel built from the git repository would not hold, before building."""
    kept = set().union(*(wheel_includes(project) for project in projects))
    for path in list(git_ignored_files(context)):
        if path.resolve() not in kept:
            path.unlink()


def build_wheel(project: Path, dist: Path) -> Path:
    """The project's wheel, built in-process by poetry-core (the build backend) from Poetry's
    environment: no isolated build environment to download and no Poetry process to start."""
    from poetry.core.masonry.api import build_wheel as poetry_core_build_wheel

    with contextlib.chdir(project):
        name: str = poetry_core_build_wheel(str(dist))
    return dist / name


def install_wheel(wheel: Path, destdir: Path) -> None:
    """Install `wheel` without dependencies under `destdir` as if into VENV, byte-compiled, with
    scripts that run VENV's python: app-base's dependencies and these files then make one venv."""
    import sysconfig

    from installer import install
    from installer.destinations import SchemeDictionaryDestination
    from installer.sources import WheelFile

    paths = sysconfig.get_paths("venv", vars={"base": str(VENV), "platbase": str(VENV)})
    scheme = {key: paths[key] for key in ("purelib", "platlib", "scripts", "data")}
    scheme["headers"] = paths["include"]
    destination = SchemeDictionaryDestination(
        scheme,
        interpreter=str(VENV / "bin" / "python"),
        script_kind="posix",
        bytecode_optimization_levels=(0,),
        destdir=str(destdir),
    )
    with WheelFile.open(wheel) as source:
        install(source, destination, additional_metadata={})


# /app/launch up to its last line, which starts the app. POSIX sh: the base image's /bin/sh is dash.
LAUNCHER = """\
#!/bin/sh
# The image's ENTRYPOINT: dumb-init runs this with the words after `docker run IMAGE`. Like the
# docker-entrypoint.sh of Node's official image, it starts the app with them unless the first one
# names a program, which it runs instead: `docker run IMAGE --help` or `docker run IMAGE hello`
# reach the app, `docker run IMAGE python` or `docker run IMAGE sh -c '...'` run as typed.

# A program is an executable file at that path or on PATH. `command -v` would also accept a shell
# builtin (`export`, which exec cannot run) and, in dash, a file that is not executable.
is_program() (
    case $1 in
        "" | -*) return 1 ;;
        */*) [ -f "$1" ] && [ -x "$1" ]; return ;;
    esac
    # PATH split at its colons and nowhere else, no wildcards expanded; in this subshell only.
    IFS=:
    set -f
    for folder in $PATH; do
        if [ -f "$folder/$1" ] && [ -x "$folder/$1" ]; then return 0; fi
    done
    return 1
)

# exec: what runs replaces this shell, so it is dumb-init's child and gets the signals it relays.
if is_program "$1"; then
    exec "$@"
fi
"""


def launcher_script(project: Path, installed_scripts: Path, app_script: str) -> str:
    """/app/launch, the image's entrypoint after dumb-init. The app it starts is APP_SCRIPT, else
    the project's first console script that the install put in the venv, else python (a
    non-package project gets no scripts)."""
    pyproject = read_pyproject(project)
    poetry = pyproject.get("tool", {}).get("poetry", {})
    declared = [*pyproject.get("project", {}).get("scripts", {}), *poetry.get("scripts", {})]
    installed = [name for name in declared if (installed_scripts / name).exists()]
    command = app_script or next(iter(installed), "python")
    return f'{LAUNCHER}exec {command} "$@"\n'


def build(
    project: Path, context: Path, dest: Path, groups: list[str], extras: set[str], app_script: str
) -> None:
    projects = projects_to_build(project, groups, extras)
    remove_git_ignored(context, [project, *projects])
    app = dest / VENV.parent.relative_to("/")
    app.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as dist:
        for folder in projects:
            install_wheel(build_wheel(folder, Path(dist)), dest)
    if not is_package(project):
        shutil.copytree(project, app, dirs_exist_ok=True, symlinks=True)
    scripts = dest / VENV.relative_to("/") / "bin"
    launch = app / "launch"
    launch.write_text(launcher_script(project, scripts, app_script), encoding="utf-8")
    launch.chmod(0o755)


def main(argv: list[str] | None = None) -> int:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    commands = parser.add_subparsers(dest="command", required=True)
    view = commands.add_parser("view", help="pyproject.toml's dependency view, and poetry.lock")
    view.add_argument("dest", type=Path)
    wheels = commands.add_parser("build", help="the project and its path dependencies, installed")
    wheels.add_argument("dest", type=Path)
    wheels.add_argument("--context", type=Path, default=Path("/src"), help="the build context")
    # The Dockerfile's build arguments, in the environment of its RUN, are the defaults.
    setting = os.environ.get
    wheels.add_argument("--extras", default=setting("POETRY_EXTRAS", ""), help="extras' names")
    wheels.add_argument(
        "--all-extras", action="store_true", default=setting("POETRY_ALL_EXTRAS") == "true"
    )
    wheels.add_argument("--with", dest="groups", default=setting("POETRY_WITH_GROUPS", ""))
    wheels.add_argument("--app-script", default=setting("APP_SCRIPT", ""), help="the command")
    arguments = parser.parse_args(argv)

    if arguments.command == "view":
        write_view(Path.cwd(), arguments.dest)
        return 0
    extras = {"*"} if arguments.all_extras else set(arguments.extras.replace(",", " ").split())
    groups = ["main", *arguments.groups.replace(",", " ").split()]
    build(Path.cwd(), arguments.context, arguments.dest, groups, extras, arguments.app_script)
    return 0


if __name__ == "__main__":
    sys.exit(main())
