"""Writes diff-a.csv, diff-b.csv and expected-diff.json for dataset-diff.test.ts.

The expected diff is computed here from the raw rows with pandas, numpy and scipy, by the
definitions of docs/datasets.md (Diff), not from Keel's statistics:
  /usr/bin/python3 src/data/testdata/make-diff-expected.py
"""
import json
import os

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon

HERE = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(7)
NA, NB = 465, 500

def s_column(first, n, rows):
    # u{i} appears 1, 2, ... times: tops without ties; the rows left are missing.
    vals = [f'u{first + i:02d}' for i in range(n) for _ in range(i + 1)]
    vals += [None] * (rows - len(vals))
    return rng.permutation(np.array(vals, dtype=object))

a = pd.DataFrame({
    'x': rng.normal(0, 1, NA).round(4),
    'k': rng.integers(0, 5, NA),
    's': s_column(0, 30, NA),
    'c': rng.choice(['FR', 'DE', 'US'], NA, p=[.5, .3, .2]),
    't': pd.Timestamp('2024-01-01') + pd.to_timedelta(rng.integers(0, 31 * 86400, NA), unit='s'),
    'g': np.where(rng.random(NA) < 0.5, np.nan, rng.normal(5, 2, NA).round(3)),
    'n': rng.integers(0, 100, NA),
    'score': rng.random(NA).round(4),
    'cst': np.full(NA, 3),
})
b = pd.DataFrame({
    'c': rng.choice(['FR', 'DE', 'US', 'ES'], NB, p=[.3, .3, .2, .2]),
    'x': rng.normal(0.5, 1.2, NB).round(4),
    'k': rng.integers(0, 7, NB),
    's': s_column(5, 30, NB),
    't': pd.Timestamp('2024-01-20') + pd.to_timedelta(rng.integers(0, 31 * 86400, NB), unit='s'),
    'g': np.full(NB, np.nan),
    'n': (rng.integers(0, 200, NB) / 2),
    'cst': rng.integers(0, 60, NB),
    'score2': rng.random(NB).round(4),
    'extra': np.ones(NB, dtype=int),
})
a.to_csv(os.path.join(HERE, 'diff-a.csv'), index=False)
b.to_csv(os.path.join(HERE, 'diff-b.csv'), index=False)
# Read back as Keel reads the files (the CSV is the input both sides see).
a = pd.read_csv(os.path.join(HERE, 'diff-a.csv'), parse_dates=['t'])
b = pd.read_csv(os.path.join(HERE, 'diff-b.csv'), parse_dates=['t'])

def values(col):
    v = col.dropna()
    if np.issubdtype(v.dtype, np.datetime64):
        return v.astype('int64').to_numpy() / 1e6  # epoch ms
    return v.to_numpy()

def is_time(col):
    return np.issubdtype(col.dtype, np.datetime64)

def numeric(col):
    return is_time(col) or np.issubdtype(col.dtype, np.number)

def shift(x, y, relative=True):
    if x is None or y is None:
        return {'a': x, 'b': y, 'delta': None, 'relative': None}
    return {'a': x, 'b': y, 'delta': y - x, 'relative': (y - x) / abs(x) if relative and x != 0 else None}

def location(x, y, std, time):
    s = shift(x, y, not time)
    s['inStd'] = s['delta'] / std if s['delta'] is not None and std else None
    return s

def shares_distances(ca, cb):
    ca, cb = np.asarray(ca, float), np.asarray(cb, float)
    keep = (ca > 0) | (cb > 0)
    pa, pb = ca[keep] / ca[keep].sum(), cb[keep] / cb[keep].sum()
    def fill(p):
        m = p[p > 0].min()
        f = m / 1e6 if m <= 1e-4 else 1e-4
        return np.where(p == 0, f, p)
    fa, fb = fill(pa), fill(pb)
    return {'jensenShannon': float(jensenshannon(pa, pb)), 'psi': float(np.sum((fa - fb) * np.log(fa / fb))), 'bins': int(keep.sum())}

def hist(v):
    counts, edges = np.histogram(v, bins=20)
    return counts, edges

def integer_counts(c, e, u):
    # An int column: each bin's count spread evenly over the integers it holds (the last bin
    # closed), then each integer counted in the bin of u holding it (u's next-to-last bin closed).
    out = np.zeros(len(u) - 1)
    for i, n in enumerate(c):
        ints = np.arange(np.ceil(e[i]), (np.floor(e[i + 1]) if i == len(c) - 1 else np.ceil(e[i + 1]) - 1) + 1)
        for v in ints:
            k = len(u) - 3 if v == u[-2] else np.searchsorted(u, v, side='right') - 1
            out[k] += n / len(ints)
    return out

def rebinned(va, vb, ints):
    (ca, ea), (cb, eb) = hist(va), hist(vb)
    # A's bins, one below and one above; the CDF of "each bin's count spread evenly over it" is
    # linear between a histogram's edges (np.interp holds it at 0 and at the count outside them).
    u = np.concatenate([[-np.inf], ea, [np.inf]])
    if ints:
        return integer_counts(ca, ea, u), integer_counts(cb, eb, u)
    cdf = lambda c, e: np.interp(u, e, np.concatenate([[0], np.cumsum(c)]))
    return np.diff(cdf(ca, ea)), np.diff(cdf(cb, eb))

def key(v):
    return str(v)

def drift(ca_col, cb_col):
    va, vb = values(ca_col), values(cb_col)
    if len(va) == 0 or len(vb) == 0:
        return None
    counts_a = pd.Series(va).value_counts()
    counts_b = pd.Series(vb).value_counts()
    if len(counts_a) <= 20 and len(counts_b) <= 20:
        keys = sorted(set(counts_a.index) | set(counts_b.index), key=str)
        d = shares_distances([counts_a.get(k, 0) for k in keys], [counts_b.get(k, 0) for k in keys])
        return {**d, 'basis': 'values'}
    if numeric(ca_col) and numeric(cb_col):
        ints = np.issubdtype(ca_col.dtype, np.integer) and np.issubdtype(cb_col.dtype, np.integer)
        return {**shares_distances(*rebinned(va, vb, ints)), 'basis': 'histogram'}
    # Strings beyond 20 values: the values in both top-20 lists (the tops here have no ties), the rest as one bin.
    top_a, top_b = set(counts_a.index[:20]), set(counts_b.index[:20])
    keys = sorted(top_a & top_b)
    ka = [counts_a[k] for k in keys]; kb = [counts_b[k] for k in keys]
    return {**shares_distances(ka + [len(va) - sum(ka)], kb + [len(vb) - sum(kb)]), 'basis': 'top values'}

def column(name):
    ca, cb = a[name], b[name]
    va, vb = values(ca), values(cb)
    time = is_time(ca) or is_time(cb)
    num = numeric(ca) and numeric(cb)
    mean = lambda v: float(np.mean(v)) if num and len(v) else None
    std = lambda v: float(np.std(v, ddof=1)) if num and len(v) > 1 else None
    sa = std(va)
    q = {f'p{int(p * 100):02d}': p for p in (0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99)}
    quantiles = None
    if num and len(va) and len(vb):
        quantiles = {k: location(float(np.quantile(va, p)), float(np.quantile(vb, p)), sa, time) for k, p in q.items()}
    return {
        'name': name,
        'mean': location(mean(va), mean(vb), sa, time),
        'std': shift(sa, std(vb)),
        'missingRate': shift(float(ca.isna().mean()), float(cb.isna().mean())),
        'distinct': shift(int(ca.nunique()), int(cb.nunique())),
        'quantiles': quantiles,
        'drift': drift(ca, cb),
    }

common = [c for c in a.columns if c in b.columns]
expected = {
    'rows': shift(len(a), len(b)),
    'schema': {
        'added': [c for c in b.columns if c not in a.columns],
        'removed': [c for c in a.columns if c not in b.columns],
        'moved': [{'name': 'c', 'a': list(a.columns).index('c'), 'b': list(b.columns).index('c')}],
        # score and score2 hold alike values: the hint's distance is their drift.
        'renamed': [{'a': 'score', 'b': 'score2', **{k: v for k, v in drift(a['score'], b['score2']).items() if k == 'jensenShannon'}}],
    },
    'columns': [column(c) for c in common],
}
with open(os.path.join(HERE, 'expected-diff.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
