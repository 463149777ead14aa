"""The benchmark behind `make bench` and docs/performance.md; not part of the template.

run.py measures and writes the report (`python -m benchmarks`); the other modules are its parts,
and baselines/ holds the recipes and the server that ours is compared with.
"""
