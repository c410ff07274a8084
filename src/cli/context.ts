import type { Command } from 'commander';
import { ENV_VARS, invalidArgument, loadConfig, readEnv, type KeelConfig } from '../core/index.js';
import type { Platform } from '../api/index.js';
import { KeelClient } from '../client/index.js';

export interface GlobalOptions {
  readonly json?: boolean;
  readonly server?: string;
  readonly home?: string;
  readonly logLevel?: string;
}

/**
 * What every command gets: the validated config, how to print, and either the local platform or
 * a client for a remote server (`--server URL` or KEEL_SERVER). Both are opened lazily and once.
 */
export class CliContext {
  private platformPromise: Promise<Platform> | undefined;
  readonly config: KeelConfig;

  constructor(readonly options: GlobalOptions, private readonly env: NodeJS.ProcessEnv = process.env) {
    this.config = loadConfig({
      env,
      overrides: {
        ...(options.home ? { home: options.home } : {}),
        ...(options.server ? { remoteUrl: options.server } : {}),
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      },
    });
  }

  get json(): boolean {
    return this.options.json === true;
  }

  get isRemote(): boolean {
    return this.config.remoteUrl !== undefined;
  }

  /**
   * For a command that runs on the store itself: refuses a remote server, naming where it was set
   * (KEEL_SERVER in a shell's profile is easy to forget) and how to unset it.
   */
  requireLocal(what: string): void {
    if (!this.isRemote) return;
    const [setting, undo] = this.options.server ? ['--server', 'drop --server']
      : readEnv(this.env).serverUrl ? [ENV_VARS.serverUrl.name, `unset ${ENV_VARS.serverUrl.name}`]
      : ['keel.config.json remoteUrl', 'remove remoteUrl from keel.config.json'];
    throw invalidArgument(setting, `${what}; ${undo}`);
  }

  platform(): Promise<Platform> {
    // Imported on first use: the platform pulls in every subsystem (DuckDB, onnxruntime, ...),
    // which `keel --help` or a remote command need not pay for.
    this.platformPromise ??= import('../api/index.js').then(({ openPlatform }) => openPlatform(this.config));
    return this.platformPromise;
  }

  client(): KeelClient {
    return new KeelClient({ baseUrl: this.config.remoteUrl!, ...(this.config.token ? { token: this.config.token } : {}) });
  }

  async close(): Promise<void> {
    // A platform that failed to open has nothing to close (its error was already reported).
    const platform = await this.platformPromise?.catch(() => undefined);
    await platform?.close();
  }
}

export type ContextFactory = (cmd: Command) => CliContext;
