"""Writes small.csv and the statistics pandas/numpy compute for it (expected-stats.json), and
extreme.csv with its statistics (expected-extreme-stats.json): magnitudes near 1e300 and 1e-300,
where numpy's std overflows to inf or underflows to 0, so mean and std are computed here exactly
(scaled by a power of two, summed with math.fsum), and strings whose code point order is not
their UTF-16 order; and constant-ts.csv with its statistics (expected-constant-ts-stats.json): a
timestamp column holding one instant, whose histogram numpy spans [v - 0.5, v + 0.5] in ms, the
stored unit.

Run with Debian's Python: /usr/bin/python3 src/data/testdata/make-expected.py
The data tests (profile.test.ts, profile-extremes.test.ts) compare Keel's statistics with these values.
"""
import json
import math
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
extreme_rng = np.random.default_rng(11)
# 10 BMP strings above the surrogates and 15 emoji, each 16 times: all tied, so the top 20 are the
# first 20 by value (code point order: the BMP ones first; UTF-16 order puts the emoji first).
tied = [chr(0xFF61 + k) for k in range(10)] + [chr(0x1F600 + k) for k in range(15)]
extreme = pd.DataFrame({
    "f_huge": extreme_rng.uniform(-1, 1, n) * 1e300,
    "f_huge_ties": extreme_rng.choice([-1.5e300, 1e300, 1.7e308, 5e299], n),
    "f_tiny": extreme_rng.uniform(0, 1, n) * 1e-300,
    "f_tiny_ties": extreme_rng.choice([1e-300, 3e-300, 2.5e-310, 0.0], n),
    "s_tied": extreme_rng.permutation(np.repeat(tied, n // len(tied))),
})

constant_ts = pd.DataFrame({
    "t_const": ["2024-03-05 12:34:56"] * 50,
    "t_const_missing": with_missing(["2024-03-05 12:34:56"] * n, 0.1)[:50],
})


def as_numbers(d, types, name):
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


def mean_std(x):
    """The exact mean and std (ddof 1): x scaled by a power of two, so nothing overflows or underflows."""
    e = math.frexp(float(np.max(np.abs(x))))[1]
    y = np.ldexp(x, -e)
    mean = math.fsum(y) / len(y)
    return math.ldexp(mean, e), math.ldexp(math.sqrt(math.fsum((y - mean) ** 2) / (len(y) - 1)), e)


def write_profile(frame, types, csv_name, json_name, exact_moments):
    """Writes the frame as CSV, reads it back exactly as a user would, and writes its statistics."""
    csv_path = os.path.join(HERE, csv_name)
    frame.to_csv(csv_path, index=False)
    d = pd.read_csv(csv_path, float_precision="round_trip")
    out = {}
    for name, kind in types.items():
        s = d[name]
        col = {"type": kind, "count": int(s.count()), "missing": int(s.isna().sum()), "distinct": int(s.nunique())}
        key = s if kind == "string" else as_numbers(d, types, name)
        counts = key.dropna().value_counts()
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
        col["top"] = [{"value": fmt(v, kind), "count": int(c)} for v, c in ranked]
        if kind != "string":
            x = as_numbers(d, types, name).dropna().to_numpy()
            mean, std = mean_std(x) if exact_moments else (float(x.mean()), float(x.std(ddof=1)))
            col.update({
                "min": float(x.min()), "max": float(x.max()), "mean": mean, "std": std,
                "quantiles": dict(zip(["p01", "p05", "p25", "p50", "p75", "p95", "p99"], [float(q) for q in np.quantile(x, [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99])])),
            })
            counts_h, edges = np.histogram(x, bins=20)
            col["histogram"] = {"edges": [float(e) for e in edges], "counts": [int(c) for c in counts_h]}
        out[name] = col
    with open(os.path.join(HERE, json_name), "w") as f:
        json.dump({"rows": int(len(d)), "columns": out}, f, indent=1)
    print("wrote", csv_path, "and", json_name)


write_profile(df, {"i_int": "int", "f_float": "float", "b_bool": "bool", "s_str": "string", "t_ts": "timestamp", "k_const": "int", "u_float": "float"},
              "small.csv", "expected-stats.json", exact_moments=False)
write_profile(extreme, {"f_huge": "float", "f_huge_ties": "float", "f_tiny": "float", "f_tiny_ties": "float", "s_tied": "string"},
              "extreme.csv", "expected-extreme-stats.json", exact_moments=True)
write_profile(constant_ts, {"t_const": "timestamp", "t_const_missing": "timestamp"},
              "constant-ts.csv", "expected-constant-ts-stats.json", exact_moments=False)
