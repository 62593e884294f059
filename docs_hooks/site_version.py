"""The installed augbench's version in the site's header (an MkDocs hook, see mkdocs.yml): the
site names the version it documents, read from the package, never typed in twice."""

from __future__ import annotations

from typing import Any


def on_config(config: Any) -> Any:
    from augbench import __version__

    config.site_name = f"{config.site_name} {__version__}"
    return config
