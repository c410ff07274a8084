"""Writes the JSON tables of json-table.test.ts with pandas' to_json, and what pandas' read_json
reads back from each (expected-json-tables.json):
  /usr/bin/python3 src/data/testdata/make-json-tables.py

Each table is written with the default orient ('columns') and with orient='split'; the expected
columns are read_json's (orient='split' for those), its index kept as column 'index' by
reset_index() unless it is pandas' default 0..n-1. Types are Keel's names of pandas' dtypes, but
for two rules of Keel's (docs/datasets.md): a column of whole numbers with missing values is `int`
with them missing, where pandas makes it float64 to hold NaN; and a float column whose values are
whole (written 1.0, 2.0) stays `float`, where read_json guesses int64 (the frame written held floats).
"""
import io
import json
import math
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'json-tables')

base = {
    'i': [3, -1, 7],
    'f': [1.5, None, 2.0],
    'w': [1.0, 2.0, 3.0],
    's': ['x', None, 'a "q"'],
    'b': [True, False, True],
    'n': pd.array([10, None, 30], dtype='Int64'),
}
tables = {
    'default': pd.DataFrame(base),
    'labels': pd.DataFrame(base, index=['r1', 'r2', 'r3']),
    'numbered': pd.DataFrame(base, index=[10, 20, 5]),
    'shuffled': pd.DataFrame(base).iloc[[2, 0, 1]],
}
WHOLE_WITH_MISSING = {'n'}
WHOLE_FLOATS = {'w'}

def keel_type(name, dtype):
    if name in WHOLE_WITH_MISSING:
        return 'int'
    if name in WHOLE_FLOATS:
        return 'float'
    return {'int64': 'int', 'float64': 'float', 'bool': 'bool', 'object': 'string'}[str(dtype)]

def value(v):
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return None
    if hasattr(v, 'item'):
        v = v.item()
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return v  # JSON keeps 2.0 as 2.0; the test compares numbers
    return v

expected = {}
os.makedirs(OUT, exist_ok=True)
for name, df in tables.items():
    for orient in ('columns', 'split'):
        file = f'{name}-{orient}.json'
        text = df.to_json(orient=orient)
        with open(os.path.join(OUT, file), 'w') as f:
            f.write(text)
        back = pd.read_json(io.StringIO(text), orient=orient)
        default = list(back.index) == list(range(len(back)))
        if not default:
            back = back.reset_index()
        expected[file] = {
            'columns': [f'{c}:{keel_type(c, t)}' for c, t in back.dtypes.items()],
            'rows': [[value(v) for v in row] for row in back.astype(object).itertuples(index=False)],
        }

with open(os.path.join(HERE, 'expected-json-tables.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
