"""The gallery's notebooks, executed: what the site shows is what the code prints.

The notebooks in ``docs/gallery/`` are stored with their outputs, and the site renders those
outputs as they are (mkdocs-jupyter, ``execute: false``), so a page costs nothing to build and
shows the real tables and figures. ``tests/test_gallery.py`` executes every notebook again and
compares the text it prints with the stored text, so a page cannot drift from the code: after a
change that moves a number, rerun

    python tools/gallery.py            # every notebook
    python tools/gallery.py first-run  # one, by a part of its name

and commit the notebooks it rewrites.
"""

from __future__ import annotations

import base64
import re
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

GALLERY = Path(__file__).resolve().parents[1] / "docs" / "gallery"

# Outputs whose content is not the code's result: a live progress widget (a fresh model id at
# every execution; its final line is printed as text beside it) and a figure's bytes (the text a
# figure prints, and the numbers it draws, are compared through the cells that print them).
_NOT_COMPARED = ("application/vnd.jupyter.widget-view+json", "image/png")
# What differs at every execution: an object's address in a repr, and the temporary file a
# kernel names a cell by (where a warning says it was raised).
_VOLATILE = re.compile(r" at 0x[0-9a-f]+|\S*ipykernel_\d+/\d+\.py")


def notebooks(names: list[str] | None = None) -> list[Path]:
    found = sorted(GALLERY.glob("*.ipynb"))
    if names:
        found = [path for path in found if any(name in path.stem for name in names)]
    return found


def execute(path: Path, folder: Path) -> nbformat.NotebookNode:
    """The notebook at ``path`` run top to bottom in a fresh kernel, in ``folder``."""
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    # The kernel starts in ``folder``: a notebook's runs are written there, never beside it.
    # No execution timestamps: a notebook rewritten with the same outputs stays the same file.
    NotebookClient(notebook, timeout=900, kernel_name="python3", record_timing=False,
                   resources={"metadata": {"path": str(folder)}}).execute()
    for cell in notebook.cells:
        cell.metadata.pop("execution", None)
    return notebook


def printed(notebook: nbformat.NotebookNode) -> list[tuple[str, str]]:
    """Each code cell's source with the text it printed or displayed, in order."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        texts: list[str] = []
        for output in cell.outputs:
            if output.output_type == "stream":
                # A stream arrives in chunks that differ from one execution to the next.
                header = f"[{output.name}]\n"
                text = _VOLATILE.sub("", output.text)
                if texts and texts[-1].startswith(header):
                    texts[-1] += text
                else:
                    texts.append(header + text)
            elif output.output_type == "error":
                texts.append(f"[error] {output.ename}: {output.evalue}")
            else:
                for kind, content in sorted(output.get("data", {}).items()):
                    if kind not in _NOT_COMPARED:
                        texts.append(f"[{kind}]\n{_VOLATILE.sub('', str(content))}")
        cells.append((cell.source, "\n".join(texts)))
    return cells


def first_figure(notebook: nbformat.NotebookNode) -> bytes | None:
    """The PNG bytes of the first figure a notebook shows: its thumbnail on the gallery page."""
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                return base64.b64decode(output["data"]["image/png"])
    return None


def thumbnail(path: Path) -> Path:
    return GALLERY / "thumbnails" / f"{path.stem}.png"


def main(names: list[str]) -> int:
    for path in notebooks(names):
        with tempfile.TemporaryDirectory() as folder:
            notebook = execute(path, Path(folder))
        errors = [o for c in notebook.cells for o in c.get("outputs", [])
                  if o.output_type == "error"]
        nbformat.write(notebook, path)
        figure = first_figure(notebook)
        thumbnail(path).unlink(missing_ok=True)
        if figure is not None:
            thumbnail(path).parent.mkdir(exist_ok=True)
            thumbnail(path).write_bytes(figure)
        print(f"{path.name}: {'ERROR ' + errors[0].evalue if errors else 'ok'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
