/**
 * A list given as text, in a query parameter or a flag: the parameter repeated, items separated by
 * commas within one value, or both (`columns=a,b&columns=c`). An item that holds a comma (a column
 * name may: `"a,b"` in a CSV header, a JSON key) writes it `\,`, and a backslash before a comma or
 * another backslash `\\`; any other backslash stands for itself (`a\b`). Items are trimmed (column
 * names are: docs/datasets.md), and empty ones left out.
 */
export function splitList(values: string | readonly string[]): string[] {
  const items: string[] = [];
  for (const value of typeof values === 'string' ? [values] : values) {
    let item = '';
    for (let i = 0; i < value.length; i++) {
      const c = value[i]!;
      const next = value[i + 1];
      if (c === '\\' && (next === ',' || next === '\\')) {
        item += next;
        i++;
      } else if (c === ',') {
        items.push(item);
        item = '';
      } else {
        item += c;
      }
    }
    items.push(item);
  }
  return items.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** One item as splitList reads it back whole: its commas and backslashes escaped. */
export const listItem = (item: string): string => item.replace(/[\\,]/g, (c) => `\\${c}`);
