#!/usr/bin/python3
"""The peer of bench/drift.ts: a per-column loop of scipy.stats.ks_2samp (numeric columns) and
scipy.stats.chi2_contingency (categorical columns) over pandas frames, as a data scientist would
write it. Loading the CSVs is timed apart from the tests.

Usage: /usr/bin/python3 bench/drift-scipy.py reference.csv current.csv   (prints one JSON line)
"""
import json
import os
import sys
import time

import numpy as np
import pandas as pd
from scipy import stats

def load(path):
    """read_csv once, then a pickle beside the CSV (reading 1M x 50 CSV takes longer than the tests)."""
    pkl = path + ".pkl"
    if os.path.exists(pkl):
        return pd.read_pickle(pkl)
    frame = pd.read_csv(path)
    frame.to_pickle(pkl)
    return frame


t0 = time.perf_counter()
ref = load(sys.argv[1])
cur = load(sys.argv[2])
load_seconds = time.perf_counter() - t0

t0 = time.perf_counter()
columns = {}
for col in ref.columns:
    r = ref[col].dropna()
    c = cur[col].dropna()
    if r.dtype == object:
        rc = r.value_counts()
        cc = c.value_counts()
        keys = sorted(set(rc.index) | set(cc.index))
        table = np.array([rc.reindex(keys, fill_value=0).values, cc.reindex(keys, fill_value=0).values])
        chi2, p, dof, _ = stats.chi2_contingency(table)
        columns[col] = {"test": "chi2_contingency", "statistic": float(chi2), "pValue": float(p), "drifted": bool(p < 0.05)}
    else:
        res = stats.ks_2samp(r.values, c.values)
        columns[col] = {"test": "ks", "statistic": float(res.statistic), "pValue": float(res.pvalue), "drifted": bool(res.pvalue < 0.05)}
seconds = time.perf_counter() - t0

print(json.dumps({"seconds": seconds, "loadSeconds": load_seconds, "rows": [len(ref), len(cur)], "columns": columns}))
