#!/usr/bin/env bash
# Build a local image that stands in for the official python:X-slim where no container registry
# can be reached, so that the generated Dockerfile builds unchanged (FROM python:X-slim finds it).
#
# Usage: scripts/standin-base.sh [--platform PLATFORM] SUITE TAG [PYTHON_PREFIX]
#   scripts/standin-base.sh trixie python:3.13-slim
#       Debian's own python3: bookworm 3.11, trixie 3.13, sid 3.14 (no suite ships 3.12).
#   scripts/standin-base.sh bookworm python:3.12-slim ~/.pyenv/versions/3.12.1
#       A CPython built on this machine (e.g. by pyenv) instead, copied under /usr/local as the
#       official images install theirs. SUITE must be this machine's Debian release: the build
#       links the host's libraries, and the Debian packages that hold them are installed.
#   scripts/standin-base.sh --platform linux/arm64 trixie pdt-standin-arm64:python3.13
#       An image for another architecture (Debian's name for it after "linux/"); the machine must
#       run its binaries, e.g. under QEMU with binfmt_misc's F flag (scripts/arm64-standin.sh).
# Needs root, debootstrap and a Docker engine with BuildKit. DOCKER names the client (default: docker).
# debootstrap uses its default Debian mirror; pip inside the image uses its default index.
set -euo pipefail

usage='usage: standin-base.sh [--platform PLATFORM] SUITE TAG [PYTHON_PREFIX]'
platform=
if [ "${1:-}" = --platform ]; then
    platform=${2:?$usage}
    shift 2
fi
suite=${1:?$usage}
tag=${2:?$usage}
prefix=${3:-}
docker=${DOCKER:-docker}
export DOCKER_BUILDKIT=1

if "$docker" image inspect "$tag" >/dev/null 2>&1; then
    echo "$tag already exists"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if [ -z "$prefix" ]; then
    # minbase: only essential packages, like the slim images. python3-venv brings ensurepip's pip
    # wheel, installed below the way the official images install pip.
    packages=python3,python3-venv,ca-certificates
    rootfs_image="standin-rootfs:$suite${platform:+-${platform#linux/}}"
else
    if [ -n "$platform" ]; then
        echo "a Python built here runs on this machine's platform only: drop --platform" >&2
        exit 2
    fi
    prefix=$(cd "$prefix" && pwd -P)
    version=$("$prefix/bin/python3" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
    host_suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
    if [ "$suite" != "$host_suite" ]; then
        echo "a Python built here links Debian ${host_suite:-?}'s libraries: use SUITE=$host_suite, not $suite" >&2
        exit 2
    fi
    # The Debian packages holding the libraries the build links, found as the official images find
    # theirs (ldd on every executable and extension module, dpkg-query --search on each library).
    # tkinter is left out, as there: its X11 libraries would double the image.
    libraries=$(find "$prefix" -type f -executable -not -name '*tkinter*' -exec ldd '{}' ';' 2>/dev/null \
        | awk -v own="$prefix/" '/=>/ { so = $(NF-1); if (index(so, own) == 1) next; gsub("^/(usr/)?", "", so); print "*" so }' \
        | sort -u | xargs -r dpkg-query --search | awk 'sub(":$", "", $1) { sub(":.*", "", $1); print $1 }' \
        | sort -u | paste -sd, -)
    # The official images' runtime packages, then the libraries; no Debian python3.
    packages=ca-certificates,netbase,tzdata${libraries:+,$libraries}
    rootfs_image="standin-rootfs:$suite-python$version"
fi

debootstrap ${platform:+--arch="${platform#linux/}"} --variant=minbase --include="$packages" "$suite" "$work/rootfs" \
    >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }

if [ -n "$prefix" ]; then
    # What the official images drop after `make install` (tests, bytecode, the static libpython),
    # and whatever this machine installed into the build's site-packages (pip is installed afresh).
    tar -C "$prefix" --exclude=test --exclude=tests --exclude=idle_test --exclude=__pycache__ \
        --exclude='*.pyc' --exclude='libpython*.a' --exclude="./lib/python$version/site-packages/*" --exclude='./bin/pip*' -c . \
        | tar -C "$work/rootfs/usr/local" -x
    # Scripts, sysconfig data, pkg-config and python-config name the build's prefix: name /usr/local.
    grep -rlIZF "$prefix" "$work/rootfs/usr/local" | xargs -0 -r sed -i "s|$prefix|/usr/local|g"
    # The official build links with --strip-all; this one kept its symbols (about 30 MB).
    if command -v strip >/dev/null; then
        find "$work/rootfs/usr/local" -type f \( -name '*.so*' -o -name "python$version" \) \
            -exec strip --strip-unneeded '{}' +
    fi
fi
if [ -z "$platform" ]; then
    tar -C "$work/rootfs" -c . | "$docker" import - "$rootfs_image" >/dev/null
else
    # Docker 20.10's `import --platform` leaves the image's architecture at the host's: a build
    # from scratch for the platform sets it.
    mkdir "$work/rootfs-context"
    tar -C "$work/rootfs" -cf "$work/rootfs-context/rootfs.tar" .
    printf '%s\n' 'FROM scratch' 'ADD rootfs.tar /' >"$work/rootfs-context/Dockerfile"
    "$docker" build --quiet --platform "$platform" --tag "$rootfs_image" "$work/rootfs-context" >/dev/null
    rm -rf "$work/rootfs-context"
fi
rm -rf "$work/rootfs"

if [ -z "$prefix" ]; then
    # As in the official images: python and pip under /usr/local, no EXTERNALLY-MANAGED marker,
    # pip from the wheel Debian ships (Debian's python3-pip would pull in Debian-managed libraries
    # that pip cannot upgrade).
    python_setup='ln -sf /usr/bin/python3 /usr/local/bin/python \
 && rm -f /usr/lib/python3*/EXTERNALLY-MANAGED \
 && wheel=$(ls /usr/share/python-wheels/pip-*.whl) \
 && python3 "$wheel/pip" install --quiet --no-index --root-user-action=ignore "$wheel"'
else
    # As the official images finish theirs: the linker learns /usr/local/lib (libpython), pip comes
    # from ensurepip, and python, pip, pydoc, idle and python-config link to their "3" names.
    python_setup='ldconfig \
 && PIP_ROOT_USER_ACTION=ignore python3 -m ensurepip --upgrade >/dev/null \
 && for src in idle3 pip3 pydoc3 python3 python3-config; do \
      ln -sf "$src" "/usr/local/bin/$(echo "$src" | tr -d 3)"; done'
fi

# The host's CA bundle: where TLS to package indexes is intercepted, its CA is in there.
cp /etc/ssl/certs/ca-certificates.crt "$work/"
cat >"$work/Dockerfile" <<DOCKERFILE
FROM $rootfs_image
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
# apt is configured to drop its caches after every install, as in the official images.
RUN $python_setup \\
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
"$docker" build --quiet ${platform:+--platform "$platform"} --tag "$tag" "$work" >/dev/null
echo "$tag built from Debian $suite${platform:+ for $platform}${prefix:+ and the Python in $prefix}"
