#!/usr/bin/env bash
# Build a local image that stands in for the official python:X-slim where no container registry
# can be reached, so that the generated Dockerfile builds unchanged (FROM python:X-slim finds it).
#
# Usage: scripts/standin-base.sh SUITE TAG    e.g.  scripts/standin-base.sh trixie python:3.13-slim
#   Debian suites and their Python: bookworm 3.11, trixie 3.13, sid 3.14 (none ships 3.12).
# Needs root, debootstrap and a Docker engine with BuildKit. DOCKER names the client (default: docker).
# debootstrap uses its default Debian mirror; pip inside the image uses its default index.
set -euo pipefail

suite=${1:?usage: standin-base.sh SUITE TAG}
tag=${2:?usage: standin-base.sh SUITE TAG}
docker=${DOCKER:-docker}
export DOCKER_BUILDKIT=1

if "$docker" image inspect "$tag" >/dev/null 2>&1; then
    echo "$tag already exists"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# minbase: only essential packages, like the slim images. python3-venv brings ensurepip's pip
# wheel, installed below the way the official images install pip.
debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates "$suite" "$work/rootfs" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
tar -C "$work/rootfs" -c . | "$docker" import - "standin-rootfs:$suite" >/dev/null
rm -rf "$work/rootfs"

# The host's CA bundle: where TLS to package indexes is intercepted, its CA is in there.
cp /etc/ssl/certs/ca-certificates.crt "$work/"
cat >"$work/Dockerfile" <<DOCKERFILE
FROM standin-rootfs:$suite
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# As in the official images: python and pip under /usr/local, no EXTERNALLY-MANAGED marker,
# pip from the wheel Debian ships (Debian's python3-pip would pull in Debian-managed libraries
# that pip cannot upgrade), and apt configured to drop its caches after every install.
RUN ln -sf /usr/bin/python3 /usr/local/bin/python \\
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \\
 && wheel=\$(ls /usr/share/python-wheels/pip-*.whl) \\
 && python3 "\$wheel/pip" install --quiet --no-index --root-user-action=ignore "\$wheel" \\
 && printf '%s\\n' 'Dir::Cache::pkgcache "";' 'Dir::Cache::srcpkgcache "";' \\
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \\
      >/etc/apt/apt.conf.d/docker-clean \\
 && rm -rf /var/lib/apt/lists/*
ENV REQUESTS_CA_BUNDLE=/etc/ssl/certs/ca-certificates.crt \\
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \\
    PIP_CERT=/etc/ssl/certs/ca-certificates.crt \\
    LANG=C.UTF-8
CMD ["python3"]
DOCKERFILE
"$docker" build --quiet --tag "$tag" "$work" >/dev/null
echo "$tag built from Debian $suite"
