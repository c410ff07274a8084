"""Writes the CSV files of csv-line-endings.test.ts, whose lines end some in \\r\\n and some in \\n
alone, into mixed-eol/, and what pandas.read_csv (1.5.3) reads from each (expected-mixed-eol.json):
  /usr/bin/python3 src/data/testdata/make-mixed-eol.py

  mixed.csv      lines ending both ways from line 2 on; an int, a float and a text column
  quoted.csv     both kinds, with quoted values holding \\r\\n, \\n and "" (data: kept as they are)
  quoted.csv.gz  quoted.csv gzipped (mtime 0, so the same bytes each run)
  late.csv.gz    \\n alone for more than 1 MiB, then \\r\\n (a quoted \\r\\n among them); gzipped to
                 keep the repository small: the test adds it gzipped and as its plain bytes

A small file's expected rows are all listed; late.csv's are its row count, its first rows, those
around the first \\r\\n, and the sha256 of all its rows as compact JSON (ints and ASCII text only,
which JSON.stringify writes as json.dumps does).
"""
import gzip
import hashlib
import io
import json
import math
import os

import pandas as pd

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, 'mixed-eol')

KEEL_TYPES = {'int64': 'int', 'float64': 'float', 'bool': 'bool', 'object': 'string'}


def value(v):
    if isinstance(v, float) and math.isnan(v):
        return None
    return v.item() if hasattr(v, 'item') else v


def rows_of(df):
    return [[value(v) for v in row] for row in df.astype(object).itertuples(index=False)]


def read(data, compression=None):
    df = pd.read_csv(io.BytesIO(data), compression=compression)
    return {'columns': [f'{c}:{KEEL_TYPES[str(t)]}' for c, t in df.dtypes.items()], 'rows': rows_of(df)}


mixed = b'id,x,s\r\n1,0.5,a\r\n2,1.25,b\n3,-2.0,c\n4,8.5,d\r\n5,0.0,e\n'
quoted = (
    b'id,note,n\n'
    b'1,"two\r\nlines",10\r\n'
    b'2,plain,20\n'
    b'3,"lf\ninside",30\r\n'
    b'4,"say ""hi""\r\nthen",40\n'
    b'5,"",50\r\n'
)

# Rows of 100 bytes and more: the first \r\n comes past 1 MiB.
LF_ROWS = 12_000
late_lines = [b'i,name,pad']
late_lines += [f'{i},row{i},{"p" * 80}'.encode() for i in range(LF_ROWS)]
lf_part = b'\n'.join(late_lines) + b'\n'
assert len(lf_part) > 1024 * 1024, len(lf_part)
crlf_rows = [f'{i},row{i},{"q" * 40}'.encode() for i in range(LF_ROWS, LF_ROWS + 300)]
crlf_rows[10] = f'{LF_ROWS + 10},"row\r\n{LF_ROWS + 10}",quoted'.encode()
late = lf_part + b'\r\n'.join(crlf_rows) + b'\r\n'

os.makedirs(OUT, exist_ok=True)
files = {'mixed.csv': mixed, 'quoted.csv': quoted}
for name, data in files.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
with open(os.path.join(OUT, 'quoted.csv.gz'), 'wb') as f:
    f.write(gzip.compress(quoted, mtime=0))
with open(os.path.join(OUT, 'late.csv.gz'), 'wb') as f:
    f.write(gzip.compress(late, mtime=0))

expected = {name: read(data) for name, data in files.items()}
expected['quoted.csv.gz'] = read(gzip.compress(quoted, mtime=0), compression='gzip')
late_read = read(gzip.compress(late, mtime=0), compression='gzip')
late_rows = late_read['rows']
expected['late.csv'] = {
    'columns': late_read['columns'],
    'count': len(late_rows),
    'first': late_rows[:3],
    'aroundFirstCrlf': {'from': LF_ROWS - 2, 'rows': late_rows[LF_ROWS - 2:LF_ROWS + 12]},
    'sha256': hashlib.sha256(json.dumps(late_rows, separators=(',', ':')).encode()).hexdigest(),
}

with open(os.path.join(HERE, 'expected-mixed-eol.json'), 'w') as f:
    json.dump(expected, f, indent=1)
    f.write('\n')
