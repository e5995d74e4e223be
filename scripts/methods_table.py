#!/usr/bin/env python3
"""Markdown tables of the toy method comparison (docs/METHODS.md) from the folders of scripts/methods-toy.sh:
   scripts/methods_table.py OUT/objects OUT/styles
Reads each folder's results.csv (accuracies with 95% bootstrap intervals) and results.json (the models'
descriptions, which give their mask sizes)."""
import csv
import json
import os
import re
import statistics
import sys

OBJECTS = {"circle", "square", "triangle", "star", "cross", "heart"}  # the classic toy world's objects


def load(folder):
    rows = {}
    for r in csv.DictReader(open(os.path.join(folder, "results.csv"))):
        rows[(r["model"], r["subject"], r["metric"])] = r
    run = json.load(open(os.path.join(folder, "results.json")))["run"]
    sizes = {}
    for label, desc in run["models"].items():
        m = re.search(r"(\d+) of (\d+) ff\.net\.2 weights", desc)
        if m:
            sizes[label] = (int(m.group(1)), int(m.group(2)))
    groups = {}
    g = run["recipe"].get("groups", "")
    for name, members in re.findall(r"(\w+)=\[([^\]]*)\]", g):
        groups[name] = [x.strip() for x in members.split(",")]
    concepts = [c.strip() for c in run["recipe"]["concepts"].split(",")]
    return rows, sizes, groups, concepts


def cell(rows, model, subject, metric):
    r = rows.get((model, subject, metric))
    if r is None:
        return "–", None
    v, lo, hi = float(r["value"]), float(r["ci95_low"]), float(r["ci95_high"])
    return f"{v:.2f} [{lo:.2f}, {hi:.2f}]", v


def pct(sizes, label):
    if label not in sizes:
        return "–"
    n, total = sizes[label]
    return f"{100.0 * n / total:.2f}%"


def single(folders):
    print("| concept | n | before | ConceptPrune | FIA | random | others kept: CP / FIA / random (base) | sparsity CP / FIA |")
    print("|---|---|---|---|---|---|---|---|")
    drops = {"cp": [], "fia": [], "random": []}
    after = {"cp": [], "fia": [], "random": []}
    for folder in folders:
        rows, sizes, _, concepts = load(folder)
        for c in concepts:
            n = rows[("base", c, "erased_acc")]["n"]
            before, b = cell(rows, "base", c, "erased_acc")
            cols = []
            for m in ["cp", "fia", "random"]:
                s, v = cell(rows, f"{c}-{m}", c, "erased_acc")
                cols.append(s)
                if v is not None:
                    drops[m].append(b - v)
                    after[m].append(v)
            # the others: the other styles for a style, the other objects for an object
            metric = "others_object_acc" if c in OBJECTS else "others_style_acc"
            others = " / ".join(cell(rows, f"{c}-{m}", c, metric)[0].split(" ")[0] for m in ["cp", "fia", "random"])
            base_others = cell(rows, "base", c, metric)[0].split(" ")[0]
            print(f"| {c} | {n} | {before} | {cols[0]} | {cols[1]} | {cols[2]} | {others} ({base_others}, {metric.split('_')[1]}) | "
                  f"{pct(sizes, c + '-cp')} / {pct(sizes, c + '-fia')} |")
    print()
    print("| method | median erased accuracy [IQR] | median drop [IQR] | concepts with drop >= 0.25 |")
    print("|---|---|---|---|")
    for m, name in [("cp", "ConceptPrune"), ("fia", "FIA"), ("random", "random")]:
        if not after[m]:
            continue
        print(f"| {name} | {iqr(after[m])} | {iqr(drops[m])} | {sum(1 for d in drops[m] if d >= 0.25)} of {len(drops[m])} |")


def iqr(v):
    q = statistics.quantiles(v, n=4, method="inclusive") if len(v) > 1 else [v[0]] * 3
    return f"{statistics.median(v):.3f} [{q[0]:.3f}, {q[2]:.3f}]"


def groups(folders):
    print("| group | model | members' erased accuracy: median (min-max) | members before: median | others kept: object / style | sparsity |")
    print("|---|---|---|---|---|---|")
    for folder in folders:
        rows, sizes, gs, _ = load(folder)
        for g, members in gs.items():
            before = [float(rows[("base", c, "erased_acc")]["value"]) for c in members]
            for m in ["cp", "fia", "fia-eq", "random"]:
                label = f"{g}-{m}"
                vals = [float(rows[(label, c, "erased_acc")]["value"]) for c in members if (label, c, "erased_acc") in rows]
                if not vals:
                    continue
                obj = cell(rows, label, "", "object_acc")[0]
                sty = cell(rows, label, "", "style_acc")[0]
                print(f"| {g} | {m} | {statistics.median(vals):.3f} ({min(vals):.2f}-{max(vals):.2f}) | "
                      f"{statistics.median(before):.3f} | {obj} / {sty} | {pct(sizes, label)} |")


if __name__ == "__main__":
    folders = [f for f in sys.argv[1:] if os.path.exists(os.path.join(f, "results.csv"))]
    print("### One concept at a time\n")
    single(folders)
    print("\n### Several concepts at once\n")
    groups(folders)
