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

  it('names where each bad value came from: the flag, the variable or the config file key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-cfg-'));
    writeFileSync(join(dir, 'keel.config.json'), JSON.stringify({ port: 'abc', redisUrl: 'localhost' }));
    const problemsOf = (sources: Parameters<typeof loadConfig>[0]) => {
      try {
        loadConfig(sources);
      } catch (e) {
        return (e as KeelError).details!.problems;
      }
      return [];
    };
    expect(problemsOf({ cwd: dir, env: { KEEL_SERVER: 'localhost:7070' }, overrides: { logLevel: 'loud' } })).toEqual([
      "keel.config.json redisUrl: expected redis://..., got 'localhost'",
      "keel.config.json port: expected a port number, got 'abc'",
      "--log-level: unknown level 'loud' (known: trace, debug, info, warn, error, fatal, silent)",
      "KEEL_SERVER: expected http(s)://..., got 'localhost:7070'",
    ]);
    expect(problemsOf({ cwd: '/tmp', env: { KEEL_PORT: '70000' }, overrides: { remoteUrl: 'ftp://x' } })).toEqual([
      'KEEL_PORT: expected a port number from 0 to 65535, got 70000',
      "--server: expected http(s)://..., got 'ftp://x'",
    ]);
    // http:// with no host passed the check, and every command then failed with a TypeError stack.
    expect(problemsOf({ cwd: '/tmp', env: { KEEL_SERVER: 'http://' } })).toEqual(["KEEL_SERVER: 'http://' is not a URL"]);
  });

  it('refuses a config file that is not an object, or a value that is neither a string nor a number', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-cfg-'));
    writeFileSync(join(dir, 'keel.config.json'), '["home"]');
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow('keel.config.json: expected an object');
    writeFileSync(join(dir, 'keel.config.json'), JSON.stringify({ home: null }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow("keel.config.json: 'home' must be a string, got null");
    writeFileSync(join(dir, 'keel.config.json'), JSON.stringify({ port: 7171 }));
    expect(loadConfig({ cwd: dir, env: {} }).server.port).toBe(7171);
  });

  it('rejects unknown keys in the config file, naming them', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-cfg-'));
    writeFileSync(join(dir, 'keel.config.json'), JSON.stringify({ hom: 'x' }));
    expect(() => loadConfig({ cwd: dir, env: {} })).toThrow(/unknown key 'hom'/);
  });
});
