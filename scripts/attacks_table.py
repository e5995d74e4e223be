#!/usr/bin/env python3
"""Markdown table of the toy attack runs: scripts/attacks_table.py OUT (the folder of scripts/attacks-toy.sh)."""
import json
import os
import sys

out = sys.argv[1]
times = {}
if os.path.exists(os.path.join(out, "times.tsv")):
    for line in open(os.path.join(out, "times.tsv")):
        c, m, model, s = line.split("\t")
        times[(c, m, model)] = times.get((c, m, model), 0) + int(s)
models = ["base", "cp", "random", "cp2x"]
print("| concept | attack | model | targets | before | by attack | ASR [Wilson 95%] | prompt time (s) | run wall (s) |")
print("|---|---|---|---|---|---|---|---|---|")
for c in sorted(d for d in os.listdir(out) if os.path.isdir(os.path.join(out, d)) and d != "masks"):
    for m in ["unlearndiff", "random", "inversion", "ring-a-bell"]:
        for model in models:
            f = os.path.join(out, c, f"{m}-{model}", "summary.json")
            if not os.path.exists(f):
                print(f"| {c} | {m} | {model} | not run | | | | | |")
                continue
            s = json.load(open(f))
            extra = 0
            inv = os.path.join(out, c, f"{m}-{model}", "inversion-token.json")
            if os.path.exists(inv):
                extra = json.load(open(inv))["seconds"]
            print(f"| {c} | {m} | {model} | {s['targets']} of {s['prompts']} | {s['pre_attack']} | {s['attack']} | "
                  f"{s['asr']:.3f} [{s['asr_interval'][0]:.3f}, {s['asr_interval'][1]:.3f}] | "
                  f"{s['seconds'] + extra:.0f} | {times.get((c, m, model), '')} |")
