"""Hook scripts; a package so that cookiecutter and the tests can import their rules."""
