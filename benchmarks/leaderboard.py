"""The augmenter leaderboard: every registered augmenter on the four shared medical tables,
compared seed by seed with no augmentation, written as one markdown page.

    python benchmarks/leaderboard.py [--seeds 20] [--sizes 200,full] [--jobs N] [--quick]
                                     [--out benchmarks/out/leaderboard] [--md docs/leaderboard.md]

Measures, per table (stroke, pima-diabetes, heart-disease-cleveland, heart-attack-risk) and
training size, with classifiers ``lr`` and ``hgb``: the paired difference from ``none`` in
ROC-AUC, PR-AUC and recall (mean over seeds, Student-t 95% interval, Holm-adjusted Wilcoxon
marks), the privacy and fidelity of the added rows (DCR ratio, membership-inference AUC,
detection AUC, marginal KS/TV distance), the seconds per augmenter fit, the ε that ``dpgan``
spent, and each augmenter's average rank by ROC-AUC across the tables with Friedman's test.
``dpgan`` runs at two privacy targets, ε = 1 and ε = 8, registered here as ``dpgan-eps1`` and
``dpgan-eps8`` so that both are compared in one experiment (one Holm family per comparison).
Every other augmenter runs with its default parameters; the numeric-only ones (ADASYN,
Borderline-SMOTE, SVM-SMOTE) run on the tables without categorical columns (pima-diabetes).

Each table is one ``augbench.run`` into ``<out>/<table>``: an interrupted run resumes where it
stopped when the same command is given again, and wall times add up over the invocations.
``--quick`` is a smoke run (2 seeds, 100 training rows) into ``<out>-quick`` and
docs/leaderboard-quick.md, which also estimates how long the full run takes from the quick
run's per-fit timings. Run it from the repository root (the tables are read from
../shared/data).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import platform
import shlex
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

import augbench
from augbench.registry import default_registry

HERE = Path(__file__).resolve().parent
# This file is also the plugin that registers the two dpgan targets. Worker processes rebuild
# the registry by importing it by name, so its folder must be importable (a spawned worker gets
# the parent's sys.path).
PLUGIN = Path(__file__).stem
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# The shared suite's tables, in its order (augbench datasets lists it).
TABLES = default_registry().get("suites", "shared").provided.datasets
CLASSIFIERS = ("lr", "hgb")
EPSILONS = (1.0, 8.0)
COMPARED = {"roc_auc": "ROC-AUC", "pr_auc": "PR-AUC", "recall": "recall"}
SYNTHETIC = {"dcr_ratio": "DCR ratio", "mia_auc": "MIA AUC", "detection_auc": "detection AUC",
             "fidelity_ks_tv": "KS/TV"}
# dcr_median is computed too (it costs nothing beside dcr_ratio) and kept in the stores.
METRICS = (*COMPARED, "dcr_median", *SYNTHETIC, "dp_epsilon")
CONTROLS = ("permuted-labels",)  # a control, not an augmenter; not on the leaderboard
QUICK_SEEDS, QUICK_SIZES = 2, (100,)
ALPHA = 0.05
MINUS = "\u2212"


# --- the plugin: dpgan at fixed privacy targets --------------------------------------------

def _dpgan_at(epsilon: float):
    def make(**params):
        # The installed dpgan with this target unless the caller overrides it.
        return augbench.get_augmenter("dpgan", **{"epsilon": epsilon, **params})
    return augbench.declare(make, gpu_param="device")  # as the dpgan plugin declares


def dpgan_name(epsilon: float) -> str:
    return f"dpgan-eps{epsilon:g}"


@augbench.hookimpl
def augbench_augmenters() -> dict:
    return {dpgan_name(eps): _dpgan_at(eps) for eps in EPSILONS}


# --- running ------------------------------------------------------------------------------

def augmenters_for(registry, dataset, exclude: tuple[str, ...] = ()) -> list[str]:
    """Every registered augmenter the table can take (but ``exclude``), ``dpgan`` as its two
    targets; one whose optional extra is not installed is left out, with a line saying so."""
    has_categories = any(str(t) == "category" for t in dataset.X.dtypes)
    names = ["none"]
    for name in registry.names("augmenters"):
        if name in ("none", "dpgan", *CONTROLS, *exclude):
            continue
        try:
            probe = registry.create("augmenters", name)
        except augbench.UsageError as exc:
            print(f"left out: {exc}", file=sys.stderr)
            continue
        # A numeric-only sampler on a table with categories is refused by the runner.
        if registry.capabilities("augmenters", name, probe).categorical or not has_categories:
            names.append(name)
    return names


def table_sizes(sizes: list, pool: int) -> list:
    """``sizes`` for a table with a training pool of ``pool`` rows: a size beyond it becomes the
    whole pool ('full'), so that one command fits tables of any size (Cleveland's pool is 212)."""
    fitted = [s if s == "full" or int(s) < pool else "full" for s in sizes]
    return list(dict.fromkeys(fitted))


def run_table(table: str, augmenters: list[str], args, registry, out: Path, pool: int):
    """One experiment for ``table``; returns its Results and the wall seconds it has taken in
    all, over every invocation (the store resumes; the wall times add up in timing.json)."""
    out.mkdir(parents=True, exist_ok=True)
    sizes = table_sizes(args.sizes, pool)
    timing_file = out / "timing.json"
    timing = json.loads(timing_file.read_text()) if timing_file.is_file() else {
        "wall_seconds": 0.0, "invocations": 0}
    planned = len(augmenters) * len(CLASSIFIERS) * args.seeds * len(sizes)
    seen = [0]

    def progress(_result) -> None:
        seen[0] += 1
        if seen[0] % max(1, planned // 10) == 0 or seen[0] == planned:
            print(f"  {table}: {seen[0]}/{planned} trials", file=sys.stderr, flush=True)

    params = {dpgan_name(eps): {"epsilon": eps} for eps in EPSILONS}  # stored with the run
    start = time.perf_counter()
    try:
        results = augbench.run(
            data=table, augmenters=tuple(augmenters), classifiers=CLASSIFIERS, seeds=args.seeds,
            sizes=tuple(sizes), metrics=METRICS, params=params, jobs=args.jobs, out=out,
            registry=registry, overwrite=args.overwrite, on_trial=progress)
    finally:
        # Also when interrupted: the stored trials are kept, so is the time they took.
        timing["wall_seconds"] += time.perf_counter() - start
        timing["invocations"] += 1
        timing_file.write_text(json.dumps(timing))
    return results, timing


# --- formatting ---------------------------------------------------------------------------

def signed(x: float, digits: int = 3) -> str:
    return f"{x:+.{digits}f}".replace("-", MINUS)


def diff_cell(row) -> str:
    if row is None or not np.isfinite(row["mean_diff"]):
        return "n/a"
    cell = signed(row["mean_diff"])
    if np.isfinite(row["ci_low"]):
        cell += f" [{signed(row['ci_low'])}, {signed(row['ci_high'])}]"
    if row["p_adjusted"] < ALPHA:  # every compared metric here is higher-is-better
        cell += " ▲" if row["mean_diff"] > 0 else " ▼"
    return cell


def value_cell(mean: float, low: float = float("nan"), high: float = float("nan"),
               digits: int = 3) -> str:
    if not np.isfinite(mean):
        return "–"
    cell = f"{mean:.{digits}f}"
    if np.isfinite(low) and np.isfinite(high):
        cell += f" [{low:.{digits}f}, {high:.{digits}f}]"
    return cell.replace("-", MINUS)


def md_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(["---"] * len(header)) + "|"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def seconds_text(s: float) -> str:
    if s < 120:
        return f"{s:.0f} s"
    if s < 7200:
        return f"{s / 60:.1f} min"
    return f"{s / 3600:.1f} h"


def pool_rows(dataset) -> int:
    """The training pool's row count ('full'): the same for every seed, as the split is
    stratified with fixed class counts."""
    from augbench.experiment.protocol import split_rows

    return len(split_rows(dataset.y, 0, 0.3)[0])


def size_label(size: int, full: int) -> str:
    return f"{size} (full)" if size == full else str(size)


# --- sections -------------------------------------------------------------------------------

def ranks_section(results_by_table: dict, sizes: list) -> str:
    """Average ranks by ROC-AUC over the tables, for the augmenters every table ran."""
    from augbench.results.compare import average_ranks

    common = set.intersection(*(set(r.trials["augmenter"]) for r in results_by_table.values()))
    summary = pd.concat([r.summary for r in results_by_table.values()], ignore_index=True)
    summary = summary[summary["augmenter"].isin(common)]
    blocks = []
    fixed = [s for s in sizes if str(s) != "full"]
    if len(sizes) == 1 and fixed:  # one size: it is every table's largest; say so once
        views = [(f"at {fixed[0]} training rows", summary)]
    else:
        # average_ranks ranks at each table's largest size; a fixed size every table ran is
        # ranked too, by keeping its rows only.
        views = [("at each table's largest size", summary)]
        views += [(f"at {size} training rows", summary[summary["size"] == int(size)])
                  for size in fixed
                  if summary[summary["size"] == int(size)]["dataset"].nunique() > 1]
    for title, frame in views:
        ranks = average_ranks(frame, "roc_auc")
        augs = [c for c in ranks.columns if c not in ("n_datasets", "friedman_p")]
        order = sorted(augs, key=lambda a: ranks[a].mean())
        rows = [[a] + [f"{ranks.loc[c, a]:.2f}" for c in ranks.index] for a in order]
        rows.append(["*tables*"] + [f"{int(ranks.loc[c, 'n_datasets'])}" for c in ranks.index])
        rows.append(["*Friedman p*"] + [f"{ranks.loc[c, 'friedman_p']:.3g}" for c in ranks.index])
        blocks.append(f"Average rank by ROC-AUC {title} (1 = best; lower is better):\n\n"
                      + md_table(["augmenter", *ranks.index], rows))
    only = sorted(set.union(*(set(r.trials["augmenter"]) for r in results_by_table.values()))
                  - common)
    note = (f"\n\nRanked: the {len(common)} augmenters that every table ran; "
            f"{', '.join(only)} ran on pima-diabetes only (numeric tables) and are compared "
            "in its section." if only else "")
    return "\n\n".join(blocks) + note


def tally_section(results_by_table: dict) -> str:
    """How often each augmenter differs significantly from ``none``, over every table, size and
    classifier it ran on: the pattern of the tables below in one view."""
    comp = pd.concat([r.comparisons for r in results_by_table.values()], ignore_index=True)
    comp = comp[comp["metric"].isin(COMPARED) & ~comp["augmenter"].isin(CONTROLS)]
    significant = comp["p_adjusted"] < ALPHA
    comp = comp.assign(up=significant & (comp["mean_diff"] > 0),
                       down=significant & (comp["mean_diff"] < 0))
    counts = comp.groupby(["augmenter", "metric"])[["up", "down"]].sum()
    cases = comp.groupby("augmenter").apply(lambda g: len(g) // len(COMPARED),
                                            include_groups=False)
    order = sorted(cases.index, key=lambda a: (-cases[a], -counts.loc[(a, "roc_auc"), "up"]
                                               + counts.loc[(a, "roc_auc"), "down"], a))
    rows = [[a, str(cases[a])] + [f"{int(counts.loc[(a, m), 'up'])} ▲ / "
                                  f"{int(counts.loc[(a, m), 'down'])} ▼" for m in COMPARED]
            for a in order]
    totals = comp.groupby("metric")[["up", "down"]].sum()
    overall = "; ".join(f"{label} higher in {int(totals.loc[m, 'up'])} and lower in "
                        f"{int(totals.loc[m, 'down'])}" for m, label in COMPARED.items())
    return ("Significant differences from `none` (Holm-adjusted p < 0.05), counted over the "
            "comparisons each augmenter had: one per table, training size and classifier "
            "(▲ higher, ▼ lower than `none`):\n\n"
            + md_table(["augmenter", "comparisons", *COMPARED.values()], rows)
            + f"\n\nOf all {int(cases.sum())} comparisons: {overall}.")


def table_section(table: str, results, dataset, timing: dict) -> str:
    trials, summary, comp = results.trials, results.summary, results.comparisons
    ok = trials[trials["status"] == "ok"]
    pool = pool_rows(dataset)
    n_pos = int(dataset.y.sum())
    lines = [f"## {table}", "",
             f"{len(dataset.y)} rows × {dataset.X.shape[1]} features, {n_pos} positive "
             f"({n_pos / len(dataset.y):.1%}); training pool {pool} rows. "
             f"Wall time {seconds_text(timing['wall_seconds'])} "
             f"({timing['invocations']} invocation(s)).", ""]
    augs = list(dict.fromkeys(trials["augmenter"]))
    others = [a for a in augs if a != "none"]
    for size in sorted(trials["size"].unique()):
        n_seeds = int(ok[(ok["size"] == size) & (ok["augmenter"] == "none")]["seed"].nunique())
        lines += [f"### {size_label(int(size), pool)} training rows", ""]
        for clf in CLASSIFIERS:
            base = summary[(summary["size"] == size) & (summary["augmenter"] == "none")
                           & (summary["classifier"] == clf)]
            rows = []
            if len(base):
                b = base.iloc[0]
                rows.append(["none (value)"] + [value_cell(b[f"{m}_mean"], b[f"{m}_ci_low"],
                                                           b[f"{m}_ci_high"]) for m in COMPARED])
            for aug in others:
                cells = []
                for m in COMPARED:
                    hit = comp[(comp["size"] == size) & (comp["augmenter"] == aug)
                               & (comp["classifier"] == clf) & (comp["metric"] == m)]
                    cells.append(diff_cell(hit.iloc[0] if len(hit) else None))
                rows.append([aug] + cells)
            lines += [f"**{clf}**: difference from `none` (augmenter − none, {n_seeds} paired "
                      "seeds, mean [95% CI]; ▲/▼ Holm-adjusted p < 0.05)", "",
                      md_table(["augmenter", *COMPARED.values()], rows), ""]
        # Rows, privacy and fidelity describe the augmented training set, shared by the
        # classifiers: one row per (seed, augmenter) is read.
        once = ok[(ok["size"] == size) & (ok["classifier"] == CLASSIFIERS[0])]
        lr = summary[(summary["size"] == size) & (summary["classifier"] == CLASSIFIERS[0])]
        rows = []
        for aug in augs:
            mine, s = once[once["augmenter"] == aug], lr[lr["augmenter"] == aug]
            if aug == "none" or not len(s):  # adds no row: nothing to describe
                continue
            s = s.iloc[0]
            cells = [f"{mine['n_synthetic'].mean():.0f}", f"{mine['augment_seconds'].mean():.3f}"]
            cells += [value_cell(s[f"{m}_mean"], s[f"{m}_ci_low"], s[f"{m}_ci_high"], 2)
                      for m in SYNTHETIC]
            eps = s.get("dp_epsilon_mean", float("nan"))
            cells.append(f"{eps:.2f}" if np.isfinite(eps) else "–")
            rows.append([aug] + cells)
        lines += ["The added rows: count and seconds per augmenter fit (means over seeds); "
                  "privacy and fidelity, mean [95% CI]; ε spent (dpgan):", "",
                  md_table(["augmenter", "rows added", "s / fit", *SYNTHETIC.values(), "ε spent"],
                           rows), ""]
    failed = trials[trials["status"] != "ok"]
    if len(failed):
        lines += ["Failed trials: " + "; ".join(
            f"{aug} ({len(g)}): {g['error'].iloc[0][:160]}"
            for aug, g in failed.groupby("augmenter")), ""]
    return "\n".join(lines)


def shown_path(path: Path) -> str:
    """``path`` relative to the repository where it lies inside it (the page is shared)."""
    try:
        return str(path.resolve().relative_to(HERE.parent))
    except ValueError:
        return str(path)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def setup_section(args, augs_by_table: dict, results_by_table: dict, datasets: dict,
                  timings: dict, total_wall: float) -> str:
    from augbench.plugin.kit import available_cores

    versions = next(iter(results_by_table.values())).versions or {}
    libs = ", ".join(f"{k} {v}" for k, v in sorted(versions.items())
                     if isinstance(v, str) and k in ("python", "numpy", "pandas", "scikit-learn",
                                                     "imbalanced-learn", "torch", "sdv",
                                                     "opacus", "forestdiffusion", "xgboost",
                                                     "scipy"))
    sizes = []
    for table, r in results_by_table.items():
        pool = pool_rows(datasets[table])
        sizes.append(f"{table} " + ", ".join(size_label(int(s), pool)
                                             for s in sorted(r.trials["size"].unique())))
    every = list(augs_by_table[TABLES[0]])
    extra = sorted(set().union(*augs_by_table.values()) - set(every))
    per_table = ", ".join(f"{t} {seconds_text(timings[t]['wall_seconds'])}" for t in TABLES)
    return "\n".join([
        "## What ran", "",
        f"- augbench {augbench.__version__}; `{args.command}`; written "
        f"{datetime.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}.",
        f"- Tables: {', '.join(TABLES)}; test split 30% (stratified, per seed), minority topped "
        "up to 1:1 on the training rows only.",
        f"- Seeds: {args.seeds} (0–{args.seeds - 1}); sizes: {'; '.join(sizes)} training rows.",
        f"- Classifiers: {', '.join(CLASSIFIERS)} (default parameters).",
        f"- Augmenters: {', '.join(every)} on every table"
        + (f"; {', '.join(extra)} on pima-diabetes only (numeric tables)" if extra else "")
        + ". Default parameters, except "
        + ", ".join(f"`{dpgan_name(e)}` = dpgan with epsilon={e:g}" for e in EPSILONS) + "."
        + (f" Left out: {', '.join(args.exclude)} (--exclude)." if args.exclude else ""),
        f"- Metrics: {', '.join(METRICS)}.",
        f"- Libraries: {libs}." if libs else "- Libraries: see the stores' versions.",
        f"- Machine: {available_cores()} cores available, {cpu_model()}, "
        f"{platform.system()} {platform.machine()}; {args.jobs} worker processes, one thread "
        "each.",
        f"- Wall time: {seconds_text(total_wall)} in all ({per_table}); summed over the "
        "invocations that ran or resumed each table.",
        f"- Results: `{shown_path(args.out)}/<table>/` (results.sqlite, trials.csv, summary.csv, "
        "comparisons.csv).",
    ])


# --- estimate ---------------------------------------------------------------------------------

# How an augmenter's fit grows with the minority rows it learns from (m), from its defaults:
# fixed optimisation steps (gan: steps=600; ddpm: steps=1000) do not grow; SDV's CTGAN and TVAE
# run 300 epochs of batches of 500 rows; dpgan 100 epochs of batches of 64 (linear); the rest
# are taken as linear, an upper bound for the cheap neighbour and tree methods.
FIXED_STEPS = ("gan", "ddpm")
BATCH_500 = ("ctgan", "tvae")


def fit_growth(aug: str, m_quick: float, m_full: float) -> float:
    if aug in FIXED_STEPS:
        return 1.0
    if aug in BATCH_500:
        return math.ceil(m_full / 500) / math.ceil(max(m_quick, 1) / 500)
    return m_full / max(m_quick, 1)


def estimate_section(results_by_table: dict, datasets: dict, quick_wall: float, jobs: int,
                     seeds: int, sizes: list) -> tuple[str, float]:
    """The full run's duration, predicted from the quick run's per-fit timings."""
    from augbench.experiment.protocol import draw_indices, split_rows

    lines, total = [], 0.0
    measured = 0.0
    for r in results_by_table.values():
        ok = r.trials[r.trials["status"] == "ok"]
        # Per trial: the augmenter fit is shared by the classifiers; classifier fits and
        # scoring are per trial.
        measured += ok.drop_duplicates(["seed", "size", "augmenter"])["augment_seconds"].sum()
        measured += ok["fit_seconds"].sum()
    # Everything else a trial does (splitting, imputing, metrics, the store), from the quick
    # run: the wall time on `jobs` workers beyond the timed fits.
    n_quick = sum(len(r.trials) for r in results_by_table.values())
    overhead = max(0.0, quick_wall * jobs - measured) / max(n_quick, 1)
    rows = []
    for table, r in results_by_table.items():
        ds = datasets[table]
        ok = r.trials[r.trials["status"] == "ok"]
        q_size = int(ok["size"].min())
        pool, _ = split_rows(ds.y, 0, 0.3)
        table_s = 0.0
        for size in sizes:
            n = len(pool) if str(size) == "full" else int(size)
            drawn = draw_indices(ds.y, pool, 0, n)
            m_full = float(ds.y[drawn].sum())
            n_aug_full = 2 * (n - m_full)  # 1:1 after augmentation
            for aug, g in ok.groupby("augmenter"):
                once = g.drop_duplicates(["seed", "size"])
                m_q = float(once["n_train_positive"].mean())
                n_aug_q = float((g["n_train"] + g["n_synthetic"]).mean())
                fit_aug = once["augment_seconds"].mean() * fit_growth(aug, m_q, m_full)
                n_rows = n + (n_aug_full - n if aug != "none" else 0)
                clf = g.groupby("classifier")["fit_seconds"].mean().sum() * n_rows / n_aug_q
                per_trial_overhead = overhead * len(CLASSIFIERS) * n / q_size
                table_s += seeds * (fit_aug + clf + per_trial_overhead)
        table_s /= jobs
        total += table_s
        rows.append([table, seconds_text(table_s)])
    lines += [
        f"Predicted from this run's per-fit timings ({seeds} seeds, sizes "
        f"{', '.join(map(str, sizes))}, {jobs} workers on otherwise idle cores): augmenter fits "
        "scaled by the minority rows each learns from (fixed-step models as constant, CTGAN and "
        "TVAE by batches of 500 rows, the rest linearly), classifier fits and per-trial work "
        "linearly in the training rows. An estimate, not a measurement: gan batches 16 seeds "
        "in a full run (cheaper per seed), and cores shared with other work stretch it.", "",
        md_table(["table", "estimated wall time"], rows + [["**total**",
                                                           f"**{seconds_text(total)}**"]])]
    return "\n".join(lines), total


# --- main -----------------------------------------------------------------------------------

def main() -> None:
    from augbench.plugin.kit import available_cores
    from augbench.registry import make_registry

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--exclude", type=lambda s: [n for n in s.split(",") if n], default=[],
                        metavar="A[,A...]", help="registered augmenters to leave out (said on the page)")
    parser.add_argument("--sizes", default="200,full",
                        help="training sizes, comma separated; 'full' is each table's pool")
    parser.add_argument("--jobs", type=int, default=available_cores())
    parser.add_argument("--quick", action="store_true",
                        help=f"{QUICK_SEEDS} seeds at {QUICK_SIZES[0]} rows, separate outputs")
    parser.add_argument("--out", type=Path, help="stores' root (benchmarks/out/leaderboard)")
    parser.add_argument("--md", type=Path, help="markdown page (docs/leaderboard.md)")
    parser.add_argument("--overwrite", action="store_true",
                        help="replace stores of another configuration in --out")
    parser.add_argument("--full-seeds", type=int, default=20, help="(--quick) seeds to estimate")
    parser.add_argument("--full-sizes", default="200,full", help="(--quick) sizes to estimate")
    args = parser.parse_args()
    args.command = "python " + " ".join(shlex.quote(a) for a in
                                        [f"benchmarks/{Path(sys.argv[0]).name}", *sys.argv[1:]])
    args.sizes = [s if s == "full" else int(s) for s in args.sizes.split(",")]
    repo = HERE.parent
    if args.quick:
        args.seeds, args.sizes = QUICK_SEEDS, list(QUICK_SIZES)
    suffix = "-quick" if args.quick else ""
    args.out = args.out or repo / "benchmarks" / "out" / f"leaderboard{suffix}"
    args.md = args.md or repo / "docs" / f"leaderboard{suffix}.md"

    registry = make_registry(plugins=(PLUGIN,))  # rebuildable in worker processes
    datasets = {t: augbench.load_dataset(t, registry=registry) for t in TABLES}
    augs_by_table = {t: augmenters_for(registry, datasets[t], tuple(args.exclude)) for t in TABLES}
    results_by_table, timings = {}, {}
    start = time.perf_counter()
    for table in TABLES:
        print(f"{table}: {len(augs_by_table[table])} augmenters × {len(CLASSIFIERS)} classifiers "
              f"× {args.seeds} seeds × {len(args.sizes)} sizes", file=sys.stderr, flush=True)
        results_by_table[table], timings[table] = run_table(
            table, augs_by_table[table], args, registry, args.out / table,
            pool_rows(datasets[table]))
        print(f"{table}: done, {results_by_table[table].n_failed} failed trial(s), "
              f"{seconds_text(timings[table]['wall_seconds'])} in all", file=sys.stderr,
              flush=True)
    this_run = time.perf_counter() - start
    total_wall = sum(t["wall_seconds"] for t in timings.values())

    title = "Augmenter leaderboard" + (" (quick smoke run)" if args.quick else "")
    parts = [f"# {title}", "",
             "Does adding synthetic minority rows help a classifier on small medical tables? "
             "Each augmenter against no augmentation (`none`), seed by seed on the same test "
             "rows; generated by `benchmarks/leaderboard.py`.", "",
             "## Summary", "", tally_section(results_by_table), "",
             ranks_section(results_by_table, args.sizes), "",
             setup_section(args, augs_by_table, results_by_table, datasets, timings,
                           total_wall)]
    if args.quick:
        full_sizes = [s if s == "full" else int(s) for s in args.full_sizes.split(",")]
        text, total = estimate_section(results_by_table, datasets, total_wall, args.jobs,
                                       args.full_seeds, full_sizes)
        parts += ["", "## Estimated duration of the full run", "", text]
        print(f"estimated full run: {seconds_text(total)}", file=sys.stderr)
    for table in TABLES:
        parts += ["", table_section(table, results_by_table[table], datasets[table],
                                    timings[table])]
    args.md.parent.mkdir(parents=True, exist_ok=True)
    args.md.write_text("\n".join(parts).rstrip() + "\n")
    print(f"wrote {args.md} ({seconds_text(this_run)} this invocation, "
          f"{seconds_text(total_wall)} in all)", file=sys.stderr)


if __name__ == "__main__":
    main()
