import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENV_VARS, readEnv } from './env.js';

describe('environment variables', () => {
  it('reads only declared KEEL_* variables, ignoring empty ones', () => {
    expect(readEnv({ KEEL_HOME: '/x', KEEL_PORT: '', KEEL_UNKNOWN: 'y', HOME: '/root' })).toEqual({ home: '/x' });
  });

  it('docs/configuration.md documents every variable with its doc line', () => {
    const doc = readFileSync(new URL('../../docs/configuration.md', import.meta.url), 'utf8');
    for (const v of Object.values(ENV_VARS)) {
      expect(doc, `add "| \`${v.name}\` | ${v.doc} |" to docs/configuration.md`).toContain(`| \`${v.name}\` | ${v.doc} |`);
    }
  });
});
