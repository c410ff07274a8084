import { describe, expect, it } from 'vitest';
import { adviceError, commandLineAdvice, queryMessage, type AdviceOption } from './advice-error.js';

describe('advice said both ways', () => {
  it("the HTTP API's advice, said back as flags, is the CLI's", () => {
    const cases: [AdviceOption, string | undefined][] = [['format', undefined], ['encoding', 'latin-1'], ['skip', 'N'], ['delimiter', ';'], ['decimal', ','], ['encoding', 'utf-16'], ['na', 'a,b'], ['fillShortRows', undefined]];
    for (const [option, value] of cases) {
      const e = adviceError('file', (say) => `line 3 is off (lines above the header: ${say(option, value)}), or pass ${say(option, value)} now`);
      expect(queryMessage(e)).not.toBe(e.message);
      expect(commandLineAdvice(queryMessage(e))).toBe(e.message);
    }
    const fill = adviceError('file', (say) => `a short row: ${say('fillShortRows')}`);
    expect([fill.message, queryMessage(fill)]).toEqual(['file: a short row: --fill-short-rows', 'file: a short row: ?fillShortRows=true']);
    // A message without advice is left as it is.
    expect(commandLineAdvice('line 3 of a.csv opens a quote that is never closed')).toBe('line 3 of a.csv opens a quote that is never closed');
  });
});
