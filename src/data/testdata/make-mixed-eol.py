"""Writes the CSV files of csv-line-endings.test.ts, whose lines end some in \\r\\n and some in \\n
alone, into mixed-eol/, and what pandas.read_csv (1.5.3) reads from each (expected-mixed-eol.json):
  /usr/bin/python3 src/data/testdata/make-mixed-eol.py

  mixed.csv      lines ending both ways from line 2 on; an int, a float and a text column
  quoted.csv     both kinds, with quoted values holding \\r\\n, \\n and "" (data: kept as they are)
  quoted.csv.gz  quoted.csv gzipped (mtime 0, so the same bytes each run)
  late.csv.gz    \\n alone for more than 1 MiB, then \\r\\n (a quoted \\r\\n among them); gzipped to
                 keep the repository small: the test adds it gzipped and as its plain bytes

  lone-cr.csv    \r\n, \n and a lone \r (old Mac) as line ends; a quoted \r and a quoted \r\n (data),
                 \r\r\n (a line end, then an empty line), empty lines of \r, a \r as the last byte
  lone-cr.csv.gz lone-cr.csv gzipped
  one-column.csv the same kinds in a file of one column, whose blank lines pandas skips too
  last-cr.csv    \n alone, but for a \r as the last byte (DuckDB refused it)
  boundary.csv.gz  \n alone, but for a lone \r as byte 65,535 (the last of the first 64 KiB, the
                 bytes Node reads at a time), a \r\n across bytes 131,071-131,072, and \r then
                 \r\n across bytes 196,607-196,609; gzipped (the test adds it so and as its plain bytes)
  parts/         the parts of a folder: p1.csv (\n), p2.csv (\r\n, \r and \n; a quoted \r),
                 p3.csv.gz (\n and \r\n, gzipped), p4.csv (\r\n); pandas reads each and
                 concatenates them in that order

A small file's expected rows are all listed; late.csv's are its row count, its first rows, those
around the first \\r\\n (boundary.csv's: those around each of its line ends named), and the sha256 of all its rows as compact JSON (ints and ASCII text only,
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

lone_cr = (
    b'id,note,x\r\n'
    b'1,"carriage\rreturn",0.5\r'
    b'2,plain,1.5\n'
    b'\r'
    b'3,"crlf\r\ninside",2.5\r\r\n'
    b'4,"ends in cr\r",-1.0\r\n'
    b'\r\r'
    b'5,last,8.0\r'
)
one_column = b'a\r\r\n1\r\r3\n\n\r\n5\r'
last_cr = b'id,s\n1,x\n2,y\r'


def boundary_file():
    """Rows ending in \\n, but for the line ends named in ENDS, each starting at its byte."""
    ends = [(65_535, b'\r'), (131_071, b'\r\n'), (196_607, b'\r\r\n')]
    data = bytearray(b'i,pad\n')
    i = 0
    for at, end in ends + [(250_000, b'\n')]:
        while len(data) + 120 < at:
            data += f'{i},{"p" * 50}\n'.encode()
            i += 1
        row = f'{i},'.encode()
        data += row + b'q' * (at - len(data) - len(row)) + end
        i += 1
    return bytes(data), ends


boundary, BOUNDARY_ENDS = boundary_file()
for at, end in BOUNDARY_ENDS:
    assert boundary[at:at + len(end)] == end, (at, end)

parts = {
    'p1.csv': b'id,note,x\n1,a,0.5\n2,b,1.5\n',
    'p2.csv': b'id,note,x\r\n3,c,2.5\r4,"d\re",3.5\n5,f,4.5\r\n',
    'p3.csv.gz': gzip.compress(b'id,note,x\n6,g,5.5\r\n7,h,6.5\n', mtime=0),
    'p4.csv': b'id,note,x\r\n8,i,7.5\r\n',
}

os.makedirs(OUT, exist_ok=True)
files = {'mixed.csv': mixed, 'quoted.csv': quoted, 'lone-cr.csv': lone_cr, 'one-column.csv': one_column, 'last-cr.csv': last_cr}
for name, data in files.items():
    with open(os.path.join(OUT, name), 'wb') as f:
        f.write(data)
with open(os.path.join(OUT, 'quoted.csv.gz'), 'wb') as f:
    f.write(gzip.compress(quoted, mtime=0))
with open(os.path.join(OUT, 'late.csv.gz'), 'wb') as f:
    f.write(gzip.compress(late, mtime=0))
with open(os.path.join(OUT, 'lone-cr.csv.gz'), 'wb') as f:
    f.write(gzip.compress(lone_cr, mtime=0))
with open(os.path.join(OUT, 'boundary.csv.gz'), 'wb') as f:
    f.write(gzip.compress(boundary, mtime=0))
os.makedirs(os.path.join(OUT, 'parts'), exist_ok=True)
for name, data in parts.items():
    with open(os.path.join(OUT, 'parts', name), 'wb') as f:
        f.write(data)

expected = {name: read(data) for name, data in files.items()}
expected['quoted.csv.gz'] = read(gzip.compress(quoted, mtime=0), compression='gzip')
expected['lone-cr.csv.gz'] = read(gzip.compress(lone_cr, mtime=0), compression='gzip')
boundary_read = read(boundary)
boundary_rows = boundary_read['rows']
# The row a line end at byte `at` ends: the line ends before it (the header's counted) less one.
boundary_row = [len(boundary[:at].replace(b'\r\n', b'\n').replace(b'\r', b'\n').split(b'\n')) - 2 for at, _ in BOUNDARY_ENDS]
expected['boundary.csv'] = {
    'columns': boundary_read['columns'],
    'count': len(boundary_rows),
    'ends': [{'at': at, 'end': end.decode(), 'row': row, 'rows': boundary_rows[row - 1:row + 2]} for (at, end), row in zip(BOUNDARY_ENDS, boundary_row)],
    'sha256': hashlib.sha256(json.dumps(boundary_rows, separators=(',', ':')).encode()).hexdigest(),
}
frames = [pd.read_csv(io.BytesIO(data), compression='gzip' if name.endswith('.gz') else None) for name, data in parts.items()]
joined = pd.concat(frames, ignore_index=True)
expected['parts'] = {'columns': [f'{c}:{KEEL_TYPES[str(t)]}' for c, t in joined.dtypes.items()], 'rows': rows_of(joined)}
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
