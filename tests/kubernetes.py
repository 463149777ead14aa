"""A generated project's Kubernetes manifests, read the way the tests need them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from tests.conftest import Project

MANIFEST_DIR = "deploy/kubernetes"


@dataclass(frozen=True)
class Manifests:
    """The manifests under deploy/kubernetes, by file name, and the kustomization that lists them."""

    files: dict[str, dict[str, Any]]
    kustomization: dict[str, Any]

    @classmethod
    def of(cls, project: Project) -> Manifests:
        folder = project.path / MANIFEST_DIR
        files = {path.name: yaml.safe_load(path.read_text(encoding="utf-8")) for path in sorted(folder.glob("*.yaml"))}
        return cls(files=files, kustomization=files.pop("kustomization.yaml"))

    def of_kind(self, kind: str) -> dict[str, Any]:
        """The one resource of `kind` (Deployment, Job, ...)."""
        (resource,) = [resource for resource in self.files.values() if resource["kind"] == kind]
        return resource

    def workload(self) -> dict[str, Any]:
        """The resource that runs the app: the web kind's Deployment or the cli kind's Job (a web
        service with a database also has a Job, its migrations: `migration_job`)."""
        kinds = {resource["kind"] for resource in self.files.values()}
        return self.of_kind("Deployment" if "Deployment" in kinds else "Job")

    def migration_job(self) -> dict[str, Any]:
        """The Job that runs the database's migrations (web kind with a database)."""
        (resource,) = [
            resource
            for resource in self.files.values()
            if resource["kind"] == "Job"
            and resource["metadata"]["labels"].get("app.kubernetes.io/component") == "migration"
        ]
        return resource

    def secret_refs(self) -> set[tuple[str, str]]:
        """Every (Secret name, key) a container's environment reads."""
        return {
            (variable["valueFrom"]["secretKeyRef"]["name"], variable["valueFrom"]["secretKeyRef"]["key"])
            for resource in self.files.values()
            if "template" in resource.get("spec", {})
            for variable in container(resource).get("env", [])
            if "secretKeyRef" in variable.get("valueFrom", {})
        }


def pod_spec(workload: dict[str, Any]) -> dict[str, Any]:
    spec: dict[str, Any] = workload["spec"]["template"]["spec"]
    return spec


def container(workload: dict[str, Any]) -> dict[str, Any]:
    (only,) = pod_spec(workload)["containers"]
    return dict(only)


def security(workload: dict[str, Any]) -> dict[str, Any]:
    """The container's effective securityContext: the pod's, the container's on top, as the kubelet merges them."""
    return {**pod_spec(workload).get("securityContext", {}), **container(workload).get("securityContext", {})}


def mount_paths(workload: dict[str, Any]) -> dict[str, str]:
    """Each emptyDir volume's mount path, by volume name."""
    empty_dirs = {volume["name"] for volume in pod_spec(workload)["volumes"] if "emptyDir" in volume}
    return {
        mount["name"]: mount["mountPath"]
        for mount in container(workload)["volumeMounts"]
        if mount["name"] in empty_dirs
    }


def container_port(workload: dict[str, Any], port: int | str) -> int:
    """A probe's or Service's port: a number, or the name of one of the container's ports."""
    if isinstance(port, int):
        return port
    (number,) = [entry["containerPort"] for entry in container(workload)["ports"] if entry.get("name") == port]
    return int(number)


# Kubernetes' binary suffixes and docker's: docker's `m` is a mebibyte, as Kubernetes' `Mi`.
MEMORY_UNITS = {"Ki": "k", "Mi": "m", "Gi": "g"}


def memory(quantity: str) -> str:
    return quantity[:-2] + MEMORY_UNITS[quantity[-2:]] if quantity[-2:] in MEMORY_UNITS else quantity


def cpus(quantity: str) -> str:
    return str(int(quantity[:-1]) / 1000) if quantity.endswith("m") else quantity


def empty_dir_options(workload: dict[str, Any], volume: str) -> str:
    """tmpfs options for an emptyDir: its sizeLimit, owned by the pod's user and fsGroup.

    The kubelet mounts a fresh, writable folder there. docker's tmpfs instead takes the mode and
    owner of the image's folder beneath it (the home's 0700, and root then owns the tmpfs), even
    with `mode=`; owning it as the pod's user gives what the emptyDir gives: a place it can write.
    """
    context = security(workload)
    (empty_dir,) = [entry["emptyDir"] for entry in pod_spec(workload)["volumes"] if entry["name"] == volume]
    size = f",size={memory(empty_dir['sizeLimit'])}" if "sizeLimit" in empty_dir else ""
    return f"uid={context['runAsUser']},gid={context['fsGroup']}{size}"


def run_options(workload: dict[str, Any], secrets: dict[tuple[str, str], str] | None = None) -> list[str]:
    """`docker run` options for what the workload's pod spec states about its one container.

    `secrets` plays the cluster's Secrets: the value for each (Secret name, key) an environment
    variable reads through `secretKeyRef`. Without it, such a variable is passed as `--env NAME`,
    which docker fills from its caller's environment.
    """
    context = security(workload)
    spec = container(workload)
    options = ["--user", f"{context['runAsUser']}:{context['runAsGroup']}"]
    if context.get("readOnlyRootFilesystem"):
        options.append("--read-only")
    for capability in context.get("capabilities", {}).get("drop", []):
        options += ["--cap-drop", capability]
    if context.get("allowPrivilegeEscalation") is False:
        options += ["--security-opt", "no-new-privileges"]
    for volume, path in mount_paths(workload).items():
        options += ["--tmpfs", f"{path}:{empty_dir_options(workload, volume)}"]
    limits = spec["resources"]["limits"]
    options += ["--memory", memory(limits["memory"]), "--cpus", cpus(limits["cpu"])]
    for variable in spec.get("env", []):
        value = env_value(variable, secrets)
        options += ["--env", variable["name"] if value is None else f"{variable['name']}={value}"]
    return options


def env_value(variable: dict[str, Any], secrets: dict[tuple[str, str], str] | None) -> str | None:
    """An environment variable's value: written in the manifest, or read from a Secret's key
    (None: no Secrets given)."""
    if "value" in variable:
        return str(variable["value"])
    if secrets is None:
        return None
    reference = variable["valueFrom"]["secretKeyRef"]
    return secrets[(reference["name"], reference["key"])]
