"""pandas peer for bench/data-ingest.ts: read_csv + describe(include='all') + nunique().

Prints one JSON line: wall seconds of the work (after imports) and the process's peak RSS.
Run with Debian's Python: /usr/bin/python3 bench/data-ingest-pandas.py FILE.csv
A folder: its CSV files (gzipped or not) in path order, each read_csv'd, then concatenated.
"""
import glob
import json
import os
import resource
import sys
import time

import pandas as pd

path = sys.argv[1]
t0 = time.perf_counter()
c0 = time.process_time()
if os.path.isdir(path):
    parts = sorted(f for f in glob.glob(os.path.join(path, "**", "*"), recursive=True) if f.endswith((".csv", ".csv.gz")))
    df = pd.concat([pd.read_csv(f) for f in parts], ignore_index=True)
else:
    df = pd.read_csv(path)
t1 = time.perf_counter()
desc = df.describe(include="all")
nunique = df.nunique()
t2 = time.perf_counter()
c2 = time.process_time()
# Keep the results alive until timed, so nothing is skipped.
assert len(desc.columns) == len(df.columns) and len(nunique) == len(df.columns)
print(json.dumps({
    "seconds": t2 - t0,
    "cpuSeconds": c2 - c0,
    "readSeconds": t1 - t0,
    "profileSeconds": t2 - t1,
    "maxRssMb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "rows": int(len(df)),
}))
