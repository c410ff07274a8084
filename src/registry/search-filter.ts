import { invalidArgument } from '../core/index.js';

/**
 * MLflow's registry search filters: clauses joined by AND, each `key op value`, e.g.
 * `name LIKE 'fraud%' AND tags.team = 'risk'` or `run_id IN ('a', 'b')`. Parsed here, run as
 * SQL by the store.
 */
export type FilterOp = '=' | '!=' | '<' | '<=' | '>' | '>=' | 'LIKE' | 'ILIKE' | 'IN' | 'NOT IN';

export interface FilterClause {
  /** An attribute (`name`, `run_id`, ...) or, when `tag` is set, a tag value. */
  readonly key: string;
  readonly tag?: string;
  readonly op: FilterOp;
  readonly value: string | number | readonly string[];
}

type Token = { kind: 'word' | 'string' | 'number' | 'op' | 'lparen' | 'rparen' | 'comma'; text: string };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const c = input[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      let j = i + 1;
      let text = '';
      for (;;) {
        if (j >= input.length) throw invalidArgument('filter', `unterminated string starting at position ${i}`);
        const d = input[j]!;
        if (d === '\\' && j + 1 < input.length) {
          text += input[j + 1];
          j += 2;
        } else if (d === c && input[j + 1] === c) {
          text += c;
          j += 2;
        } else if (d === c) {
          break;
        } else {
          text += d;
          j++;
        }
      }
      tokens.push({ kind: 'string', text });
      i = j + 1;
    } else if (/[0-9-]/.test(c) && /^-?\d/.test(input.slice(i, i + 2))) {
      const m = /^-?\d+(\.\d+)?/.exec(input.slice(i))!;
      tokens.push({ kind: 'number', text: m[0] });
      i += m[0].length;
    } else if (/[!<>=]/.test(c)) {
      const m = /^(!=|<=|>=|=|<|>)/.exec(input.slice(i));
      if (!m) throw invalidArgument('filter', `unexpected '${c}' at position ${i}`);
      tokens.push({ kind: 'op', text: m[0] });
      i += m[0].length;
    } else if (c === '(' || c === ')' || c === ',') {
      tokens.push({ kind: c === '(' ? 'lparen' : c === ')' ? 'rparen' : 'comma', text: c });
      i++;
    } else {
      // Identifiers: `name`, `tags.key`, `tags.\`key with spaces\``, `attributes.name`.
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(\.(`[^`]+`|"[^"]+"|[A-Za-z0-9_.-]+))?/.exec(input.slice(i));
      if (!m) throw invalidArgument('filter', `unexpected '${c}' at position ${i}`);
      tokens.push({ kind: 'word', text: m[0] });
      i += m[0].length;
    }
  }
  return tokens;
}

/** Parses a filter, accepting only `allowedKeys` (plus `tags.<key>`). Empty or blank means no filter. */
export function parseSearchFilter(filter: string | undefined, allowedKeys: readonly string[]): FilterClause[] {
  if (filter === undefined || filter.trim() === '') return [];
  const tokens = tokenize(filter);
  const clauses: FilterClause[] = [];
  let i = 0;
  const next = (): Token | undefined => tokens[i++];
  for (;;) {
    const ident = next();
    if (!ident || ident.kind !== 'word') throw invalidArgument('filter', `expected an attribute name in '${filter}'`);
    const { key, tag } = parseKey(ident.text, allowedKeys);
    let opTok = next();
    if (!opTok) throw invalidArgument('filter', `expected an operator after '${ident.text}'`);
    let op: FilterOp;
    if (opTok.kind === 'op') op = opTok.text as FilterOp;
    else if (opTok.kind === 'word' && ['LIKE', 'ILIKE', 'IN'].includes(opTok.text.toUpperCase())) op = opTok.text.toUpperCase() as FilterOp;
    else if (opTok.kind === 'word' && opTok.text.toUpperCase() === 'NOT' && tokens[i]?.text.toUpperCase() === 'IN') {
      opTok = next()!;
      op = 'NOT IN';
    } else throw invalidArgument('filter', `unknown operator '${opTok.text}' after '${ident.text}'`);
    let value: FilterClause['value'];
    if (op === 'IN' || op === 'NOT IN') {
      if (next()?.kind !== 'lparen') throw invalidArgument('filter', `expected '(' after ${op}`);
      const list: string[] = [];
      for (;;) {
        const v = next();
        if (!v || (v.kind !== 'string' && v.kind !== 'number')) throw invalidArgument('filter', `expected a quoted value in the ${op} list`);
        list.push(v.text);
        const sep = next();
        if (sep?.kind === 'rparen') break;
        if (sep?.kind !== 'comma') throw invalidArgument('filter', `expected ',' or ')' in the ${op} list`);
      }
      value = list;
    } else {
      const v = next();
      if (!v || (v.kind !== 'string' && v.kind !== 'number')) throw invalidArgument('filter', `expected a quoted value after '${ident.text} ${op}'`);
      value = v.kind === 'number' ? Number(v.text) : v.text;
    }
    clauses.push(tag === undefined ? { key, op, value } : { key, tag, op, value });
    const more = next();
    if (!more) break;
    if (more.kind !== 'word' || more.text.toUpperCase() !== 'AND') throw invalidArgument('filter', `expected AND between conditions, got '${more.text}' (OR is not supported)`);
  }
  return clauses;
}

function parseKey(text: string, allowedKeys: readonly string[]): { key: string; tag?: string } {
  const dot = text.indexOf('.');
  if (dot > 0) {
    const prefix = text.slice(0, dot).toLowerCase();
    const rest = unquote(text.slice(dot + 1));
    if (prefix === 'tags' || prefix === 'tag') return { key: 'tags', tag: rest };
    if (prefix === 'attributes' || prefix === 'attribute' || prefix === 'attr') return parseKey(rest, allowedKeys);
    throw invalidArgument('filter', `unknown entity '${prefix}' (known: tags, attributes)`);
  }
  if (!allowedKeys.includes(text)) throw invalidArgument('filter', `invalid attribute key '${text}' (known: ${allowedKeys.join(', ')}, tags.<key>)`);
  return { key: text };
}

const unquote = (s: string): string => (/^(`.*`|".*")$/.test(s) ? s.slice(1, -1) : s);
