#!/usr/bin/env python3
"""Markdown tables of the toy revival runs: scripts/revival_table.py OUT (the folder of scripts/revival-toy.sh)."""
import json
import math
import os
import sys

out = sys.argv[1]


def wilson(k, n, z=1.959963984540054):
    if n == 0:
        return (float("nan"), float("nan"))
    p = k / n
    d = 1 + z * z / n
    c = (p + z * z / (2 * n)) / d
    h = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / d
    return (max(0.0, c - h), min(1.0, c + h))


def load(c, run):
    f = os.path.join(out, "runs", c, run, "summary.json")
    if not os.path.exists(f):
        return None
    s = json.load(open(f))
    r = os.path.join(out, "runs", c, run, "revival.json")
    s["revival"] = json.load(open(r)) if os.path.exists(r) else None
    s["done"] = os.path.exists(os.path.join(out, "runs", c, run, "done"))
    return s


def rate(k, n):
    lo, hi = wilson(k, n)
    return f"{k}/{n} = {k / n:.2f} [{lo:.2f}, {hi:.2f}]" if n else "n/a"


def cell(s):
    if s is None:
        return "not run"
    t = rate(s["pre_attack"] + s["attack"], s["targets"])
    if not s["done"]:
        t += " (partial)"
    return t


models = [("cp", "ConceptPrune k 5%"), ("decoys", "+ decoys"), ("noise", "+ noise fill (bottom 5%)"), ("camo", "+ camouflage (noise, bottom 50%)"), ("flip", "+ flip (cut weights negated)"), ("fia", "FIA (as many weights)"),
          ("random", "random pruning")]
print("| concept | model | erased: still shows the concept (before) | revival, naive | revival, adaptive | the stronger of the two | signs from the original |")
print("|---|---|---|---|---|---|---|")
concepts = [c for c in ["wobbet", "quenth", "snekkel", "heart"] if os.path.isdir(os.path.join(out, "runs", c))]
for c in concepts:
    for m, label in models:
        runs = {k: load(c, f"{m}-{k}") for k in ["naive", "adaptive", "signfrom"]}
        have = [s for s in runs.values() if s is not None]
        if not have:
            continue
        b = max(have, key=lambda s: s["targets"])
        before = rate(b["pre_attack"], b["targets"])
        naive = cell(runs["naive"])
        if runs["naive"] is None and os.path.exists(os.path.join(out, "runs", c, f"{m}-naive.log")):
            naive = "refused: no exact zero"
        adaptive = "(no defense)" if m in ("cp", "fia", "random") else cell(runs["adaptive"])
        tried = [s for s in (runs["naive"], runs["adaptive"]) if s is not None and s["targets"]]
        best = max(tried, key=lambda s: (s["pre_attack"] + s["attack"]) / s["targets"]) if tried else None
        print(f"| {c} | {label} | {before} | {naive} | {adaptive} | {cell(best) if best else 'not run'} | {cell(runs['signfrom'])} |")
print()
print("| concept | run | candidates | filled | prompts | wall (s) |")
print("|---|---|---|---|---|---|")
times = {}
if os.path.exists(os.path.join(out, "times.tsv")):
    for line in open(os.path.join(out, "times.tsv")):
        d, s = line.rstrip("\n").split("\t")
        times[d] = times.get(d, 0) + int(s)
for c in concepts:
    for run in sorted(os.listdir(os.path.join(out, "runs", c))):
        s = load(c, run) if os.path.isdir(os.path.join(out, "runs", c, run)) else None
        if s is None or s["revival"] is None:
            continue
        print(f"| {c} | {run} | {s['revival']['candidates']} | {s['revival']['filled']} | {s['prompts']} | "
              f"{times.get(os.path.join(out, 'runs', c, run), '')} |")
