import acme_core
import tomli_w


def render() -> str:
    return tomli_w.dumps({"text": acme_core.name()})
