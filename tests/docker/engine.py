"""A thin wrapper over the `docker` command line (BuildKit builds, runs, inspection) for tests and benchmarks."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from tests.commands import failure_report, run_command

SCRIPTS_DIR = Path(__file__).resolve().parents[2] / "scripts"

# Debian suites whose python3 matches a python:X-slim tag, for stand-in base images.
DEBIAN_SUITE_FOR_PYTHON = {"3.11": "bookworm", "3.13": "trixie", "3.14": "sid"}

# scripts/postgres-standin.sh's image: the official postgres:17's contract on Debian's postgresql-17.
POSTGRES_STANDIN = "pdt-standin-postgres:17"


class DockerUnavailableError(RuntimeError):
    """No usable Docker engine (or base image): the message says why."""


class DockerCommandError(RuntimeError):
    """A docker command failed; the message holds its output."""


@dataclass(frozen=True)
class Build:
    """A finished `docker build --progress=plain`: its tag, log and wall time."""

    tag: str
    log: str
    seconds: float
    succeeded: bool

    def step_states(self, fragment: str) -> list[str]:
        """'CACHED' or 'RAN' for each build step whose instruction contains `fragment`."""
        names = dict(re.findall(r"^#(\d+) \[[^\]]+\] (.*)$", self.log, re.MULTILINE))
        cached = set(re.findall(r"^#(\d+) CACHED$", self.log, re.MULTILINE))
        return ["CACHED" if step in cached else "RAN" for step, name in names.items() if fragment in name]


class DockerEngine:
    """The client to use and the calls the tests need. BuildKit is always on."""

    def __init__(self, client: str) -> None:
        self.client = client
        self.environment = {**os.environ, "DOCKER_BUILDKIT": "1"}

    @classmethod
    def connect(cls) -> DockerEngine:
        client = os.environ.get("DOCKER") or shutil.which("docker")
        if client is None:
            raise DockerUnavailableError("no `docker` command on PATH (or in $DOCKER)")
        engine = cls(client)
        info = engine.call("info", "--format", "{{.ServerVersion}}", check=False)
        if info.returncode != 0:
            raise DockerUnavailableError(f"`{client} info` failed: {info.stderr.strip()[:200]}")
        probe = engine.call("build", "--help", check=False)
        if "--progress" not in probe.stdout:
            raise DockerUnavailableError(f"{client} cannot build with BuildKit (no buildx plugin?)")
        return engine

    def call(
        self, *arguments: str | Path, check: bool = True, timeout: float = 900
    ) -> subprocess.CompletedProcess[str]:
        command = [self.client, *arguments]
        completed = run_command(command, env=self.environment, timeout=timeout)
        if check and completed.returncode != 0:
            raise DockerCommandError(failure_report(command, completed))
        return completed

    def build(
        self,
        context: Path,
        tag: str,
        *,
        build_args: dict[str, str] | None = None,
        target: str | None = None,
        options: tuple[str, ...] = (),
        check: bool = True,
    ) -> Build:
        arguments: list[str] = ["build", "--progress=plain", "--tag", tag, *options]
        for name, value in (build_args or {}).items():
            arguments += ["--build-arg", f"{name}={value}"]
        if target:
            arguments += ["--target", target]
        started = time.monotonic()
        completed = self.call(*arguments, context, check=check)
        return Build(
            tag=tag, log=completed.stderr, seconds=time.monotonic() - started, succeeded=completed.returncode == 0
        )

    def run(self, image: str, *command: str, options: tuple[str, ...] = ()) -> str:
        """`docker run --rm`; the command's standard output."""
        return self.call("run", "--rm", *options, image, *command).stdout

    def image_config(self, image: str) -> dict[str, Any]:
        config: dict[str, Any] = json.loads(self.call("image", "inspect", "--format", "{{json .Config}}", image).stdout)
        return config

    def image_size(self, image: str) -> int:
        return int(self.call("image", "inspect", "--format", "{{.Size}}", image).stdout)

    def image_bytes(self, image: str) -> bytes:
        """Every layer and the config of an image, as `docker save` writes them (uncompressed tar)."""
        completed = subprocess.run([self.client, "save", image], env=self.environment, capture_output=True, check=True)
        return completed.stdout

    def has_image(self, image: str) -> bool:
        return self.call("image", "inspect", image, check=False).returncode == 0

    def remove_images(self, *images: str) -> None:
        self.call("image", "rm", "--force", *images, check=False)

    def ensure_base_image(self, python_version: str) -> str:
        """python:X-slim, pulled if a registry answers, else a local Debian stand-in tagged so.

        A lock file makes parallel test workers wait for one another instead of racing.
        """
        override = os.environ.get("TEST_PYTHON_IMAGE")
        image = override.format(python_version=python_version) if override else f"python:{python_version}-slim"
        with FileLock(Path(tempfile.gettempdir()) / f"pdt-base-image-{python_version}.lock"):
            if self.has_image(image) or self.call("pull", "--quiet", image, check=False).returncode == 0:
                return image
            return self._build_standin(image, python_version, overridden=bool(override))

    def _build_standin(self, image: str, python_version: str, *, overridden: bool) -> str:
        if overridden:
            raise DockerUnavailableError(f"TEST_PYTHON_IMAGE gave {image}, which cannot be found or pulled")
        suite = DEBIAN_SUITE_FOR_PYTHON.get(python_version)
        arguments: list[str | Path] = [suite, image] if suite else self._host_python_standin(image, python_version)
        self._run_standin_script("standin-base.sh", *arguments, image=image)
        return image

    def ensure_postgres_image(self) -> str:
        """The image the web kind's compose file runs its database from (through POSTGRES_IMAGE):
        TEST_POSTGRES_IMAGE if set, e.g. the official postgres:17 where a registry answers; else the
        local stand-in, which scripts/postgres-standin.sh builds once per machine (again only when
        its recipe changed) and the image store keeps for later runs."""
        override = os.environ.get("TEST_POSTGRES_IMAGE")
        if override:
            if self.has_image(override) or self.call("pull", "--quiet", override, check=False).returncode == 0:
                return override
            raise DockerUnavailableError(f"TEST_POSTGRES_IMAGE gave {override}, which cannot be found or pulled")
        with FileLock(Path(tempfile.gettempdir()) / "pdt-postgres-image.lock"):
            self._run_standin_script("postgres-standin.sh", POSTGRES_STANDIN, image=POSTGRES_STANDIN)
        return POSTGRES_STANDIN

    def _run_standin_script(self, script: str, *arguments: str | Path, image: str) -> None:
        completed = subprocess.run(
            [SCRIPTS_DIR / script, *arguments],
            env={**self.environment, "DOCKER": self.client},
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if completed.returncode != 0:
            raise DockerUnavailableError(
                f"building a stand-in for {image} failed:\n{completed.stdout}\n{completed.stderr}"
            )

    @staticmethod
    def _host_python_standin(image: str, python_version: str) -> list[str | Path]:
        """standin-base.sh's arguments for a version no Debian suite ships (3.12): the newest pyenv
        build of it on this machine, on a root filesystem of this machine's Debian release, whose
        libraries that build links."""
        versions = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
        builds = {
            int(build.name.rpartition(".")[2]): build
            for build in versions.glob(f"{python_version}.*")
            if build.name.rpartition(".")[2].isdigit() and (build / "bin" / f"python{python_version}").exists()
        }
        try:
            suite = platform.freedesktop_os_release().get("VERSION_CODENAME", "")
        except OSError:
            suite = ""
        if not builds or not suite:
            raise DockerUnavailableError(
                f"{image} cannot be pulled, no Debian suite ships Python {python_version}, and a stand-in"
                f" needs a pyenv build of it under {versions} on a Debian host"
            )
        return [suite, image, builds[max(builds)]]
