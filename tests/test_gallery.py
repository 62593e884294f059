"""Every gallery page shows what the current code prints: each notebook, executed again in a
fresh kernel, prints the text stored with it (the site renders the stored outputs)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import nbformat
import pytest

_TOOL = Path(__file__).resolve().parents[1] / "tools" / "gallery.py"
_spec = importlib.util.spec_from_file_location("gallery", _TOOL)
gallery = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(gallery)

NOTEBOOKS = gallery.notebooks()


def test_the_gallery_has_its_examples() -> None:
    assert len(NOTEBOOKS) >= 5, [path.name for path in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_gallery_notebook_prints_what_its_page_shows(path: Path, tmp_path: Path) -> None:
    stored = nbformat.read(path, as_version=4)
    fresh = gallery.execute(path, tmp_path)
    errors = [f"{o.ename}: {o.evalue}" for c in fresh.cells for o in c.get("outputs", [])
              if o.output_type == "error"]
    assert not errors, errors
    assert all(cell.get("outputs") for cell in stored.cells if cell.cell_type == "code"), \
        f"{path.name} is stored without some of its outputs: run python tools/gallery.py"
    for (source, shown), (_, printed) in zip(gallery.printed(stored), gallery.printed(fresh)):
        assert printed == shown, (
            f"{path.name}: the cell\n{source}\nnow prints something else than its page shows; "
            "rerun python tools/gallery.py and commit the notebook")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda path: path.stem)
def test_a_gallery_thumbnail_is_its_notebooks_first_figure(path: Path) -> None:
    figure = gallery.first_figure(nbformat.read(path, as_version=4))
    if figure is None:
        assert not gallery.thumbnail(path).exists(), f"{path.name} shows no figure any more"
        return
    assert gallery.thumbnail(path).read_bytes() == figure, \
        f"{gallery.thumbnail(path).name} is stale: run python tools/gallery.py"


def test_the_gallery_page_shows_every_notebook() -> None:
    page = (gallery.GALLERY / "index.md").read_text(encoding="utf-8")
    for path in NOTEBOOKS:
        assert f"({path.stem}.ipynb)" in page, path.stem
        assert (f"thumbnails/{path.stem}.png" in page) == gallery.thumbnail(path).exists(), \
            path.stem
