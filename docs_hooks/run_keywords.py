"""The keywords of `augbench.run` as tables on the reference page, made from the table of
options in augbench/options.py each time the site is built (an MkDocs hook, see mkdocs.yml).

Made at build time rather than written into the page, so that the page cannot disagree with
what run() reads: an option added to `OPTIONS` appears with its type, default and meaning, and
one whose parser this module cannot describe stops the build (`mkdocs build --strict`) with a
KeyError naming it, rather than giving it a blank type.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from augbench import options as opts
from augbench.options import OPTIONS, Option, in_api_words

# Where a page asks for the tables.
MARKER = "<!-- run-keywords -->"

# The Python types each parser of a value's text accepts from run() (see Option.read: a list
# or a comma text wherever several values are taken).
TYPES_BY_PARSER = {
    None: ("str",),
    int: ("int",),
    float: ("float",),
    Path: ("str", "Path"),
    opts.names: ("str", "list[str]"),
    opts.cell_texts: ("str", "list[str]"),
    opts.sizes: ("int", '"full"', "str", "list"),
    opts.shares: ("float", "str", "list[float]"),
}
# Keywords that take more than their command-line parser does (see options.from_keywords).
TYPES_BY_KEYWORD = {
    "data": ("str", "Path", "DataFrame", "(X, y)", "dict", "Dataset", "DataSpec", "list"),
    "rope": ("dict[str, float]", "str", "list[str]"),
    "tune_space": ("dict[str, dict[str, list]]", "str", "list[str]"),
}
# Words of the command line's help that read differently in Python and that in_api_words
# does not translate: a repeatable flag is a list, and a family of flags.
API_WORDS = {"; repeatable": "", "--tune-*": "tune_*"}
# The groups of options, in the order a reader meets them.
GROUP_TITLES = {"data": "The data", "experiment": "The experiment",
                "execution": "How trials run", "output": "What is written"}
# `params=` is run()'s one keyword that no option declares: it holds what --set gives.
PARAMS_ROW = ("params", ("dict[str, dict[str, Any]]",), "`None`",
              "parameters by augmenter, classifier or metric name, e.g. "
              '`{"smote": {"k_neighbors": 3}}`: what `--set smote.k_neighbors=3` gives')
# A help text's closing "(default: ...)" or "(default 0.3)": the default in words.
DEFAULT_IN_HELP = re.compile(r"\s*\(default:? ([^()]*)\)$")


def type_of(option: Option) -> tuple[str, ...]:
    """The Python types `option`'s keyword takes."""
    if option.dest in TYPES_BY_KEYWORD:
        return TYPES_BY_KEYWORD[option.dest]
    if option.switch:
        return ("bool",)
    if option.choices:
        return tuple(f'"{choice}"' for choice in option.choices)
    return TYPES_BY_PARSER[option.parse]


def default_of(option: Option) -> str:
    """The default as the help says it (in words, "all cores"), else as a Python value."""
    said = DEFAULT_IN_HELP.search(option.help)
    if said:
        return cell(said[1])
    if option.switch:
        return "`False`"
    value = str(option.default) if isinstance(option.default, Path) else option.default
    # Texts in double quotes, as the types and the examples write them.
    return f"`{json.dumps(value) if isinstance(value, str) else repr(value)}`"


def meaning_of(option: Option) -> str:
    """The help text in the words of run(), without the default the next column gives."""
    text = DEFAULT_IN_HELP.sub("", option.help)
    for cli, api in API_WORDS.items():
        text = text.replace(cli, api)
    return cell(in_api_words(text))


def cell(text: str) -> str:
    """Text that stays in its table cell as written (a bar would start another cell, and
    `<name>` would be read as HTML)."""
    return text.replace("|", "\\|").replace("<", "&lt;")


def one_of(types: tuple[str, ...]) -> str:
    """`str` or `list[str]`: each type its own code span, so that a narrow cell wraps between
    them (and a bar, which would end the cell, is never needed)."""
    spans = [nowrap(kind) for kind in types]
    return spans[0] if len(spans) == 1 else f"{', '.join(spans[:-1])} or {spans[-1]}"


def row(name: str, types: tuple[str, ...], default: str, meaning: str) -> str:
    return f"| {nowrap(name)} | {one_of(types)} | {default} | {meaning} |"


def nowrap(code: str) -> str:
    """A code span the theme will not break inside (it would, anywhere, in a narrow column):
    a keyword or a type is read, and searched for, whole."""
    return f'`{code}`{{ style="white-space: nowrap" }}'


def keyword_tables() -> str:
    """One Markdown table per group of run()'s keywords."""
    parts = []
    for target, title in GROUP_TITLES.items():
        rows = [row(o.dest, type_of(o), default_of(o), meaning_of(o))
                for o in OPTIONS if o.in_api and o.target == target]
        if target == "experiment":
            rows.append(row(*PARAMS_ROW))
        parts.append("\n".join([f"**{title}**", "", "| keyword | type | default | meaning |",
                                "|---|---|---|---|", *rows]))
    return "\n\n".join(parts)


def on_page_markdown(markdown: str, **kwargs: Any) -> str:
    """MkDocs' hook: the tables in place of the marker, on the page that has it."""
    return markdown.replace(MARKER, keyword_tables()) if MARKER in markdown else markdown
