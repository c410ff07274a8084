/**
 * Every KEEL_* environment variable, declared once with its parser and its doc.
 * `process.env` is read here and nowhere else (STYLE.md, rule 8).
 */
export interface EnvVar {
  readonly name: string;
  readonly doc: string;
}

/** pino's levels, as KEEL_LOG_LEVEL and --log-level take them; the doc line below lists them from here. */
export const LOG_LEVELS: readonly string[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export const ENV_VARS = {
  home: { name: 'KEEL_HOME', doc: 'Directory holding the embedded store (default ./.keel).' },
  databaseUrl: { name: 'KEEL_DATABASE_URL', doc: 'Metadata DB: sqlite:PATH or postgres://... (default sqlite under KEEL_HOME).' },
  artifactsDir: { name: 'KEEL_ARTIFACTS_DIR', doc: 'Artifact store directory (default KEEL_HOME/artifacts).' },
  redisUrl: { name: 'KEEL_REDIS_URL', doc: 'redis://... for the shared online store, prediction cache and queues.' },
  logLevel: { name: 'KEEL_LOG_LEVEL', doc: `pino level: ${LOG_LEVELS.join(', ')} (default warn for the CLI).` },
  serverUrl: { name: 'KEEL_SERVER', doc: 'Run CLI commands against this Keel server instead of the local store.' },
  host: { name: 'KEEL_HOST', doc: 'Address `keel server` and `keel serve` bind to (default 127.0.0.1).' },
  port: { name: 'KEEL_PORT', doc: 'Port of `keel server` (default 7070).' },
  token: { name: 'KEEL_TOKEN', doc: 'Bearer token the CLI and SDK send to a remote server.' },
  plainCsvMinBytes: { name: 'KEEL_PLAIN_CSV_MIN_BYTES', doc: 'Plain CSV files of at least this many bytes are read in JS, not DuckDB (default 1048576; Infinity: never).' },
} as const satisfies Record<string, EnvVar>;

export type EnvKey = keyof typeof ENV_VARS;

/** The KEEL_* variables of an environment (default: this process's), by key. */
export function readEnv(env: NodeJS.ProcessEnv = process.env): Partial<Record<EnvKey, string>> {
  const out: Partial<Record<EnvKey, string>> = {};
  for (const [key, v] of Object.entries(ENV_VARS) as [EnvKey, EnvVar][]) {
    const value = env[v.name];
    if (value !== undefined && value !== '') out[key] = value;
  }
  return out;
}

/** Test-only connection strings (CI always sets both). */
export function testBackendUrls(env: NodeJS.ProcessEnv = process.env): { postgres?: string; redis?: string } {
  const out: { postgres?: string; redis?: string } = {};
  if (env.KEEL_TEST_POSTGRES_URL) out.postgres = env.KEEL_TEST_POSTGRES_URL;
  if (env.KEEL_TEST_REDIS_URL) out.redis = env.KEEL_TEST_REDIS_URL;
  return out;
}

/** The git commit of the working directory, passed in by the caller that read it. */
export function isCi(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.CI === 'true' || env.CI === '1';
}
