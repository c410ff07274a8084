import { KeelError } from '../../core/index.js';
import type { Comparator, Comparison, EntityType, FilterAst, OrderByClause } from './filter-ast.js';

/** Which attributes and whether each is numeric: runs and experiments differ. */
export interface AttributeSchema {
  readonly strings: readonly string[];
  readonly numbers: readonly string[];
  readonly aliases?: Readonly<Record<string, string>>;
  /** Entity types allowed besides attributes (experiments allow only tags). */
  readonly entities: readonly EntityType[];
}

const ENTITY_ALIASES: Readonly<Record<string, EntityType>> = {
  metric: 'metric', metrics: 'metric',
  param: 'param', params: 'param', parameter: 'param', parameters: 'param',
  tag: 'tag', tags: 'tag',
  attribute: 'attribute', attributes: 'attribute', attr: 'attribute', run: 'attribute',
};

const NUMERIC_COMPARATORS: readonly Comparator[] = ['=', '!=', '<', '<=', '>', '>='];
const STRING_COMPARATORS: readonly Comparator[] = ['=', '!=', 'LIKE', 'ILIKE', 'IN', 'NOT IN'];
const KEY_VALUE_COMPARATORS: readonly Comparator[] = [...STRING_COMPARATORS, 'IS NULL', 'IS NOT NULL'];

const invalid = (field: string, text: string, problem: string): KeelError =>
  new KeelError('INVALID_ARGUMENT', `Invalid ${field} '${text}': ${problem}`, { field });

/** A cursor over the filter text; every method skips leading whitespace. */
class Scanner {
  pos = 0;
  constructor(readonly text: string, readonly field: string) {}

  fail(problem: string): KeelError {
    return invalid(this.field, this.text, `${problem} (at character ${this.pos})`);
  }
  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos]!)) this.pos++;
  }
  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }
  peekWord(): string {
    this.skipSpace();
    return /^[A-Za-z]+/.exec(this.text.slice(this.pos))?.[0]?.toUpperCase() ?? '';
  }
  eatWord(word: string): boolean {
    this.skipSpace();
    const m = new RegExp(`^${word}(?![\\w])`, 'i').exec(this.text.slice(this.pos));
    if (!m) return false;
    this.pos += m[0].length;
    return true;
  }
  eat(symbol: string): boolean {
    this.skipSpace();
    if (!this.text.startsWith(symbol, this.pos)) return false;
    this.pos += symbol.length;
    return true;
  }
  /** '...', "..." or `...` (no escapes, as in MLflow). */
  quoted(quotes: string): string | undefined {
    this.skipSpace();
    const q = this.text[this.pos];
    if (q === undefined || !quotes.includes(q)) return undefined;
    const end = this.text.indexOf(q, this.pos + 1);
    if (end < 0) throw this.fail(`unterminated ${q} quote`);
    const s = this.text.slice(this.pos + 1, end);
    this.pos = end + 1;
    return s;
  }
  match(re: RegExp): string | undefined {
    this.skipSpace();
    const m = re.exec(this.text.slice(this.pos));
    if (!m) return undefined;
    this.pos += m[0].length;
    return m[0];
  }
}

/** `entity.key`, `entity.\`quoted key\``, `entity."quoted key"`, or a bare attribute name. */
function parseIdentifier(s: Scanner, schema: AttributeSchema): { type: EntityType; key: string } {
  const quotedWhole = s.quoted('`"');
  let entity: string | undefined;
  let key: string | undefined;
  if (quotedWhole !== undefined) {
    key = quotedWhole;
  } else {
    const head = s.match(/^[A-Za-z_][\w]*/);
    if (head === undefined) throw s.fail('expected an identifier such as metrics.rmse, params.model, tags.team or attributes.status');
    if (s.text[s.pos] === '.') {
      s.pos++;
      entity = head;
      key = s.quoted('`"') ?? s.match(/^[\w.\-:/]+/);
      if (key === undefined) throw s.fail(`expected a key after '${head}.'`);
    } else {
      key = head;
    }
  }
  if (entity === undefined) return { type: 'attribute', key: attributeKey(s, schema, key) };
  const type = ENTITY_ALIASES[entity.toLowerCase()];
  if (type === undefined || (type !== 'attribute' && !schema.entities.includes(type))) {
    const known = [...schema.entities.map((e) => `${e}s`), 'attributes'].join(', ');
    throw s.fail(`invalid entity type '${entity}' (known: ${known})`);
  }
  return { type, key: type === 'attribute' ? attributeKey(s, schema, key) : key };
}

function attributeKey(s: Scanner, schema: AttributeSchema, key: string): string {
  const k = schema.aliases?.[key] ?? key;
  if (!schema.strings.includes(k) && !schema.numbers.includes(k)) {
    throw s.fail(`invalid attribute key '${key}' (known: ${[...schema.strings, ...schema.numbers].join(', ')})`);
  }
  return k;
}

function parseComparator(s: Scanner): Comparator {
  for (const op of ['<=', '>=', '!=', '<>', '=', '<', '>'] as const) if (s.eat(op)) return op === '<>' ? '!=' : op;
  if (s.eatWord('LIKE')) return 'LIKE';
  if (s.eatWord('ILIKE')) return 'ILIKE';
  if (s.eatWord('IN')) return 'IN';
  if (s.eatWord('NOT')) {
    if (s.eatWord('IN')) return 'NOT IN';
    throw s.fail("expected IN after NOT");
  }
  if (s.eatWord('IS')) {
    const not = s.eatWord('NOT');
    if (!s.eatWord('NULL')) throw s.fail('expected NULL after IS');
    return not ? 'IS NOT NULL' : 'IS NULL';
  }
  throw s.fail('expected a comparator (=, !=, <, <=, >, >=, LIKE, ILIKE, IN, NOT IN, IS NULL, IS NOT NULL)');
}

function parseString(s: Scanner, what: string): string {
  const v = s.quoted(`'"`);
  if (v === undefined) throw s.fail(`the value of ${what} must be a string in single or double quotes`);
  return v;
}

function parseComparison(s: Scanner, schema: AttributeSchema): Comparison {
  const { type, key } = parseIdentifier(s, schema);
  const what = `${type === 'attribute' ? 'attributes' : `${type}s`}.${key}`;
  const comparator = parseComparator(s);
  const numeric = type === 'metric' || (type === 'attribute' && schema.numbers.includes(key));
  const allowed = numeric ? NUMERIC_COMPARATORS : type === 'attribute' ? STRING_COMPARATORS : KEY_VALUE_COMPARATORS;
  if (!allowed.includes(comparator)) throw s.fail(`comparator '${comparator}' is not allowed for ${what} (allowed: ${allowed.join(', ')})`);
  if (comparator === 'IS NULL' || comparator === 'IS NOT NULL') return { type, key, comparator, value: null };
  if (comparator === 'IN' || comparator === 'NOT IN') {
    if (!s.eat('(')) throw s.fail(`expected '(' after ${comparator}`);
    const values: string[] = [parseString(s, what)];
    while (s.eat(',')) values.push(parseString(s, what));
    if (!s.eat(')')) throw s.fail(`expected ')' to close the ${comparator} list`);
    return { type, key, comparator, value: values };
  }
  if (numeric) {
    const text = s.match(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?/) ?? s.quoted(`'"`);
    const value = text === undefined ? Number.NaN : Number(text);
    if (text === undefined || text.trim() === '' || Number.isNaN(value)) throw s.fail(`expected a number as the value of ${what}`);
    return { type, key, comparator, value };
  }
  return { type, key, comparator, value: parseString(s, what) };
}

/** Parses MLflow's filter language into an AST; a malformed filter throws INVALID_ARGUMENT naming the problem. */
export function parseFilter(text: string | undefined, schema: AttributeSchema, field = 'filter'): FilterAst {
  if (text === undefined || text.trim() === '') return [];
  const s = new Scanner(text, field);
  const out: Comparison[] = [parseComparison(s, schema)];
  while (!s.atEnd()) {
    if (s.peekWord() === 'OR') throw s.fail("'OR' is not supported: MLflow's filter language joins clauses with AND only");
    if (!s.eatWord('AND')) throw s.fail('expected AND between clauses');
    out.push(parseComparison(s, schema));
  }
  return out;
}

/** `metrics.rmse DESC`, `attributes.start_time`, `params.model ASC`, `tags.\`a b\``. */
export function parseOrderBy(text: string, schema: AttributeSchema, field = 'order_by'): OrderByClause {
  const s = new Scanner(text, field);
  const { type, key } = parseIdentifier(s, schema);
  let ascending = true;
  if (s.eatWord('DESC')) ascending = false;
  else s.eatWord('ASC');
  if (!s.atEnd()) throw s.fail('expected ASC or DESC at the end');
  return { type, key, ascending };
}
