#!/usr/bin/env bash
# Build a local image that stands in for the official postgres:17 where no container registry can
# be reached, so that a compose file's database service runs unchanged when pointed at it.
# It is Debian trixie's postgresql-17 with the part of the official image's contract that compose
# files rely on: POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB, POSTGRES_HOST_AUTH_METHOD, PGDATA
# (a volume), pg_isready on PATH, port 5432, SIGINT to stop (postgres-standin-entrypoint.sh).
#
# Usage: scripts/postgres-standin.sh [TAG]     (default TAG: pdt-standin-postgres:17)
# Needs root, debootstrap and a Docker engine with BuildKit. DOCKER names the client (default: docker).
# debootstrap and apt use Debian's default mirror. The Debian root filesystem stays in the image
# store as standin-rootfs:trixie-minbase, so a rebuild (after the entrypoint changes) reuses it.
set -euo pipefail

tag=${1:-pdt-standin-postgres:17}
rootfs_image=standin-rootfs:trixie-minbase
docker=${DOCKER:-docker}
export DOCKER_BUILDKIT=1
here=$(cd "$(dirname "$0")" && pwd)

# The image records which recipe made it: an existing tag is kept unless this script or the
# entrypoint changed since.
recipe=$(cat "$here/postgres-standin.sh" "$here/postgres-standin-entrypoint.sh" | sha256sum | cut -c1-16)
if [ "$("$docker" image inspect --format '{{ index .Config.Labels "pdt.standin.recipe" }}' "$tag" 2>/dev/null)" = "$recipe" ]; then
    echo "$tag already exists"
    exit 0
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

if ! "$docker" image inspect "$rootfs_image" >/dev/null 2>&1; then
    # minbase: only essential packages and apt, like debian:trixie-slim. The packages debootstrap
    # downloaded and its package lists are dropped (apt fetches fresh lists in the build below),
    # and so are documentation, manual pages and translations, now and in every later install.
    debootstrap --variant=minbase trixie "$work/rootfs" >"$work/debootstrap.log" 2>&1 \
        || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
    rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/* \
        "$work"/rootfs/usr/share/doc/* "$work"/rootfs/usr/share/man/* "$work"/rootfs/usr/share/locale/*
    printf 'path-exclude=/usr/share/%s/*\n' doc man locale >"$work/rootfs/etc/dpkg/dpkg.cfg.d/docker-excludes"
    tar -C "$work/rootfs" -c . | "$docker" import - "$rootfs_image" >/dev/null
    rm -rf "$work/rootfs"
fi

cp "$here/postgres-standin-entrypoint.sh" "$work/docker-entrypoint.sh"
# As the official image is made: a postgres user with uid and gid 999, no cluster created at
# install (the entrypoint creates one in PGDATA), a sample config that listens on every address,
# and a socket folder any user may use.
cat >"$work/Dockerfile" <<DOCKERFILE
FROM $rootfs_image
ENV LANG=C.UTF-8 \\
    PATH=/usr/lib/postgresql/17/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \\
    PGDATA=/var/lib/postgresql/data
RUN export DEBIAN_FRONTEND=noninteractive \\
 && apt-get update -qq \\
 && apt-get install -y -qq --no-install-recommends passwd >/dev/null \\
 && groupadd --system --gid 999 postgres \\
 && useradd --system --gid postgres --uid 999 --home-dir /var/lib/postgresql --shell /bin/bash postgres \\
 && apt-get install -y -qq --no-install-recommends postgresql-common >/dev/null \\
 && sed -ri 's/#(create_main_cluster) .*\$/\\1 = false/' /etc/postgresql-common/createcluster.conf \\
 && apt-get install -y -qq --no-install-recommends postgresql-17 >/dev/null \\
 && sed -ri "s!^#?(listen_addresses)\\s*=\\s*\\S+.*!\\1 = '*'!" /usr/share/postgresql/17/postgresql.conf.sample \\
 && apt-get clean && rm -rf /var/lib/apt/lists/* \\
 && install -d -o postgres -g postgres -m 3777 /var/run/postgresql \\
 && install -d -o postgres -g postgres -m 1777 "\$PGDATA"
VOLUME /var/lib/postgresql/data
COPY docker-entrypoint.sh /usr/local/bin/
ENTRYPOINT ["docker-entrypoint.sh"]
# SIGINT is postgres's fast shutdown (SIGTERM waits for every client to leave), as in the official image.
STOPSIGNAL SIGINT
EXPOSE 5432
LABEL pdt.standin.recipe=$recipe
CMD ["postgres"]
DOCKERFILE
"$docker" build --quiet --tag "$tag" "$work" >/dev/null
echo "$tag built from Debian trixie's postgresql-17"
