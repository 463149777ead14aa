from {{ cookiecutter.package_name }}.migrate import upgrade_to_head
