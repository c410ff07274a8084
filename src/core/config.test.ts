import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeelError } from './errors.js';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('defaults to an embedded store under ./.keel', () => {
    const c = loadConfig({ cwd: '/tmp/proj', env: {} });
    expect(c.home).toBe('/tmp/proj/.keel');
    expect(c.databaseUrl).toBe('sqlite:/tmp/proj/.keel/keel.db');
    expect(c.artifactsDir).toBe('/tmp/proj/.keel/artifacts');
    expect(c.server.port).toBe(7070);
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('takes env, then the config file, with flags winning', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-cfg-'));
    writeFileSync(join(dir, 'keel.config.json'), JSON.stringify({ home: 'store', port: 9000 }));
    const c = loadConfig({ cwd: dir, env: { KEEL_PORT: '8080' }, overrides: { logLevel: 'debug' } });
    expect(c.home).toBe(join(dir, 'store'));
    expect(c.server.port).toBe(8080);
    expect(c.logLevel).toBe('debug');
  });

  it('reports every problem at once', () => {
    try {
      loadConfig({ cwd: '/tmp', env: { KEEL_PORT: 'x', KEEL_DATABASE_URL: 'mysql://a', KEEL_LOG_LEVEL: 'loud' } });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(KeelError);
      const problems = (e as KeelError).details!.problems as string[];
      expect(problems).toHaveLength(3);
      expect(problems.join()).toMatch(/KEEL_PORT.*KEEL_LOG_LEVEL|KEEL_DATABASE_URL/);
    }
  });

  it('rejects unknown keys in the config file, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-cfg-'));
    writeFileSync(join(dir, 'keel.config.json'), JSON.stringify({ hom: 'x' }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/unknown key 'hom'/);
  });
});
