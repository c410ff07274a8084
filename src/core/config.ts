import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeelError } from './errors.js';
import { readEnv } from './env.js';

export interface KeelConfig {
  /** Absolute path of the embedded store. */
  readonly home: string;
  /** `sqlite:/abs/path.db` or `postgres://...`. */
  readonly databaseUrl: string;
  readonly artifactsDir: string;
  readonly redisUrl: string | undefined;
  readonly logLevel: string;
  readonly server: { readonly host: string; readonly port: number };
  /** When set, the CLI talks to this server instead of the local store. */
  readonly remoteUrl: string | undefined;
  readonly token: string | undefined;
}

export interface ConfigSources {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Values from flags; they win over the env and the config file. */
  readonly overrides?: Partial<Record<'home' | 'databaseUrl' | 'redisUrl' | 'logLevel' | 'remoteUrl' | 'host' | 'port' | 'token', string>>;
}

/** Optional `keel.config.json` in the working directory: same keys as the overrides. */
const CONFIG_FILE = 'keel.config.json';
const FILE_KEYS = new Set(['home', 'databaseUrl', 'redisUrl', 'logLevel', 'remoteUrl', 'host', 'port', 'token']);

/** Validates every source once, reports all problems together, and freezes the result. */
export function loadConfig(sources: ConfigSources = {}): KeelConfig {
  const cwd = sources.cwd ?? process.cwd();
  const env = readEnv(sources.env);
  const file = readConfigFile(cwd);
  const o = sources.overrides ?? {};
  const pick = (k: keyof typeof o, envValue: string | undefined): string | undefined => o[k] ?? envValue ?? file[k];

  const problems: string[] = [];
  const home = resolve(cwd, pick('home', env.home) ?? '.keel');
  const databaseUrl = normalizeDatabaseUrl(pick('databaseUrl', env.databaseUrl) ?? `sqlite:${join(home, 'keel.db')}`, cwd, problems);
  const redisUrl = pick('redisUrl', env.redisUrl);
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push(`KEEL_REDIS_URL: expected redis://..., got '${redisUrl}'`);
  const portText = pick('port', env.port) ?? '7070';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`KEEL_PORT: expected a port number, got '${portText}'`);
  const logLevel = pick('logLevel', env.logLevel) ?? 'warn';
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(logLevel)) problems.push(`KEEL_LOG_LEVEL: unknown level '${logLevel}'`);
  const remoteUrl = pick('remoteUrl', env.serverUrl);
  if (remoteUrl !== undefined && !/^https?:\/\//.test(remoteUrl)) problems.push(`--server: expected http(s)://..., got '${remoteUrl}'`);
  if (problems.length > 0) {
    throw new KeelError('INVALID_ARGUMENT', `invalid configuration:\n  ${problems.join('\n  ')}`, { details: { problems } });
  }
  return Object.freeze({
    home,
    databaseUrl,
    artifactsDir: resolve(cwd, env.artifactsDir ?? join(home, 'artifacts')),
    redisUrl,
    logLevel,
    server: Object.freeze({ host: pick('host', env.host) ?? '127.0.0.1', port }),
    remoteUrl: remoteUrl?.replace(/\/+$/, ''),
    token: pick('token', env.token),
  });
}

function readConfigFile(cwd: string): Record<string, string> {
  const path = join(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: not valid JSON`, { field: CONFIG_FILE, cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null) throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: expected an object`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!FILE_KEYS.has(k)) throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: unknown key '${k}' (known: ${[...FILE_KEYS].join(', ')})`, { field: k });
    out[k] = String(v);
  }
  return out;
}

function normalizeDatabaseUrl(url: string, cwd: string, problems: string[]): string {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return url;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return path === ':memory:' ? 'sqlite::memory:' : `sqlite:${resolve(cwd, path)}`;
  }
  problems.push(`KEEL_DATABASE_URL: expected sqlite:PATH or postgres://..., got '${url}'`);
  return url;
}
