"""The reference results augbench ships, and the leaderboard page made from them.

    python benchmarks/reference_run.py [--work benchmarks/out/reference] [--jobs N]
                                       [--seeds 20] [--skip-tuned]

Runs the suites ``rare-disease`` (15 tables) and ``shared`` (4 tables) as one experiment per
setting, into ``<work>/untuned`` and ``<work>/tuned`` (resumable: the same command continues an
interrupted run):

- untuned: none, ros, smote, cart, copula (SDV's Gaussian copula), gan and ddpm, with ``lr``
  and ``hgb``, 20 seeds, at 200 training rows and each table's whole pool;
- tuned (``--tune``, successive halving over at most 8 configurations per trial, 3 inner
  folds): none and smote, at 200 training rows (where augmentation is meant to help; the whole
  pools double the cost). The GAN and ddpm arms are left out of the tuned setting: every tuned
  trial fits its augmenter once per configuration and inner fold, solo, which the batched
  training that makes them affordable untuned cannot share. Left out of both: ctgan and tvae
  (10.5 and 1.2 s per fit at 200 rows, docs/methods.md, and far more on the whole pools of the
  larger tables: about 760 fits per arm here), forest-diffusion (about a minute per fit on
  heart-attack-risk), dpgan
  (Opacus' per-sample gradients, unbatched), and the numeric-only samplers adasyn, borderline
  and svmsmote (most of these tables have categorical columns, which they refuse).

Then writes the reference (``augbench/leaderboard/references/medical-v1.json`` and
``.csv.gz``: per-seed metrics, each setting's configuration and library versions, each table's
meta-features, the wall time of each setting) and regenerates ``docs/leaderboard.md`` with its
figures in ``docs/img/leaderboard/``, as ``augbench leaderboard --suite rare-disease --suite
shared`` shows them. Needs the tables downloaded (``augbench datasets fetch suite:rare-disease
suite:shared``, or a mirror).
"""

from __future__ import annotations

import argparse
import datetime
import json
import platform
import shlex
import sys
import time
from pathlib import Path

import augbench
from augbench.leaderboard.board import meta_features
from augbench.leaderboard.command import board_of_reference, reference_of
from augbench.leaderboard.reference import BUILT_IN, from_runs
from augbench.leaderboard.render import markdown, write_figures
from augbench.registry import default_registry

ROOT = Path(__file__).resolve().parents[1]
SUITES = ("rare-disease", "shared")
CLASSIFIERS = ("lr", "hgb")
SIZES = {"untuned": (200, "full"), "tuned": (200,)}
METRICS = ("accuracy", "recall", "specificity", "balanced_accuracy", "roc_auc", "pr_auc", "brier")
ARMS = {"untuned": ("none", "ros", "smote", "cart", "copula", "gan", "ddpm"),
        "tuned": ("none", "smote")}
TUNING = {"tune": True, "tune_strategy": "halving", "tune_budget": 8}
NAME = "medical-v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--work", type=Path, default=ROOT / "benchmarks" / "out" / "reference")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--skip-tuned", action="store_true")
    parser.add_argument("--shared-machine", action="store_true",
                        help="say in the page that other work shared the machine (the wall "
                        "times are then upper bounds)")
    args = parser.parse_args()
    suites = {name: list(default_registry().get("suites", name).provided.datasets)
              for name in SUITES}
    runs, seconds = {}, {}
    for setting, arms in ARMS.items():
        if setting == "tuned" and args.skip_tuned:
            continue
        started = time.perf_counter()
        runs[setting] = augbench.run(
            data=[f"suite:{s}" for s in SUITES], augmenters=arms, classifiers=CLASSIFIERS,
            sizes=SIZES[setting], seeds=args.seeds, metrics=METRICS, jobs=args.jobs,
            out=args.work / setting, **(TUNING if setting == "tuned" else {}))
        if runs[setting].reused < len(runs[setting].trials):  # a resumed run that ran nothing
            seconds[setting] = round(time.perf_counter() - started, 1)  # costs nothing more
        print(f"{setting}: {len(runs[setting].trials)} trials in {seconds.get(setting, 0):.0f} s "
              "(this invocation; a resumed run counts only what it ran)", flush=True)
    tables = {}
    for name in (t for names in suites.values() for t in names):
        dataset = augbench.load_dataset(name)
        tables[name] = meta_features(dataset.X, dataset.y)
    # Where the stores go does not change what is made: the command is recorded without it.
    given, skip = [], False
    for arg in sys.argv[1:]:
        if skip or arg == "--work":
            skip = not skip
            continue
        if not arg.startswith("--work=") and arg != "--shared-machine":
            given.append(arg)
    command = "python benchmarks/reference_run.py " + shlex.join(given)
    reference = from_runs(runs, suites, tables, command=command.strip(),
                          wall_seconds=_wall(args.work, seconds))
    reference.about["machine"] = f"{platform.machine()}, {runs['untuned'].versions.get('cpu')}"
    reference.about["written"] = datetime.datetime.now(datetime.timezone.utc).strftime(
        "%Y-%m-%d")
    about, scores = reference.write(BUILT_IN / NAME)
    print(f"wrote {about} and {scores} ({scores.stat().st_size / 1e6:.1f} MB)")
    board = board_of_reference(reference_of(list(SUITES), BUILT_IN / NAME),
                               ("roc_auc", "pr_auc"), {})
    images = ROOT / "docs" / "img" / "leaderboard"
    for old in images.glob("*.png"):
        old.unlink()
    write_figures(board, images)
    (ROOT / "docs" / "leaderboard.md").write_text(
        markdown(board, images="img/leaderboard", intro=_intro(reference, args.shared_machine)),
        encoding="utf-8")
    print("wrote docs/leaderboard.md")


def _wall(work: Path, seconds: dict[str, float]) -> dict[str, float]:
    """Each setting's wall time over every invocation that ran it (kept beside its folder)."""
    log = work / "wall_seconds.json"
    total = json.loads(log.read_text()) if log.is_file() else {}
    for setting, s in seconds.items():
        total[setting] = round(total.get(setting, 0.0) + s, 1)
    log.write_text(json.dumps(total))
    return total


def _intro(reference, shared: bool) -> str:
    about = reference.about
    settings = about["settings"]
    made = settings["untuned"]["versions"]
    arms = {s: ", ".join(f"`{a}`" for a in settings[s]["config"]["augmenters"]) for s in settings}
    wall = ", ".join(f"{s} {about['wall_seconds'].get(s, 0) / 60:.0f} min" for s in settings)
    return (
        "Does adding synthetic minority rows help a classifier on small medical tables, across "
        f"tables? {len(about['tables'])} real tables (the suites "
        f"{', '.join(f'`{s}`' for s in about['suites'])}), `lr` and `hgb`, "
        f"{settings['untuned']['config']['seeds']} seeds. Untuned arms, at 200 training rows "
        "(the smallest size) and each table's whole pool (the largest): "
        f"{arms['untuned']}" + (f"; tuned arms (`--tune`, successive halving over at most 8 "
                                f"configurations), at 200 training rows: {arms['tuned']}"
                                if "tuned" in arms else "")
        + ". Per table, each arm is read against `none` seed by seed (verdicts with the margins "
        "of practical equivalence); across tables, average ranks with Friedman's test and the "
        "Nemenyi critical difference (Demšar 2006), and the Bayesian signed-rank test with the "
        "metric's margin as its region of practical equivalence (Benavoli et al. 2017, "
        "baycomp's numbers).\n\n"
        f"These are augbench's reference results ({NAME}, shipped in "
        "`augbench/leaderboard/references/`): `augbench leaderboard --suite rare-disease "
        "--suite shared` shows them, and `--augmenters mine` places a new method among them by "
        "running only its trials ([the leaderboard command](cli.md#leaderboard)). Made with "
        f"`{about['command']}` on {about.get('machine', 'one machine')} (wall time {wall}"
        + (", with other work sharing its 2 cores part of the time" if shared else "")
        + f"; augbench "
        f"{made.get('augbench')}, scikit-learn {made.get('scikit-learn')}, numpy "
        f"{made.get('numpy')}, torch {made.get('torch', '-')}), written {about.get('written')}.")


if __name__ == "__main__":
    main()
