import { describe, expect, it } from 'vitest';
import { KeelError } from '../../core/index.js';
import { RUN_FILTER_SCHEMA } from './compile-run-filter.js';
import { parseFilter, parseOrderBy } from './parse-filter.js';

const parse = (f: string) => parseFilter(f, RUN_FILTER_SCHEMA);

describe('parseFilter', () => {
  it('parses the issue example into an AST', () => {
    expect(parse(`metrics.rmse < 0.8 and params.model = 'mlp' and tags.team LIKE 'fr%' and attributes.status = 'FINISHED'`)).toEqual([
      { type: 'metric', key: 'rmse', comparator: '<', value: 0.8 },
      { type: 'param', key: 'model', comparator: '=', value: 'mlp' },
      { type: 'tag', key: 'team', comparator: 'LIKE', value: 'fr%' },
      { type: 'attribute', key: 'status', comparator: '=', value: 'FINISHED' },
    ]);
  });

  it('reads quoted keys, dotted keys, IN lists, ILIKE, != and aliases', () => {
    expect(parse('metrics.`val loss` >= -1e-3 AND params."learning rate" != "0.1"')).toEqual([
      { type: 'metric', key: 'val loss', comparator: '>=', value: -0.001 },
      { type: 'param', key: 'learning rate', comparator: '!=', value: '0.1' },
    ]);
    expect(parse(`tags.mlflow.source.git.commit IN ('abc', 'def') and run_name ILIKE '%X%' and created > 5`)).toEqual([
      { type: 'tag', key: 'mlflow.source.git.commit', comparator: 'IN', value: ['abc', 'def'] },
      { type: 'attribute', key: 'run_name', comparator: 'ILIKE', value: '%X%' },
      { type: 'attribute', key: 'start_time', comparator: '>', value: 5 },
    ]);
    expect(parse('tags.t IS NOT NULL and params.p is null')).toEqual([
      { type: 'tag', key: 't', comparator: 'IS NOT NULL', value: null },
      { type: 'param', key: 'p', comparator: 'IS NULL', value: null },
    ]);
  });

  it.each([
    [`metrics.rmse < 'abc'`, 'expected a number'],
    [`params.model = mlp`, 'single or double quotes'],
    [`metrics.a < 1 or metrics.b < 2`, "'OR' is not supported"],
    [`foo.bar = 'x'`, "invalid entity type 'foo'"],
    [`attributes.colour = 'red'`, "invalid attribute key 'colour'"],
    [`metrics.rmse LIKE 'a'`, "comparator 'LIKE' is not allowed"],
    [`params.model = 'mlp' metrics.x < 1`, 'expected AND'],
    [`params.model = 'unterminated`, 'unterminated'],
    [`params.p IN ('a', 'b'`, "expected ')'"],
  ])('rejects %s naming the problem', (filter, problem) => {
    try {
      parse(filter);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KeelError);
      expect((e as KeelError).code).toBe('INVALID_ARGUMENT');
      expect((e as KeelError).field).toBe('filter');
      expect((e as KeelError).message).toContain(problem);
    }
  });

  it('parses order_by clauses', () => {
    expect(parseOrderBy('metrics.rmse DESC', RUN_FILTER_SCHEMA)).toEqual({ type: 'metric', key: 'rmse', ascending: false });
    expect(parseOrderBy('attributes.start_time', RUN_FILTER_SCHEMA)).toEqual({ type: 'attribute', key: 'start_time', ascending: true });
    expect(parseOrderBy('params.`a b` asc', RUN_FILTER_SCHEMA)).toEqual({ type: 'param', key: 'a b', ascending: true });
    expect(() => parseOrderBy('metrics.rmse sideways', RUN_FILTER_SCHEMA)).toThrow(/ASC or DESC/);
  });
});
