"""The gallery's notebook pages (an MkDocs hook, see mkdocs.yml): their links resolved as MkDocs
resolves those of a Markdown page, and the page's width given to their output.

A notebook links to its neighbours and to the guide as files beside it (`privacy.ipynb`,
`../tuning.md`), so that the links work in Jupyter and on GitHub; mkdocs-jupyter copies them
into the page as they are, where `privacy.ipynb` would point below the page's own folder. This
hook rewrites each one to the URL of the page it names, relative to the notebook's page, and
logs a warning (which fails `mkdocs build --strict`) for one that names no page of the site.
"""

from __future__ import annotations

import logging
import posixpath
import re
from typing import Any

log = logging.getLogger("mkdocs.hooks.notebook_pages")

_HREF = re.compile(r'href="([^"#:?]+\.(?:md|ipynb))(#[^"]*)?"')


def on_page_context(context: dict, page: Any, config: Any, nav: Any) -> dict:
    """No table of contents beside a notebook: a terminal's tables are 100 to 120 columns
    wide, and the contents' column would leave them a scroll bar at 1280 pixels."""
    if page.file.src_uri.endswith(".ipynb"):
        page.meta.setdefault("hide", []).append("toc")
    return context


def on_page_content(html: str, page: Any, config: Any, files: Any) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html

    def resolved(match: re.Match) -> str:
        link, anchor = match.group(1), match.group(2) or ""
        target = posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), link))
        file = files.get_file_from_path(target)
        if file is None:
            log.warning("%s links to '%s', which is no page of the site", page.file.src_uri, link)
            return match.group(0)
        return f'href="{file.url_relative_to(page.file)}{anchor}"'

    return _HREF.sub(resolved, html)
