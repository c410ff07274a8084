"""Differential check of `keel data add`'s statistics against pandas/numpy.

For each seed it writes varied files (CSV, NDJSON, Parquet made from the CSV by DuckDB with the
same types, and a plain CSV of the columns the JS read path takes, added with that path allowed at
any size: it says how many of those it read), adds each with the CLI into a scratch KEEL_HOME, reads `keel data show --json`
and compares every statistic with the one computed here by the definitions of
docs/datasets.md#statistics. Files stay under 100,000 rows, where every statistic is exact.

Run with Debian's Python from the repository root:
    /usr/bin/python3 scripts/stats-differential.py [--seeds 0-9] [--rows 50000] [--keep DIR]
It prints one line per mismatch and exits 1 when there is one. Not part of npm test (it needs Python).
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
QKEYS = ["p01", "p05", "p25", "p50", "p75", "p95", "p99"]
QS = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99]
TOL = 1e-9
UNICODE = ["é", "ß", "日本", "Ωmega", "😀", "👍🏽", "\uff61", "\ufb00", "zebra", "Zebra", "a b", " lead", "tab\tin", 'q"uote', "com,ma"]


def missing(rng, values, rate):
    s = pd.Series(values, dtype=object)
    s[rng.random(len(s)) < rate] = None
    return s


def tied_categories(rng, n, k):
    """k categories, most with exactly the same count, so the 20th place of `top` is a tie."""
    base = np.repeat(np.arange(k), max(1, n // (k + 3)))[:n]
    rest = rng.integers(0, 3, n - len(base))
    return rng.permutation(np.concatenate([base, rest]))


# The frame's columns a plain CSV holds as the JS read path takes them.
PLAIN_COLUMNS = ["i_small", "i_wide", "i_edges", "f_ties", "f_signed_zero", "f_offset", "k_const", "b_bool", "s_ties"]


def make_frame(seed, n):
    rng = np.random.default_rng(seed)
    mag = 10.0 ** rng.uniform(-8, 8, n)
    ts0 = pd.Timestamp("2000-01-01") + pd.Timedelta(days=int(rng.integers(0, 9000)))
    cols = {
        "i_small": missing(rng, rng.integers(-5, 45, n), 0.05),
        "i_wide": missing(rng, rng.integers(-10**12, 10**12, n), 0.02),
        "i_edges": rng.integers(0, 21, n),  # every value on a histogram edge
        "f_wide": missing(rng, np.where(rng.random(n) < 0.5, -1, 1) * mag, 0.03),
        "f_ties": missing(rng, np.round(rng.normal(0, 3, n), 1), 0.1),
        "f_signed_zero": rng.choice([-0.0, 0.0, 1.5, -2.25], n),
        "f_huge": rng.uniform(-1, 1, n) * 1e300,
        "f_tiny": rng.uniform(0, 1, n) * 1e-300,
        "f_offset": 1e9 + rng.integers(0, 1000, n) * 0.001,
        "f_huge_ties": missing(rng, rng.choice([-1.5e300, 1e300, 1.7e308, 5e299], n), 0.05),
        "f_tiny_ties": rng.choice([1e-300, 3e-300, 2.5e-310, 0.0], n),
        "k_const": np.full(n, 7),
        "all_missing": [None] * n,
        "one_value": pd.Series([None] * (n - 1) + [3.25], dtype=object).sample(frac=1, random_state=seed).reset_index(drop=True),
        "mostly_missing": missing(rng, rng.normal(100, 20, n), 0.99),
        "b_bool": missing(rng, np.where(rng.random(n) < 0.4, "true", "false"), 0.1),
        "s_ties": missing(rng, [f"cat{c:02d}" for c in tied_categories(rng, n, 25)], 0.05),
        "s_unicode": missing(rng, rng.choice(UNICODE, n), 0.05),
        "s_ids": [f"{UNICODE[x % len(UNICODE)]}{x // len(UNICODE)}" for x in rng.permutation(n)],
        "s_unicode_ties": [UNICODE[c % len(UNICODE)] + "!" * (c // len(UNICODE)) for c in tied_categories(rng, n, 30)],
        "s_empty": missing(rng, rng.choice(["", "x", "y"], n), 0.2),
        "t_seconds": missing(rng, [(ts0 + pd.Timedelta(seconds=int(s))).strftime("%Y-%m-%d %H:%M:%S") for s in rng.integers(0, 10**8, n)], 0.05),
        "t_millis": [(ts0 + pd.Timedelta(milliseconds=int(s))).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] for s in rng.integers(0, 10**9, n)],
        "t_days": [(ts0 + pd.Timedelta(days=int(d))).strftime("%Y-%m-%d") for d in rng.integers(0, 60, n)],
    }
    return pd.DataFrame(cols)


def keel(home, *args, env=None):
    r = subprocess.run(["node", os.path.join(ROOT, "bin/keel.js"), *args], capture_output=True, text=True, env={**os.environ, "KEEL_HOME": home, **(env or {})})
    if r.returncode != 0:
        raise RuntimeError(f"keel {' '.join(args)}: {r.stderr.strip()}")
    return r.stdout, r.stderr


def to_parquet(csv_path, parquet_path, types):
    """The CSV as Parquet, each column of Keel's type for it (no Python Parquet writer on Debian)."""
    duck = {"int": "BIGINT", "float": "DOUBLE", "bool": "BOOLEAN", "string": "VARCHAR", "timestamp": "TIMESTAMP"}
    spec = ", ".join(f"'{k}': '{duck[t]}'" for k, t in types.items())
    sql = f"COPY (SELECT * FROM read_csv('{csv_path}', header = true, columns = {{{spec}}})) TO '{parquet_path}' (FORMAT parquet)"
    js = "import('@duckdb/node-api').then(async ({DuckDBInstance}) => { const c = await (await DuckDBInstance.create()).connect(); await c.run(process.argv[1]); })"
    subprocess.run(["node", "-e", js, sql], check=True, cwd=ROOT)


def reference_values(raw, kind):
    """The column as numbers (epoch ms for timestamps, 0/1 for bool) or strings, missing dropped."""
    s = raw.dropna()
    if kind == "string":
        return s.astype(str)
    if kind == "bool":
        return s.astype(str).str.lower().map({"true": 1.0, "false": 0.0}).astype(float)
    if kind == "timestamp":
        return pd.to_datetime(s).astype("int64").astype(float) / 10**6
    return s.astype(float)


def exact_mean_std(x):
    """Mean and std (ddof 1) without overflow or underflow: scaled by a power of two, summed exactly."""
    e = math.frexp(float(np.max(np.abs(x))))[1]
    y = np.ldexp(x, -e)
    mean = math.fsum(y) / len(y)
    std = math.ldexp(math.sqrt(math.fsum((y - mean) ** 2) / (len(y) - 1)), e) if len(y) > 1 else None
    return math.ldexp(mean, e), std


def reference(raw, kind):
    v = reference_values(raw, kind)
    out = {"count": int(len(v)), "missing": int(len(raw) - len(v)), "distinct": int(v.nunique())}
    counts = v.value_counts()
    out["top"] = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:20]
    if kind == "string" or len(v) == 0:
        return out
    x = v.to_numpy(dtype=float)
    mean, std = exact_mean_std(x)
    try:
        h, edges = np.histogram(x, bins=20)
    except (IndexError, ValueError):  # numpy fails on ranges near the float limit: nothing to compare with
        h, edges = None, []
    out.update(min=float(x.min()), max=float(x.max()), mean=mean, std=std, numpy_std=float(np.std(x, ddof=1)) if len(x) > 1 else None,
               quantiles=[float(q) for q in np.quantile(x, QS)], edges=[float(e) for e in edges], counts=None if h is None else [int(c) for c in h])
    return out


def close(a, b):
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOL * max(abs(b), 1e-300) or a == b


def top_value(value, kind):
    if kind == "string":
        return value
    if kind == "bool":
        return 1.0 if value == "true" else 0.0
    if kind == "timestamp":
        return pd.Timestamp(value).value / 10**6
    return float(value)


def compare(tag, col, ref):
    s, kind = col["stats"], col["type"]
    bad = []
    def check(stat, ok, got, want):
        if not ok:
            bad.append(f"{tag} {col['name']} ({kind}) {stat}: keel {got} pandas {want}")
    for k in ("count", "missing", "distinct"):
        check(k, s[k] == ref[k], s[k], ref[k])
    got_top = [(top_value(t["value"], kind), t["count"]) for t in s["top"]]
    want_top = [(v, int(c)) for v, c in ref["top"]]
    same = len(got_top) == len(want_top) and all(g[1] == w[1] and (g[0] == w[0] if kind == "string" else close(g[0], w[0])) for g, w in zip(got_top, want_top))
    check("top", same, got_top, want_top)
    if kind == "string" or ref["count"] == 0:
        return bad
    for k in ("min", "max", "mean"):
        check(k, close(s[k], ref[k]), s[k], ref[k])
    check("std", close(s["std"], ref["std"]), s["std"], f"{ref['std']} (numpy {ref['numpy_std']})")
    got_q = [s["quantiles"][k] for k in QKEYS] if s["quantiles"] else [None] * 7
    for k, g, w in zip(QKEYS, got_q, ref["quantiles"]):
        check(k, close(g, w), g, w)
    hist = s["histogram"] or {"edges": [None] * 21, "counts": None}
    if ref["counts"] is None:
        return bad
    check("histogram.counts", hist["counts"] == ref["counts"], hist["counts"], ref["counts"])
    check("histogram.edges", all(close(g, w) for g, w in zip(hist["edges"], ref["edges"])), hist["edges"], ref["edges"])
    return bad


def run_file(home, tag, path, name, frame_types=None, env=None):
    """The mismatches, the types, and the add's log (stderr)."""
    log = keel(home, "data", "add", name, path, env=env)[1]
    shown = json.loads(keel(home, "data", "show", name, "--json")[0])
    types = {c["name"]: c["type"] for c in shown["columns"]}
    if frame_types is not None and types != frame_types:
        return [f"{tag}: types {types} differ from the CSV's {frame_types}"], types
    if path.endswith(".ndjson"):
        with open(path, encoding="utf-8") as f:  # pandas' JSON reader rounds floats, or refuses subnormal ones
            raw = pd.DataFrame([json.loads(line) for line in f], dtype=object)
    else:
        csv = path[: -len(".parquet")] + ".csv" if path.endswith(".parquet") else path
        raw = pd.read_csv(csv, float_precision="round_trip")
        text = pd.read_csv(csv, dtype=str, keep_default_na=False, na_values=[""])
        for c, t in types.items():
            if t == "string":
                raw[c] = text[c]
    bad = []
    if shown["rows"] != len(raw):
        bad.append(f"{tag}: rows keel {shown['rows']} pandas {len(raw)}")
    for col in shown["columns"]:
        bad += compare(tag, col, reference(raw[col["name"]], col["type"]))
    return bad, types, log


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--seeds", default="0-4", help="a range A-B or one seed")
    p.add_argument("--rows", type=int, default=50_000, help="the largest file's rows")
    p.add_argument("--keep", help="write the files and KEEL_HOME here and keep them")
    a = p.parse_args()
    lo, _, hi = a.seeds.partition("-")
    work = a.keep or tempfile.mkdtemp(prefix="keel-stats-diff-")
    os.makedirs(work, exist_ok=True)
    home = os.path.join(work, "home")
    bad = []
    read_in_js = 0
    for seed in range(int(lo), int(hi or lo) + 1):
        # Row counts from 1 to --rows: tiny files, one row group, several.
        n = [1, 2, 3, 50, 2_000, 9_000][(2 * (seed // 3) + seed % 3 - 1) % 6] if seed % 3 else int(np.random.default_rng(seed).integers(10_000, a.rows + 1))
        frame = make_frame(seed, n)
        csv = os.path.join(work, f"s{seed}.csv")
        frame.to_csv(csv, index=False)
        found, types, _ = run_file(home, f"seed {seed} csv ({n} rows)", csv, f"s{seed}csv")
        bad += found
        pq = os.path.join(work, f"s{seed}.parquet")
        to_parquet(csv, pq, types)
        bad += run_file(home, f"seed {seed} parquet", pq, f"s{seed}pq", types)[0]
        nd = os.path.join(work, f"s{seed}.ndjson")
        frame.to_json(nd, orient="records", lines=True, force_ascii=False)
        bad += run_file(home, f"seed {seed} ndjson", nd, f"s{seed}nd")[0]
        # The columns a plain CSV may hold (no timestamps, no non-ASCII text, no exponents), added
        # with the JS read path allowed at any size (docs/datasets.md, "Plain CSV files").
        plain = os.path.join(work, f"s{seed}-plain.csv")
        frame[PLAIN_COLUMNS].to_csv(plain, index=False)
        found, _, log = run_file(home, f"seed {seed} plain csv", plain, f"s{seed}plain", env={"KEEL_PLAIN_CSV_MIN_BYTES": "0", "KEEL_LOG_LEVEL": "debug"})
        bad += found
        if "a plain CSV file: read in JS" in log:
            read_in_js += 1
        else:
            reason = next((json.loads(line).get("reason") for line in log.splitlines() if "read by DuckDB" in line), "?")
            print(f"seed {seed}: the plain file was read by DuckDB ({reason})", file=sys.stderr)
        print(f"seed {seed}: {n} rows, {len(bad)} mismatches so far", file=sys.stderr)
    print(f"plain CSV files read in JS: {read_in_js} of {int(hi or lo) - int(lo) + 1}", file=sys.stderr)
    for line in bad:
        print(line)
    if not a.keep:
        shutil.rmtree(work)
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
