"""Where the names of hooks/reserved_names.json come from, one module per source.

  locks.py   distributions: the poetry.lock snapshots of the default project (tests/data/locks/)
  wheels.py  import names and commands: what each locked wheel installs (tests/data/wheel-contents.json)
  stdlib.py  standard-library modules: `sys.stdlib_module_names` of each supported Python
  common.py  what they share: the repository's paths, the template's Python versions, running them

scripts/refresh_reserved_names.py is the command that combines them into the JSON.
"""
