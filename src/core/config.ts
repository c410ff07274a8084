import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KeelError } from './errors.js';
import { ENV_VARS, LOG_LEVELS, readEnv, type EnvKey } from './env.js';

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
type ConfigKey = keyof NonNullable<ConfigSources['overrides']>;
const FILE_KEYS = new Set<string>(['home', 'databaseUrl', 'redisUrl', 'logLevel', 'remoteUrl', 'host', 'port', 'token'] satisfies ConfigKey[]);
/** The CLI's flag for an override, as a problem names it (an override with no flag goes by its key). */
const FLAGS: Partial<Record<ConfigKey, string>> = { home: '--home', remoteUrl: '--server', logLevel: '--log-level', host: '--host', port: '--port' };
const ENV_KEYS: Record<ConfigKey, EnvKey> = {
  home: 'home', remoteUrl: 'serverUrl', logLevel: 'logLevel', databaseUrl: 'databaseUrl', redisUrl: 'redisUrl', host: 'host', port: 'port', token: 'token',
};

/** A setting's value and where it came from, so that a problem names what the user wrote. */
interface Setting {
  readonly value: string;
  readonly source: string;
}

/** Validates every source once, reports all problems together, and freezes the result. */
export function loadConfig(sources: ConfigSources = {}): KeelConfig {
  const cwd = sources.cwd ?? process.cwd();
  const env = readEnv(sources.env);
  const file = readConfigFile(cwd);
  const o = sources.overrides ?? {};
  const pick = (k: ConfigKey): Setting | undefined => {
    const flag = o[k];
    if (flag !== undefined) return { value: flag, source: FLAGS[k] ?? k };
    const fromEnv = env[ENV_KEYS[k]];
    if (fromEnv !== undefined) return { value: fromEnv, source: ENV_VARS[ENV_KEYS[k]].name };
    return file[k] === undefined ? undefined : { value: file[k], source: `${CONFIG_FILE} ${k}` };
  };

  const problems: string[] = [];
  const home = resolve(cwd, pick('home')?.value ?? '.keel');
  const databaseUrl = normalizeDatabaseUrl(pick('databaseUrl') ?? { value: `sqlite:${join(home, 'keel.db')}`, source: ENV_VARS.databaseUrl.name }, cwd, problems);
  const redis = pick('redisUrl');
  if (redis !== undefined && !/^rediss?:\/\//.test(redis.value)) problems.push(`${redis.source}: expected redis://..., got '${redis.value}'`);
  const portSetting = pick('port');
  const port = Number(portSetting?.value ?? 7070);
  if (portSetting !== undefined && !/^\d+$/.test(portSetting.value.trim())) problems.push(`${portSetting.source}: expected a port number, got '${portSetting.value}'`);
  else if (port > 65535) problems.push(`${portSetting!.source}: expected a port number from 0 to 65535, got ${port}`);
  const level = pick('logLevel');
  const logLevel = level?.value ?? 'warn';
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`${level!.source}: unknown level '${logLevel}' (known: ${LOG_LEVELS.join(', ')})`);
  const remote = pick('remoteUrl');
  const remoteProblem = remote === undefined ? undefined : serverUrlProblem(remote.value);
  if (remoteProblem !== undefined) problems.push(`${remote!.source}: ${remoteProblem}`);
  if (problems.length > 0) {
    throw new KeelError('INVALID_ARGUMENT', `invalid configuration:\n  ${problems.join('\n  ')}`, { details: { problems } });
  }
  return Object.freeze({
    home,
    databaseUrl,
    artifactsDir: resolve(cwd, env.artifactsDir ?? join(home, 'artifacts')),
    redisUrl: redis?.value,
    logLevel,
    server: Object.freeze({ host: pick('host')?.value ?? '127.0.0.1', port }),
    remoteUrl: remote?.value.replace(/\/+$/, ''),
    token: pick('token')?.value,
  });
}

function readConfigFile(cwd: string): Partial<Record<ConfigKey, string>> {
  const path = join(cwd, CONFIG_FILE);
  if (!existsSync(path)) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: not valid JSON`, { field: CONFIG_FILE, cause: e });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: expected an object`, { field: CONFIG_FILE });
  const out: Partial<Record<ConfigKey, string>> = {};
  for (const [k, v] of Object.entries(parsed)) {
    if (!FILE_KEYS.has(k)) throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: unknown key '${k}' (known: ${[...FILE_KEYS].join(', ')})`, { field: k });
    // A number is fine for the port; null or an object would become a home named 'null' or '[object Object]'.
    if (typeof v !== 'string' && typeof v !== 'number') throw new KeelError('INVALID_ARGUMENT', `${CONFIG_FILE}: '${k}' must be a string${k === 'port' ? ' or a number' : ''}, got ${JSON.stringify(v)}`, { field: k });
    out[k as ConfigKey] = String(v);
  }
  return out;
}

function normalizeDatabaseUrl({ value: url, source }: Setting, cwd: string, problems: string[]): string {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return url;
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length).replace(/^\/\//, '');
    return path === ':memory:' ? 'sqlite::memory:' : `sqlite:${resolve(cwd, path)}`;
  }
  problems.push(`${source}: expected sqlite:PATH or postgres://..., got '${url}'`);
  return url;
}

/**
 * Why `url` cannot be a Keel server's address (`--server`, KEEL_SERVER, the SDK's `baseUrl`), or
 * undefined: it must be http(s):// and a URL ('http://' alone, or a space in the host, is not).
 */
export function serverUrlProblem(url: unknown): string | undefined {
  if (typeof url !== 'string' || !/^https?:\/\//.test(url)) return `expected http(s)://..., got ${typeof url === 'string' ? `'${url}'` : String(url)}`;
  if (!URL.canParse(url)) return `'${url}' is not a URL`;
  return undefined;
}
