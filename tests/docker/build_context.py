"""What the build context must leave out, and .dockerignore's rules as Docker applies them."""

from __future__ import annotations

import re
from functools import cache

# Files a project directory often holds that must never reach an image.
KEPT_OUT = [
    ".env",
    ".env.production",
    ".git/leak-check",
    ".venv/lib/leak-check.txt",
    "src/my_project/__pycache__/leak.cpython-313.pyc",
    ".mypy_cache/leak-check",
    ".pytest_cache/leak-check",
    "dist/leak-check.whl",
    "build/leak-check",
]
# Keys, credentials and local databases: kept out at any depth, so each is planted both at the
# root and in the package's folder (a file there would otherwise ship inside the wheel).
SECRETS_AT_ANY_DEPTH = [
    "server.pem",
    "tls.key",
    "id_rsa",
    "id_rsa.pub",
    "id_ed25519",
    "signing.p12",
    "signing.pfx",
    ".npmrc",
    ".pypirc",
    ".netrc",
    ".git-credentials",
    "credentials.json",
    ".envrc",
    "auth.toml",
    ".aws/credentials",
    ".ssh/config",
    ".docker/config.json",
    ".kube/config",
    "secrets/token.txt",
    "db.sqlite3",
    "local.db",
    "docker-compose.override.yml",
]


@cache
def pattern_regex(pattern: str) -> re.Pattern[str]:
    """A .dockerignore pattern as Docker's matcher (moby/patternmatcher) reads it: `**` any number
    of folders, `*` and `?` within one name, anchored at the context's root."""
    parts = []
    index = 0
    pattern = pattern.strip("/")
    while index < len(pattern):
        if pattern.startswith("**/", index):
            parts.append("(?:.*/)?")
            index += 3
        elif pattern.startswith("**", index):
            parts.append(".*")
            index += 2
        elif pattern[index] == "*":
            parts.append("[^/]*")
            index += 1
        elif pattern[index] == "?":
            parts.append("[^/]")
            index += 1
        elif pattern[index] == "[":
            end = pattern.index("]", index)
            parts.append(pattern[index : end + 1])
            index = end + 1
        else:
            parts.append(re.escape(pattern[index]))
            index += 1
    return re.compile("".join(parts))


def is_ignored(dockerignore: str, path: str) -> bool:
    """Whether Docker leaves `path` (relative to the context) out: the last pattern that matches
    the path or one of its folders decides, `!` letting it back in."""
    ignored = False
    folders = path.split("/")
    candidates = ["/".join(folders[: depth + 1]) for depth in range(len(folders))]
    for line in dockerignore.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        regex = pattern_regex(line.removeprefix("!"))
        if any(regex.fullmatch(candidate) for candidate in candidates):
            ignored = not negated
    return ignored
