/**
 * The Thrift compact protocol, write side only, as much as a Parquet footer and page headers need
 * (parquet.thrift: FileMetaData, PageHeader, ColumnMetaData, Statistics, SchemaElement): structs,
 * i32/i64, bools, binary and lists. i64 values are JS numbers (exact within ±2^53), never BigInt:
 * offsets, sizes and counts are far below that, and a BigInt per value costs ~100 ns.
 */

/** The compact protocol's type codes (field headers and list headers). */
export const ThriftType = { TRUE: 1, FALSE: 2, BYTE: 3, I16: 4, I32: 5, I64: 6, DOUBLE: 7, BINARY: 8, LIST: 9, STRUCT: 12 } as const;

const utf8 = new TextEncoder();

/**
 * Writes one struct (the top-level one, begun on construction) into a growing buffer; `bytes()`
 * ends it and returns the encoding. A nested struct is written by a callback between its field
 * header and its stop byte, so field ids are tracked per nesting level as the protocol's deltas need.
 */
export class ThriftWriter {
  private buf = new Uint8Array(256);
  private pos = 0;
  private lastId = 0;
  private readonly outerIds: number[] = [];

  i32(id: number, value: number): this {
    this.fieldHeader(id, ThriftType.I32);
    this.varint(zigzag(value));
    return this;
  }

  i64(id: number, value: number): this {
    this.fieldHeader(id, ThriftType.I64);
    this.varint(zigzag(value));
    return this;
  }

  bool(id: number, value: boolean): this {
    // A bool field's value is its header's type code: no byte of its own.
    this.fieldHeader(id, value ? ThriftType.TRUE : ThriftType.FALSE);
    return this;
  }

  binary(id: number, value: Uint8Array): this {
    this.fieldHeader(id, ThriftType.BINARY);
    this.rawBinary(value);
    return this;
  }

  string(id: number, value: string): this {
    return this.binary(id, utf8.encode(value));
  }

  struct(id: number, body: (w: this) => void): this {
    this.fieldHeader(id, ThriftType.STRUCT);
    this.nested(body);
    return this;
  }

  structList<T>(id: number, items: readonly T[], body: (w: this, item: T) => void): this {
    this.listHeader(id, ThriftType.STRUCT, items.length);
    for (const item of items) this.nested((w) => body(w, item));
    return this;
  }

  i32List(id: number, values: readonly number[]): this {
    this.listHeader(id, ThriftType.I32, values.length);
    for (const v of values) this.varint(zigzag(v));
    return this;
  }

  stringList(id: number, values: readonly string[]): this {
    this.listHeader(id, ThriftType.BINARY, values.length);
    for (const v of values) this.rawBinary(utf8.encode(v));
    return this;
  }

  /** Ends the top-level struct (its stop byte) and returns its bytes. */
  bytes(): Uint8Array {
    if (this.outerIds.length !== 0) throw new Error('ThriftWriter.bytes inside a nested struct');
    this.byte(0);
    return this.buf.subarray(0, this.pos);
  }

  private nested(body: (w: this) => void): void {
    this.outerIds.push(this.lastId);
    this.lastId = 0;
    body(this);
    this.byte(0);
    this.lastId = this.outerIds.pop()!;
  }

  private fieldHeader(id: number, type: number): void {
    const delta = id - this.lastId;
    if (delta > 0 && delta <= 15) this.byte((delta << 4) | type);
    else {
      this.byte(type);
      this.varint(zigzag(id));
    }
    this.lastId = id;
  }

  private listHeader(id: number, elementType: number, size: number): void {
    this.fieldHeader(id, ThriftType.LIST);
    if (size < 15) this.byte((size << 4) | elementType);
    else {
      this.byte(0xf0 | elementType);
      this.varint(size);
    }
  }

  private rawBinary(value: Uint8Array): void {
    this.varint(value.length);
    this.ensure(value.length);
    this.buf.set(value, this.pos);
    this.pos += value.length;
  }

  private byte(b: number): void {
    this.ensure(1);
    this.buf[this.pos++] = b;
  }

  /** An unsigned varint of a whole number below 2^53 (arithmetic, not bit operations, above 2^31). */
  private varint(n: number): void {
    this.ensure(8);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const grown = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
    grown.set(this.buf.subarray(0, this.pos));
    this.buf = grown;
  }
}

/** Zigzag of a whole number within ±2^52 (so that 2|n| + 1 is exact): 0, -1, 1, -2 ... → 0, 1, 2, 3 ... */
function zigzag(n: number): number {
  if (!Number.isInteger(n) || Math.abs(n) >= 2 ** 52) throw new Error(`Thrift integer out of range: ${n}`);
  return n >= 0 ? n * 2 : -n * 2 - 1;
}
