"""How `keel data diff`'s drift, taken from stored statistics, compares with `keel drift` on the rows.

It writes two months of a table (the second with some columns shifted and most not), adds both
with the CLI into a scratch KEEL_HOME, and prints for every column the Jensen–Shannon distance
`keel data diff --json` gives (and its basis) beside the one `keel drift --method jensenshannon
--json` computes on the rows (Sturges bins over both versions' values, as Evidently bins them),
and scipy's on 20 shared equal-width bins of the raw values.

Run with Debian's Python from the repository root:
    /usr/bin/python3 scripts/diff-check.py [--rows 5000] [--keep DIR]
Not part of npm test (it needs Python); it measures, it asserts nothing.
"""
import argparse
import json
import os
import shutil
import subprocess
import tempfile

import numpy as np
import pandas as pd
from scipy.spatial.distance import jensenshannon

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def month(n, shifted, seed):
    r = np.random.default_rng(seed)
    d = {
        'age': r.integers(18, 80, n) + (3 if shifted else 0),
        'income': r.normal(50000 + 5000 * shifted, 12000, n).round(2),
        'country': r.choice(['FR', 'DE', 'US', 'ES', 'IT'], n, p=[.15, .25, .3, .2, .1] if shifted else [.4, .2, .2, .1, .1]),
        'churn': r.random(n) < (0.3 if shifted else 0.2),
        'signup': pd.Timestamp('2024-01-01') + pd.to_timedelta(r.integers(0, 30 * 86400, n) + shifted * 15 * 86400, unit='s'),
    }
    for i in range(12):  # unshifted: what two draws of one distribution read
        d[f'same{i:02d}'] = r.normal(0, 1, n).round(4)
    for i, s in enumerate([0.05, 0.1, 0.2, 0.5]):
        d[f'shift{s}'] = r.normal(s * shifted, 1, n).round(4)
    return pd.DataFrame(d)


def keel(home, *args):
    out = subprocess.run(['node', os.path.join(ROOT, 'bin', 'keel.js'), '--home', home, '--json', *args], check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--rows', type=int, default=5000)
    ap.add_argument('--keep')
    o = ap.parse_args()
    work = o.keep or tempfile.mkdtemp(prefix='keel-diff-check-')
    os.makedirs(work, exist_ok=True)
    home = os.path.join(work, 'home')
    try:
        a, b = month(o.rows, 0, 1), month(int(o.rows * 1.2), 1, 2)
        versions = []
        for name, df in (('a', a), ('b', b)):
            path = os.path.join(work, f'{name}.csv')
            df.to_csv(path, index=False)
            versions.append(keel(home, 'data', 'add', 'm', path)['version'])
        ra, rb = f'm@{versions[0]}', f'm@{versions[1]}'
        diff = {c['name']: c['drift'] for c in keel(home, 'data', 'diff', ra, rb)['columns']}
        rows = {c['column']: c['statistic'] for c in keel(home, 'drift', ra, rb, '--method', 'jensenshannon')['columns']}
        print(f'{"column":<12} {"diff JS":>8} {"basis":<11} {"drift JS":>8} {"20 bins":>8}')
        for col in a.columns:
            va, vb = a[col], b[col]
            if np.issubdtype(va.dtype, np.datetime64):
                va, vb = va.astype('int64'), vb.astype('int64')
            if va.dtype == object:
                raw = '-'
            else:
                edges = np.histogram_bin_edges(np.concatenate([va, vb]).astype(float), bins=20)
                raw = f'{jensenshannon(np.histogram(va, edges)[0], np.histogram(vb, edges)[0]):8.4f}'
            d = diff[col]
            print(f'{col:<12} {d["jensenShannon"]:8.4f} {d["basis"]:<11} {rows.get(col, float("nan")):8.4f} {raw:>8}')
    finally:
        if not o.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    main()
