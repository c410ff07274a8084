"""Writes small.csv and the statistics pandas/numpy compute for it (expected-stats.json).

Run with Debian's Python: /usr/bin/python3 src/data/testdata/make-expected.py
The data test (profile.test.ts) compares Keel's statistics with these values.
"""
import json
import os

import numpy as np
import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
n = 400


def with_missing(values, rate):
    values = pd.Series(values, dtype=object)
    values[rng.random(n) < rate] = None
    return values


df = pd.DataFrame({
    "i_int": with_missing(rng.integers(0, 60, n), 0.1),
    "f_float": with_missing(np.round(rng.normal(10, 3, n), 4), 0.05),
    "b_bool": with_missing(np.where(rng.random(n) < 0.3, "true", "false"), 0.05),
    "s_str": with_missing(rng.choice(["red", "green", "blue", "cyan", "pink", "gray", "teal", "gold"], n, p=[0.3, 0.2, 0.15, 0.1, 0.1, 0.08, 0.05, 0.02]), 0.1),
    "t_ts": with_missing([(pd.Timestamp("2024-01-01") + pd.Timedelta(minutes=int(m))).strftime("%Y-%m-%d %H:%M:%S") for m in rng.integers(0, 60 * 24 * 30, n)], 0.05),
    "k_const": [7] * n,
    "u_float": np.round(rng.lognormal(3, 1, n), 3),
})
csv_path = os.path.join(HERE, "small.csv")
df.to_csv(csv_path, index=False)

# Read back exactly as a user would, then profile.
d = pd.read_csv(csv_path)
types = {"i_int": "int", "f_float": "float", "b_bool": "bool", "s_str": "string", "t_ts": "timestamp", "k_const": "int", "u_float": "float"}


def as_numbers(name):
    s = d[name]
    if types[name] == "bool":
        return s.map({True: 1.0, False: 0.0, "true": 1.0, "false": 0.0}).astype(float)
    if types[name] == "timestamp":
        t = pd.to_datetime(s)
        return pd.Series(np.where(t.isna(), np.nan, t.astype("int64") // 10**6), dtype=float)
    return s.astype(float)


def fmt(v, kind):
    if kind == "string":
        return str(v)
    if kind == "bool":
        return "true" if v else "false"
    if kind == "timestamp":
        return pd.Timestamp(int(v), unit="ms").strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return float(v)


out = {}
for name, kind in types.items():
    s = d[name]
    col = {"type": kind, "count": int(s.count()), "missing": int(s.isna().sum()), "distinct": int(s.nunique())}
    key = s if kind == "string" else as_numbers(name)
    counts = key.dropna().value_counts()
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    col["top"] = [{"value": fmt(v, kind), "count": int(c)} for v, c in ranked]
    if kind != "string":
        x = as_numbers(name).dropna().to_numpy()
        col.update({
            "min": float(x.min()), "max": float(x.max()), "mean": float(x.mean()), "std": float(x.std(ddof=1)),
            "quantiles": dict(zip(["p01", "p05", "p25", "p50", "p75", "p95", "p99"], [float(q) for q in np.quantile(x, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])])),
        })
        counts_h, edges = np.histogram(x, bins=20)
        col["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts_h]}
    out[name] = col

with open(os.path.join(HERE, "expected-stats.json"), "w") as f:
    json.dump({"rows": int(len(d)), "columns": out}, f, indent=1)
print("wrote", csv_path, "and expected-stats.json")
