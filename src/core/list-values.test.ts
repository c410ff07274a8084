import { describe, expect, it } from 'vitest';
import { listItem, splitList } from './list-values.js';

describe('splitList', () => {
  it('reads a list repeated, comma-separated, or both, trimmed, without empty items', () => {
    expect(splitList('a,b')).toEqual(['a', 'b']);
    expect(splitList(['a', 'b'])).toEqual(['a', 'b']);
    expect(splitList(['a, b', ' c ', '', ','])).toEqual(['a', 'b', 'c']);
  });

  it('reads \\, as a comma in an item and \\\\ as a backslash; any other backslash stays', () => {
    expect(splitList('c\\,d,e')).toEqual(['c,d', 'e']);
    expect(splitList('a\\\\,b')).toEqual(['a\\', 'b']);
    expect(splitList('a\\b')).toEqual(['a\\b']);
  });

  it('reads back whole the items listItem escapes, repeated or joined by commas', () => {
    const items = ['c,d', 'a\\', 'x\\,y', 'b\\\\', 'plain'];
    expect(splitList(items.map(listItem))).toEqual(items);
    expect(splitList(items.map(listItem).join(','))).toEqual(items);
  });
});
