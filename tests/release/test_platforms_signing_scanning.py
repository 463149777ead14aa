"""Multi-arch images, signed and scanned releases: what the generated workflows and docs promise.

Sigstore, GitHub's OIDC tokens, Trivy's database and a registry to push to cannot be reached from
here, so these promises are checked by what the workflows say (and, in test_toolchain.py, by
actionlint, zizmor and GitHub's schema). The arm64 build itself runs in tests/docker/test_arm64.py.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from typing import Any

import pytest
import yaml

from tests.conftest import Project
from tests.readme_commands import console_blocks
from tests.workflows import triggers

Bake = Callable[..., Project]

BOTH_PLATFORMS = "linux/amd64,linux/arm64"
OIDC_ISSUER = "https://token.actions.githubusercontent.com"
RELEASE_WORKFLOW = ".github/workflows/release.yml"
# The releases these workflows use, as read from each action's repository (tag -> commit).
NEW_ACTIONS = {
    "docker/setup-qemu-action": ("96fe6ef7f33517b61c61be40b68a1882f3264fb8", "v4.2.0"),
    "docker/setup-buildx-action": ("37fe631027851001ddb9b187196cc803df7f5f0e", "v4.3.0"),
    "sigstore/cosign-installer": ("6f9f17788090df1f26f669e9d70d6ae9567deba6", "v4.1.2"),
    "aquasecurity/trivy-action": ("ed142fd0673e97e23eac54620cfb913e5ce36c25", "v0.36.0"),
}


def workflow(project: Project, name: str) -> dict[Any, Any]:
    loaded = yaml.safe_load(project.read(f".github/workflows/{name}"))
    assert isinstance(loaded, dict)
    return loaded


def named_step(job: dict[str, Any], name: str) -> dict[str, Any]:
    (found,) = [each for each in job["steps"] if each.get("name") == name]
    return found


def step_using(job: dict[str, Any], action: str) -> dict[str, Any]:
    (found,) = [each for each in job["steps"] if each.get("uses", "").startswith(f"{action}@")]
    return found


def position(job: dict[str, Any], found: dict[str, Any]) -> int:
    return [id(each) for each in job["steps"]].index(id(found))


@pytest.fixture(scope="module")
def release(ghcr_project: Project) -> dict[Any, Any]:
    return workflow(ghcr_project, "release.yml")


@pytest.fixture(scope="module")
def ci_image_job(ghcr_project: Project) -> dict[str, Any]:
    job: dict[str, Any] = workflow(ghcr_project, "ci.yml")["jobs"]["image"]
    return job


# --- Both platforms ---------------------------------------------------------------------------


def assert_emulates_arm64_before(job: dict[str, Any], build: dict[str, Any]) -> None:
    qemu = step_using(job, "docker/setup-qemu-action")
    assert "arm64" in qemu["with"]["platforms"].split(",")
    assert position(job, qemu) < position(job, step_using(job, "docker/setup-buildx-action")) < position(job, build)


@pytest.mark.parametrize("registry", ["ghcr", "none"])
def test_ci_builds_the_image_for_amd64_and_arm64(bake: Bake, registry: str) -> None:
    job = workflow(bake(container_registry=registry), "ci.yml")["jobs"]["image"]
    build = named_step(job, "Build for every platform")

    assert build["uses"].startswith("docker/build-push-action@")
    assert build["with"]["platforms"] == BOTH_PLATFORMS
    assert "push" not in build["with"]
    assert_emulates_arm64_before(job, build)


def test_release_publishes_one_image_for_amd64_and_arm64(release: dict[Any, Any]) -> None:
    publish = release["jobs"]["publish"]
    push = named_step(publish, "Build and push")

    assert push["with"]["platforms"] == BOTH_PLATFORMS
    assert push["with"]["push"] is True
    assert_emulates_arm64_before(publish, push)


# --- Signing ----------------------------------------------------------------------------------


def sign_command(release: dict[Any, Any]) -> list[str]:
    return shlex.split(named_step(release["jobs"]["sign"], "Sign by digest")["run"])


def test_release_signs_the_pushed_image_by_its_digest(release: dict[Any, Any]) -> None:
    publish, sign = release["jobs"]["publish"], release["jobs"]["sign"]
    push = named_step(publish, "Build and push")
    step = named_step(sign, "Sign by digest")

    assert sign["needs"] == "publish"
    assert publish["outputs"]["digest"] == f"${{{{ steps.{push['id']}.outputs.digest }}}}"
    assert step["env"]["DIGEST"] == "${{ needs.publish.outputs.digest }}"
    assert sign_command(release)[-1] == "ghcr.io/${GITHUB_REPOSITORY,,}@${DIGEST}"


def test_release_signs_keylessly_with_the_workflows_identity(release: dict[Any, Any]) -> None:
    """No key: cosign signs with a certificate for the workflow's OIDC identity, which needs the token."""
    sign = release["jobs"]["sign"]
    command = sign_command(release)

    assert command[:3] == ["cosign", "sign", "--yes"]
    assert not [argument for argument in command if argument.startswith("--key")]
    assert sign["permissions"]["id-token"] == "write"
    installer = step_using(sign, "sigstore/cosign-installer")
    assert position(sign, installer) < position(sign, named_step(sign, "Sign by digest"))


def test_release_signs_the_sbom_and_provenance_the_build_attaches(release: dict[Any, Any]) -> None:
    push = named_step(release["jobs"]["publish"], "Build and push")

    assert (push["with"]["provenance"], push["with"]["sbom"]) == ("mode=max", True)
    assert "--recursive" in sign_command(release)


def test_only_the_signing_job_can_ask_for_an_oidc_token(ghcr_project: Project) -> None:
    granted = {
        f"{name}.{job_name}"
        for name in ("ci.yml", "release.yml")
        for job_name, job in workflow(ghcr_project, name)["jobs"].items()
        if "id-token" in job.get("permissions", {})
    }
    everywhere = [workflow(ghcr_project, name)["permissions"] for name in ("ci.yml", "release.yml")]

    assert granted == {"release.yml.sign"}
    assert everywhere == [{}, {}]


def test_a_release_in_progress_is_never_cancelled(release: dict[Any, Any]) -> None:
    """Cancelled between push and sign, a release would leave an unsigned image."""
    assert release["concurrency"]["cancel-in-progress"] is False


# --- Scanning ---------------------------------------------------------------------------------


def test_ci_fails_on_fixable_critical_vulnerabilities_in_the_image_it_built(ci_image_job: dict[str, Any]) -> None:
    build = named_step(ci_image_job, "Build")
    scan = named_step(ci_image_job, "Scan for vulnerabilities")

    assert scan["uses"].startswith("aquasecurity/trivy-action@")
    assert scan["with"]["image-ref"] == build["with"]["tags"]
    assert build["with"]["load"] is True
    assert scan["with"]["severity"] == "CRITICAL"
    assert scan["with"]["ignore-unfixed"] is True
    assert scan["with"]["exit-code"] == "1"
    assert position(ci_image_job, build) < position(ci_image_job, scan)


def test_ci_keeps_trivys_database_out_of_the_next_builds_context(ci_image_job: dict[str, Any]) -> None:
    """The build for every platform sends the checkout as its context: a database in there would
    be copied into the image."""
    scan = named_step(ci_image_job, "Scan for vulnerabilities")

    assert named_step(ci_image_job, "Build for every platform")["with"]["context"] == "."
    assert scan["with"]["cache-dir"].startswith("${{ runner.temp }}/")


@pytest.mark.parametrize("registry", ["ghcr", "none"])
def test_ci_scan_reads_the_waivers_in_the_projects_trivyignore(bake: Bake, registry: str) -> None:
    project = bake(container_registry=registry)
    scan = named_step(workflow(project, "ci.yml")["jobs"]["image"], "Scan for vulnerabilities")

    assert scan["with"]["trivyignores"] == ".trivyignore"
    waivers = [line for line in project.read(".trivyignore").splitlines() if line and not line.startswith("#")]
    assert waivers == []  # a new project waives nothing


# --- Pins -------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", NEW_ACTIONS)
def test_each_new_action_is_pinned_to_the_commit_of_its_release(ghcr_project: Project, action: str) -> None:
    sha, tag = NEW_ACTIONS[action]
    lines = [
        line.strip().removeprefix("- ")
        for name in ("ci.yml", "release.yml")
        for line in ghcr_project.read(f".github/workflows/{name}").splitlines()
        if f"uses: {action}@" in line
    ]

    assert lines
    assert set(lines) == {f"uses: {action}@{sha} # {tag}"}


# --- The docs' cosign command -----------------------------------------------------------------


def docs_cosign_verify(project: Project) -> list[str]:
    signing = console_blocks(project.read("docs/docker.md"))["Signing"]
    (command,) = [line.removeprefix("$ ") for line in signing if "cosign" in line]
    words = shlex.split(command)
    assert words[:2] == ["cosign", "verify"]
    return words


def option(words: list[str], name: str) -> str:
    return words[words.index(name) + 1]


@pytest.mark.parametrize(
    ("repository_url", "owner_and_name"),
    [
        pytest.param(None, "jane-doe/my-project", id="default"),
        pytest.param("https://github.com/Acme-Corp/Invoice-Mailer", "Acme-Corp/Invoice-Mailer", id="mixed-case"),
    ],
)
def test_docs_cosign_verify_expects_the_release_workflows_identity(
    bake: Bake, repository_url: str | None, owner_and_name: str
) -> None:
    """GitHub's certificate names https://github.com/OWNER/NAME/<workflow path>@<git ref>."""
    answers = {"container_registry": "ghcr"} | ({"repository_url": repository_url} if repository_url else {})
    project = bake(**answers)
    version = project.answers["version"]
    words = docs_cosign_verify(project)

    assert (project.path / RELEASE_WORKFLOW).is_file()
    assert "sign" in workflow(project, "release.yml")["jobs"]
    expected = f"https://github.com/{owner_and_name}/{RELEASE_WORKFLOW}@refs/tags/v{version}"
    assert option(words, "--certificate-identity") == expected
    assert option(words, "--certificate-oidc-issuer") == OIDC_ISSUER
    # The image the release pushes, under the tag image_tags.py gives the version.
    assert words[2] == f"ghcr.io/{owner_and_name.lower()}:{version}"


def test_docs_show_no_cosign_command_without_a_release_workflow(bake: Bake) -> None:
    project = bake(container_registry="none")

    assert "Signing" not in console_blocks(project.read("docs/docker.md"))
    assert "cosign verify" not in project.read("docs/docker.md")


def test_docs_arm64_commands_are_the_ones_the_arm64_test_runs(default_project: Project) -> None:
    """tests/docker/test_arm64.py builds with `--platform linux/arm64` and runs this same check."""
    lines = console_blocks(default_project.read("docs/docker.md"))["amd64 and arm64"]
    build, run, output = (shlex.split(line.removeprefix("$ ")) for line in lines[:3])

    assert build[:4] == ["docker", "build", "--platform", "linux/arm64"]
    assert run[:5] == ["docker", "run", "--rm", "--platform", "linux/arm64"]
    assert run[-3:] == ["python", "-c", "import platform; print(platform.machine())"]
    assert output == ["aarch64"]


# --- Only release tags release, and only they verify ------------------------------------------

RELEASE_TAGS = ["v0.1.0", "v1.0", "v1.0rc1", "v1.0.post1.dev2", "v10.20.30"]
NOT_RELEASE_TAGS = ["vnext", "v", "version-1", "v1.0-evil", "v1.0/../x", "v1.0\n", "release-1.0", "1.0", "V1.0"]


def github_glob(pattern: str) -> re.Pattern[str]:
    """A GitHub Actions filter pattern as a regular expression, for the parts the workflow uses:
    `*` (anything but `/`), `[...]` (one of), and literal characters."""
    parts = re.findall(r"\[[^]]+\]|\*|.", pattern)
    return re.compile(
        "".join("[^/]*" if part == "*" else part if part.startswith("[") else re.escape(part) for part in parts)
    )


def documented_identity_regexp(project: Project) -> re.Pattern[str]:
    docs = " ".join(project.read("docs/docker.md").split())
    (regexp,) = re.findall(r"--certificate-identity-regexp '([^']+)'", docs)
    # Go's `$` (cosign's regexps are Go's) ends the text; Python's also matches before a final "\n".
    return re.compile(regexp.removesuffix("$") + r"\Z" if regexp.endswith("$") else regexp)


def test_the_release_runs_only_on_version_tags(ghcr_project: Project) -> None:
    (tag_filter,) = triggers(workflow(ghcr_project, "release.yml"))["push"]["tags"]
    release_tag = github_glob(tag_filter)

    # A tag that passes the filter but names no version (v1.0-evil) stops at image_tags.py.
    assert all(release_tag.fullmatch(tag) for tag in RELEASE_TAGS)
    assert not any(release_tag.fullmatch(tag) for tag in ["vnext", "v", "version-1", "release-1.0", "1.0", "V1.0"])


def test_the_documented_identity_regexp_admits_exactly_this_workflows_release_tags(ghcr_project: Project) -> None:
    identity = documented_identity_regexp(ghcr_project)
    (tag_filter,) = triggers(workflow(ghcr_project, "release.yml"))["push"]["tags"]
    workflow_identity = f"https://github.com/jane-doe/my-project/{RELEASE_WORKFLOW}@refs/tags/"

    for tag in RELEASE_TAGS:
        assert identity.search(workflow_identity + tag), tag
        assert github_glob(tag_filter).fullmatch(tag), tag
    for tag in NOT_RELEASE_TAGS:
        assert not identity.search(workflow_identity + tag), tag
    for other in (
        f"https://github.com/jane-doe/my-project/{RELEASE_WORKFLOW}@refs/heads/main",
        "https://github.com/jane-doe/my-project/.github/workflows/ci.yml@refs/tags/v1.0",
        f"https://github.com/jane-doe/my-project-fork/{RELEASE_WORKFLOW}@refs/tags/v1.0",
        f"https://github.com/evil/x?https://github.com/jane-doe/my-project/{RELEASE_WORKFLOW}@refs/tags/v1.0",
    ):
        assert not identity.search(other), other


def test_the_publish_job_runs_in_an_environment_that_can_require_a_reviewer(ghcr_project: Project) -> None:
    publish = workflow(ghcr_project, "release.yml")["jobs"]["publish"]

    assert publish["environment"] == "release"
    assert "`release`" in ghcr_project.read("docs/docker.md")
