"""deploy/kubernetes: valid for every supported Kubernetes version, and saying what the image guarantees.

No cluster runs here: the official schemas (shipped by kubernetes-validate) prove the manifests
are valid, and tests/deployment/test_kubernetes.py runs the image under the constraints they state.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Callable
from typing import Any

import kubernetes_validate
import pytest
from kubernetes_validate.utils import all_versions, major_minor
from packaging.version import Version

from tests.conftest import Project
from tests.kubernetes import (
    MANIFEST_DIR,
    Manifests,
    container,
    container_port,
    mount_paths,
    pod_spec,
    run_options,
    security,
)
from tests.readme_commands import console_blocks, fenced_blocks
from tests.template import DATABASES, ONE_KIND_AT_A_TIME

Bake = Callable[..., Project]

# The Kubernetes releases the manifests are valid for, as docs/deployment.md states: 1.30 (the
# oldest with upstream patch support when this was written) up to the newest schema shipped.
OLDEST_KUBERNETES = "1.30"
KUBERNETES_VERSIONS = sorted(
    {major_minor(version) for version in all_versions() if Version(major_minor(version)) >= Version(OLDEST_KUBERNETES)},
    key=Version,
)
# What each kind deploys: the web kind a service, the cli kind a one-off run.
KIND_RESOURCES = {
    "cli": {"Job"},
    "web": {"Deployment", "Service", "PodDisruptionBudget", "ServiceAccount", "NetworkPolicy"},
}
# What a database adds: a Job that runs its migrations.
DATABASE_RESOURCES = {"none": set(), "postgres": {"Job"}}
# Every kind, and the web kind with each database (the cli kind has none).
DEPLOYABLE = [
    pytest.param({"app_kind": "cli"}, id="app_kind=cli"),
    *[
        pytest.param({"app_kind": "web", "database": database}, id=f"app_kind=web,database={database}")
        for database in DATABASES
    ],
]
# "Short enough to read in one screen each" (the house style).
SCREEN_LINES = 100


def manifests(bake: Bake, answers: dict[str, Any]) -> Manifests:
    return Manifests.of(bake(**answers))


def test_the_supported_range_reaches_the_newest_schema() -> None:
    assert KUBERNETES_VERSIONS[0] == OLDEST_KUBERNETES
    assert KUBERNETES_VERSIONS[-1] == major_minor(all_versions()[-1])


@pytest.mark.parametrize("answers", DEPLOYABLE)
@pytest.mark.parametrize("kubernetes_version", KUBERNETES_VERSIONS)
def test_every_manifest_validates_strictly_against_the_official_schema(
    bake: Bake, answers: dict[str, Any], kubernetes_version: str
) -> None:
    for name, resource in manifests(bake, answers).files.items():
        validated = kubernetes_validate.validate(resource, kubernetes_version, strict=True)
        assert validated == kubernetes_version, name


@pytest.mark.parametrize("answers", DEPLOYABLE)
def test_kustomization_lists_exactly_the_manifests_of_the_kind_and_database(
    bake: Bake, answers: dict[str, Any]
) -> None:
    project = bake(**answers)
    found = Manifests.of(project)

    assert sorted(found.kustomization["resources"]) == sorted(found.files)
    assert {resource["kind"] for resource in found.files.values()} == (
        KIND_RESOURCES[project.kind] | DATABASE_RESOURCES[project.answers["database"]]
    )


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_image_is_set_in_one_place_the_kustomization(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)
    found = Manifests.of(project)
    (image,) = found.kustomization["images"]

    assert container(found.workload())["image"] == image["name"] == project.slug
    assert image["newTag"] == project.answers["version"]


@pytest.mark.parametrize(
    ("answers", "new_name"),
    [({"container_registry": "ghcr"}, "ghcr.io/jane-doe/my-project"), ({"container_registry": "none"}, None)],
    ids=["ghcr", "none"],
)
def test_the_kustomization_names_the_image_the_release_publishes(
    bake: Bake, answers: dict[str, Any], new_name: str | None
) -> None:
    (image,) = manifests(bake, answers).kustomization["images"]

    assert image["newName"] == new_name or (new_name is None and not image["newName"].startswith("ghcr.io/"))


@pytest.mark.parametrize("answers", DEPLOYABLE)
def test_each_manifest_fits_on_one_screen(bake: Bake, answers: dict[str, Any]) -> None:
    folder = bake(**answers).path / MANIFEST_DIR

    for path in folder.glob("*.yaml"):
        assert len(path.read_text(encoding="utf-8").splitlines()) <= SCREEN_LINES, path.name


# `main` is the Dockerfile's last stage, so its USER and HOME are the last ones set.
def dockerfile_user(project: Project) -> tuple[int, int]:
    user, group = re.findall(r"^USER (\d+):(\d+)$", project.read("Dockerfile"), re.MULTILINE)[-1]
    return int(user), int(group)


def dockerfile_home(project: Project) -> str:
    return str(re.findall(r"^\s+HOME=(\S+)$", project.read("Dockerfile"), re.MULTILINE)[-1])


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_pod_runs_as_the_dockerfiles_numeric_user(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)
    context = security(Manifests.of(project).workload())

    assert (context["runAsUser"], context["runAsGroup"]) == dockerfile_user(project)
    assert context["fsGroup"] == context["runAsGroup"]
    assert context["runAsNonRoot"] is True


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_pod_is_locked_down_as_far_as_the_image_allows(bake: Bake, answers: dict[str, Any]) -> None:
    context = security(manifests(bake, answers).workload())

    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}
    assert pod_spec(manifests(bake, answers).workload())["automountServiceAccountToken"] is False


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_only_tmp_and_the_dockerfiles_home_are_writable(bake: Bake, answers: dict[str, Any]) -> None:
    project = bake(**answers)

    assert sorted(mount_paths(Manifests.of(project).workload()).values()) == sorted([dockerfile_home(project), "/tmp"])


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_container_requests_and_limits_cpu_memory_and_disk(bake: Bake, answers: dict[str, Any]) -> None:
    resources = container(manifests(bake, answers).workload())["resources"]

    assert set(resources["requests"]) == set(resources["limits"]) == {"cpu", "memory", "ephemeral-storage"}


@pytest.fixture
def web(bake: Bake) -> Project:
    return bake(app_kind="web")


def test_the_deployment_keeps_two_replicas_on_different_nodes_during_a_rollout(web: Project) -> None:
    deployment = Manifests.of(web).of_kind("Deployment")
    (spread,) = pod_spec(deployment)["topologySpreadConstraints"]

    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert spread["topologyKey"] == "kubernetes.io/hostname"
    assert spread["labelSelector"]["matchLabels"] == deployment["spec"]["template"]["metadata"]["labels"]


def test_service_and_disruption_budget_select_the_deployments_pods(web: Project) -> None:
    found = Manifests.of(web)
    pod_labels = found.of_kind("Deployment")["spec"]["template"]["metadata"]["labels"]

    assert found.of_kind("Service")["spec"]["selector"] == pod_labels
    assert found.of_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == pod_labels
    assert found.of_kind("PodDisruptionBudget")["spec"]["minAvailable"] == 1


def test_the_service_forwards_to_the_port_the_app_listens_on(web: Project) -> None:
    found = Manifests.of(web)
    (port,) = found.of_kind("Service")["spec"]["ports"]

    assert container_port(found.of_kind("Deployment"), port["targetPort"]) == settings_default(web, "port")


def test_the_pods_use_a_service_account_without_a_token(web: Project) -> None:
    found = Manifests.of(web)
    account = found.of_kind("ServiceAccount")

    assert pod_spec(found.of_kind("Deployment"))["serviceAccountName"] == account["metadata"]["name"]
    assert account["automountServiceAccountToken"] is False


def test_probes_point_at_the_apps_health_and_readiness_endpoints(web: Project) -> None:
    deployment = Manifests.of(web).of_kind("Deployment")
    probes = {name: container(deployment)[f"{name}Probe"]["httpGet"] for name in ("startup", "liveness", "readiness")}

    assert {name: probe["path"] for name, probe in probes.items()} == {
        "startup": "/health",
        "liveness": "/health",
        "readiness": "/ready",
    }
    assert {container_port(deployment, probe["port"]) for probe in probes.values()} == {settings_default(web, "port")}
    routes = set(re.findall(r'api_route\("([^"]+)"', web.read(f"src/{web.package}/app.py")))
    assert {"/health", "/ready"} <= routes


def test_the_grace_period_outlasts_the_apps_graceful_shutdown(web: Project) -> None:
    deployment = Manifests.of(web).of_kind("Deployment")

    assert pod_spec(deployment)["terminationGracePeriodSeconds"] > settings_default(web, "shutdown_timeout")


def settings_default(project: Project, name: str) -> Any:
    """A setting's default as settings.py declares it (`name: T = value` or `= Field(default=value)`)."""
    tree = ast.parse(project.read(f"src/{project.package}/settings.py"))
    for node in ast.walk(tree):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            value = node.value
            if isinstance(value, ast.Call):
                (value,) = [keyword.value for keyword in value.keywords if keyword.arg == "default"]
            assert value is not None
            return ast.literal_eval(value)
    raise AssertionError(f"settings.py declares no {name}")


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_deployment_docs_docker_run_line_states_the_manifests_constraints(
    bake: Bake, answers: dict[str, Any]
) -> None:
    project = bake(**answers)
    (command,) = [
        line
        for line in console_blocks(project.read("docs/deployment.md"))["The same constraints with Docker"]
        if line.startswith("docker run")
    ]
    words = shlex.split(command)
    workload = Manifests.of(project).workload()
    args = container(workload)["args"]

    assert options_with_values(words) >= options_with_values(run_options(workload))
    assert words[-len(args) - 1 :] == [project.slug, *args]


def options_with_values(words: list[str]) -> set[tuple[str, str]]:
    """Each `--option value` pair of a command line; a flag such as --read-only pairs with ''."""
    found = set()
    for index, word in enumerate(words):
        if word.startswith("--"):
            following = words[index + 1] if index + 1 < len(words) else ""
            found.add((word, "" if word in FLAGS or following.startswith("-") else following))
    return found


FLAGS = {"--read-only", "--rm"}


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_deployment_docs_state_the_validated_kubernetes_range(bake: Bake, answers: dict[str, Any]) -> None:
    docs = bake(**answers).read("docs/deployment.md")

    assert f"Kubernetes {KUBERNETES_VERSIONS[0]} to {KUBERNETES_VERSIONS[-1]}" in docs


def test_the_startup_probe_gives_the_app_thirty_seconds_to_start(web: Project) -> None:
    probe = container(Manifests.of(web).of_kind("Deployment"))["startupProbe"]

    assert probe["periodSeconds"] * probe["failureThreshold"] == 30


def test_the_job_retries_twice_and_is_removed_an_hour_after_it_ends(bake: Bake) -> None:
    project = bake(app_kind="cli")
    job = Manifests.of(project).of_kind("Job")

    assert (job["spec"]["backoffLimit"], job["spec"]["ttlSecondsAfterFinished"]) == (2, 3600)


# --- Names Kubernetes accepts ----------------------------------------------------------------

# A Service's name is a DNS-1035 label; every label value has at most 63 characters.
DNS_1035_LABEL = re.compile(r"[a-z](?:[-a-z0-9]{0,61}[a-z0-9])?")
LONGEST_SLUG = "a" * 30 + "_" + "b" * 33  # 64 characters, the most the answer rules allow
AWKWARD_SLUGS = ["my_app", LONGEST_SLUG, "a" * 62 + "_b", "x"]


def names_and_name_labels(found: Manifests) -> list[str]:
    """Every object's name, every name label, and every Secret and ServiceAccount named, at any depth."""
    values: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "metadata" and isinstance(value, dict) and "name" in value:
                    values.append(value["name"])
                if key in ("app.kubernetes.io/name", "app.kubernetes.io/part-of", "serviceAccountName"):
                    values.append(value)
                if key == "secretKeyRef":
                    values.append(value["name"])
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(list(found.files.values()))
    return values


@pytest.mark.parametrize("answers", DEPLOYABLE)
@pytest.mark.parametrize("slug", AWKWARD_SLUGS)
def test_every_name_and_label_is_a_dns_1035_label_whatever_the_slug(
    bake: Bake, answers: dict[str, Any], slug: str
) -> None:
    from hooks.extensions import kubernetes_name

    project = bake(**answers, project_slug=slug)
    found = Manifests.of(project)

    names = names_and_name_labels(found)

    assert names
    assert all(isinstance(name, str) and DNS_1035_LABEL.fullmatch(name) for name in names), names
    # One name for the app everywhere; the migration Job and the database's Secret add a word to it.
    assert set(names) <= {kubernetes_name(slug), kubernetes_name(slug, "migrate"), kubernetes_name(slug, "database")}
    # The image and the command keep the slug itself: they name the image and the console script.
    assert container(found.workload())["image"] == slug
    assert container(found.workload())["args"][0] == slug


def test_the_kubernetes_name_keeps_a_valid_slug_and_mends_the_rest() -> None:
    from hooks.extensions import kubernetes_name

    assert kubernetes_name("my-project") == "my-project"
    assert kubernetes_name("my_app") == "my-app"
    assert kubernetes_name(LONGEST_SLUG) == LONGEST_SLUG.replace("_", "-")[:63]
    assert kubernetes_name("a" * 62 + "_b") == "a" * 62  # no '-' left at the end


def test_the_kubernetes_name_with_a_suffix_keeps_the_suffix_within_63_characters() -> None:
    from hooks.extensions import kubernetes_name

    assert kubernetes_name("my_app", "migrate") == "my-app-migrate"
    assert kubernetes_name(LONGEST_SLUG, "migrate") == "a" * 30 + "-" + "b" * 24 + "-migrate"
    assert kubernetes_name("a" * 54 + "_b", "migrate") == "a" * 54 + "-migrate"  # no '--' in the middle


# --- Traffic, pulls and disk -----------------------------------------------------------------


def test_the_network_policy_admits_only_the_services_port_to_the_deployments_pods(web: Project) -> None:
    found = Manifests.of(web)
    policy = found.of_kind("NetworkPolicy")["spec"]
    pod_labels = found.of_kind("Deployment")["spec"]["template"]["metadata"]["labels"]
    (service_port,) = found.of_kind("Service")["spec"]["ports"]

    assert policy["podSelector"]["matchLabels"] == pod_labels
    assert policy["policyTypes"] == ["Ingress"]
    (rule,) = policy["ingress"]
    assert rule["ports"] == [{"port": service_port["targetPort"], "protocol": "TCP"}]
    assert "from" not in rule  # from anywhere in the cluster, to that port only


@pytest.mark.parametrize("answers", ONE_KIND_AT_A_TIME)
def test_the_container_pulls_only_what_it_lacks_and_requests_disk(bake: Bake, answers: dict[str, Any]) -> None:
    found = manifests(bake, answers)
    spec = container(found.workload())
    volumes = pod_spec(found.workload())["volumes"]
    empty_dirs = sum(int(volume["emptyDir"]["sizeLimit"].removesuffix("Mi")) for volume in volumes)

    assert spec["imagePullPolicy"] == "IfNotPresent"
    requested = int(spec["resources"]["requests"]["ephemeral-storage"].removesuffix("Mi"))
    limited = int(spec["resources"]["limits"]["ephemeral-storage"].removesuffix("Mi"))
    assert empty_dirs < requested <= limited


@pytest.mark.parametrize("registry", ["ghcr", "none"])
def test_the_docs_pin_the_image_by_digest_under_the_kustomizations_name(bake: Bake, registry: str) -> None:
    project = bake(container_registry=registry)
    (image,) = Manifests.of(project).kustomization["images"]
    commands = [
        line
        for block in fenced_blocks(project.read("docs/deployment.md"), "text")["The image"]
        for line in block.splitlines()
    ]

    (pinned,) = [command for command in commands if "@sha256:" in command]

    name, reference = pinned.removeprefix("kustomize edit set image ").split("=")
    assert name == image["name"]
    assert reference == "REGISTRY/NAME@sha256:DIGEST"


# --- The web kind's database: a Secret, a migration Job, the order of a release ----------------

SECRET_KEY_REF = re.compile(r"--from-literal=(?P<key>[^=]+)=(?P<value>.+)")


@pytest.fixture
def with_database(bake: Bake) -> Project:
    return bake(app_kind="web", database="postgres")


def database_url_variable(project: Project) -> str:
    return f"{project.package.upper()}_DATABASE_URL"


def env_sources(workload: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each environment variable of the workload's container, by name: its `value` or `valueFrom`."""
    return {variable["name"]: variable for variable in container(workload).get("env", [])}


def test_the_deployment_and_the_migration_job_read_the_database_url_from_one_secret(with_database: Project) -> None:
    from hooks.extensions import kubernetes_name

    found = Manifests.of(with_database)
    variable = database_url_variable(with_database)

    for workload in (found.of_kind("Deployment"), found.migration_job()):
        assert "value" not in env_sources(workload)[variable]
        assert "secretKeyRef" in env_sources(workload)[variable]["valueFrom"]
    assert found.secret_refs() == {(kubernetes_name(with_database.slug, "database"), "url")}


def test_no_manifest_holds_a_secret_and_the_kustomization_makes_none(with_database: Project) -> None:
    found = Manifests.of(with_database)

    assert "Secret" not in {resource["kind"] for resource in found.files.values()}
    assert "secretGenerator" not in found.kustomization


def test_without_a_database_nothing_reads_a_secret_or_migrates(bake: Bake) -> None:
    found = Manifests.of(bake(app_kind="web", database="none"))

    assert found.secret_refs() == set()
    assert "Job" not in {resource["kind"] for resource in found.files.values()}


def test_the_migration_job_runs_the_images_migrate_command(with_database: Project) -> None:
    found = Manifests.of(with_database)
    job = container(found.migration_job())

    assert job["args"] == [with_database.slug, "migrate"]
    assert job["image"] == container(found.of_kind("Deployment"))["image"]
    assert "migrate" in with_database.read(f"src/{with_database.package}/cli.py")


def test_the_migration_job_runs_under_the_deployments_constraints(with_database: Project) -> None:
    found = Manifests.of(with_database)
    job, deployment = found.migration_job(), found.of_kind("Deployment")

    assert security(job) == security(deployment)
    assert container(job)["resources"] == container(deployment)["resources"]
    assert mount_paths(job) == mount_paths(deployment)
    assert pod_spec(job)["volumes"] == pod_spec(deployment)["volumes"]
    for field in ("serviceAccountName", "automountServiceAccountToken"):
        assert pod_spec(job)[field] == pod_spec(deployment)[field], field
    assert container(job)["imagePullPolicy"] == container(deployment)["imagePullPolicy"]


def test_the_migration_job_runs_one_pod_retries_twice_and_is_removed_an_hour_after_it_ends(
    with_database: Project,
) -> None:
    spec = Manifests.of(with_database).migration_job()["spec"]

    assert spec.get("parallelism", 1) == spec.get("completions", 1) == 1
    assert (spec["backoffLimit"], spec["activeDeadlineSeconds"], spec["ttlSecondsAfterFinished"]) == (2, 600, 3600)
    assert spec["template"]["spec"]["restartPolicy"] == "Never"


def test_migrations_run_in_a_job_not_in_an_init_container_of_every_pod(with_database: Project) -> None:
    assert "initContainers" not in pod_spec(Manifests.of(with_database).of_kind("Deployment"))


def selects(match_labels: dict[str, str], labels: dict[str, str]) -> bool:
    return match_labels.items() <= labels.items()


def test_the_service_and_the_policies_do_not_select_the_migration_pod(with_database: Project) -> None:
    found = Manifests.of(with_database)
    migration_pod = found.migration_job()["spec"]["template"]["metadata"]["labels"]
    selectors = {
        "Deployment": found.of_kind("Deployment")["spec"]["selector"]["matchLabels"],
        "Service": found.of_kind("Service")["spec"]["selector"],
        "PodDisruptionBudget": found.of_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        "NetworkPolicy": found.of_kind("NetworkPolicy")["spec"]["podSelector"]["matchLabels"],
    }

    assert [kind for kind, selector in selectors.items() if selects(selector, migration_pod)] == []


def deployment_doc_commands(project: Project, heading: str) -> list[list[str]]:
    """The commands of the ```text blocks under a heading of docs/deployment.md, split as a shell would."""
    blocks = fenced_blocks(project.read("docs/deployment.md"), "text")[heading]
    return [shlex.split(line) for block in blocks for line in block.splitlines() if line.strip()]


def test_the_docs_create_the_secret_the_manifests_read_with_a_placeholder(with_database: Project) -> None:
    found = Manifests.of(with_database)
    (command,) = [
        words
        for words in deployment_doc_commands(with_database, "The database")
        if words[:3] == ["kubectl", "create", "secret"]
    ]

    assert command[3] == "generic"
    (literal,) = [SECRET_KEY_REF.fullmatch(word) for word in command if word.startswith("--from-literal=")]
    assert literal is not None
    assert found.secret_refs() == {(command[4], literal["key"])}
    assert literal["value"] == "postgresql+psycopg://USER:PASSWORD@HOST:5432/NAME"


def test_the_docs_run_the_migration_job_alone_and_wait_for_it_before_the_rest(with_database: Project) -> None:
    found = Manifests.of(with_database)
    job = found.migration_job()
    name = job["metadata"]["name"]
    commands = deployment_doc_commands(with_database, "Apply, roll out, roll back")
    # The selector on `kubectl apply -k ... --selector KEY=VALUE` picks exactly the Job.
    (selector,) = [words[words.index("--selector") + 1] for words in commands if "--selector" in words]
    key, _, value = selector.partition("=")
    picked = [resource for resource in found.files.values() if resource["metadata"]["labels"].get(key) == value]
    deadline_minutes = job["spec"]["activeDeadlineSeconds"] // 60

    assert picked == [job]
    assert commands[:3] == [
        ["kubectl", "delete", "job", name, "--ignore-not-found"],
        ["kubectl", "apply", "-k", "deploy/kubernetes", "--selector", selector],
        ["kubectl", "wait", "--for=condition=complete", f"--timeout={deadline_minutes}m", f"job/{name}"],
    ]
    assert commands.index(["kubectl", "apply", "-k", "deploy/kubernetes"]) > 2


@pytest.mark.parametrize("answers", DEPLOYABLE)
def test_every_kubectl_command_in_the_deployment_docs_names_a_resource_of_the_manifests(
    bake: Bake, answers: dict[str, Any]
) -> None:
    project = bake(**answers)
    found = Manifests.of(project)
    defined = {(resource["kind"].lower(), resource["metadata"]["name"]) for resource in found.files.values()}
    defined |= {("secret", name) for name, _ in found.secret_refs()}
    docs = project.read("docs/deployment.md")
    commands = re.findall(r"kubectl [^`\n]+", docs)

    named = {
        (kind, name)
        for command in commands
        for kind, name in re.findall(r"\b(job|deployment|secret generic)[/ ]([a-z][-a-z0-9]*)", command)
    }

    assert commands
    assert {(kind.removesuffix(" generic"), name) for kind, name in named} <= defined
