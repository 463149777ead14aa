#!/usr/bin/env bash
# Make this amd64 machine build and run linux/arm64 images, and build the arm64 stand-in for the
# official python:3.13-slim that the arm64 test builds the generated Dockerfile on (no registry
# can be reached here, so the real image cannot be pulled).
#
# Usage: scripts/arm64-standin.sh [TAG]      (default TAG: pdt-standin-arm64:python3.13)
# Needs root, apt, debootstrap and a Docker engine with BuildKit. DOCKER names the client
# (default: docker).
#
# Once per machine: the stand-in stays in Docker's image store (about 10 minutes to make, the
# second debootstrap stage running under emulation), and a later run that finds it, and finds
# QEMU registered, does nothing. Its tag cannot be mistaken for the amd64 python:3.13-slim stand-in.
# Each step below checks first, so the script is safe to run again after a reboot (which drops
# the binfmt_misc registration but not the image).
set -euo pipefail

tag=${1:-pdt-standin-arm64:python3.13}
docker=${DOCKER:-docker}
binfmt=/proc/sys/fs/binfmt_misc

if [ ! -e "$binfmt/register" ]; then
    mount -t binfmt_misc binfmt_misc "$binfmt"
fi

if [ ! -x /usr/bin/qemu-aarch64-static ] || ! command -v update-binfmts >/dev/null; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq qemu-user-static binfmt-support >/dev/null
fi

# Without the F flag (some Debian setups register aarch64 without it) the interpreter is looked up
# in the container's own root filesystem, where it does not exist. With F the kernel opens it
# once, here, at registration, and every container (and debootstrap's chroot) can use it.
if ! grep -qs '^flags: .*F' "$binfmt/qemu-aarch64"; then
    if [ -e "$binfmt/qemu-aarch64" ]; then
        echo -1 >"$binfmt/qemu-aarch64"
    fi
    # The ELF header of an aarch64 executable (e_machine 0xb7) and its mask, as Debian's own entry.
    printf '%s' ':qemu-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:/usr/bin/qemu-aarch64-static:FPC' \
        >"$binfmt/register"
fi

# The same image as the amd64 stand-in, built from Debian trixie's arm64 packages (Python 3.13).
DOCKER=$docker "$(dirname "$0")/standin-base.sh" --platform linux/arm64 trixie "$tag"
