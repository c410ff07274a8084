/**
 * Checkpoints of a run under `<dir>/<runId>/state.bin`. A write goes to a temporary file that is
 * flushed and renamed over the old one, so a kill at any moment leaves either the previous
 * checkpoint or the new one, never a torn file.
 */
import { mkdir, open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const FILE = 'state.bin';
const OWNER = 'owner.json';

export interface CheckpointOwner {
  readonly pid: number;
  readonly hostname: string;
  readonly startedAt: number;
}

export class CheckpointStore {
  constructor(private readonly dir: string, private readonly runId: string) {}

  private get runDir(): string {
    return join(this.dir, this.runId);
  }

  async save(state: Uint8Array): Promise<void> {
    await mkdir(this.runDir, { recursive: true });
    const tmp = join(this.runDir, `${FILE}.${process.pid}.tmp`);
    const handle = await open(tmp, 'w');
    try {
      await handle.writeFile(state);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, join(this.runDir, FILE));
  }

  /** The last saved state, or undefined when the run has none. */
  async load(): Promise<Uint8Array | undefined> {
    try {
      return new Uint8Array(await readFile(join(this.runDir, FILE)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  /** Records which process is training the run, so a resume can refuse a run that is still alive. */
  async claim(): Promise<void> {
    await mkdir(this.runDir, { recursive: true });
    const owner: CheckpointOwner = { pid: process.pid, hostname: hostname(), startedAt: Date.now() };
    await writeFile(join(this.runDir, OWNER), JSON.stringify(owner));
  }

  /** The process that last claimed the run, when it is another process on this host that still lives. */
  async liveOwner(): Promise<CheckpointOwner | undefined> {
    let owner: CheckpointOwner;
    try {
      owner = JSON.parse(await readFile(join(this.runDir, OWNER), 'utf8')) as CheckpointOwner;
    } catch {
      return undefined;
    }
    if (owner.hostname !== hostname() || owner.pid === process.pid) return undefined;
    try {
      process.kill(owner.pid, 0);
      return owner;
    } catch (e) {
      // EPERM: the pid exists but belongs to someone else; treat it as alive, to be safe.
      return (e as NodeJS.ErrnoException).code === 'EPERM' ? owner : undefined;
    }
  }

  async remove(): Promise<void> {
    await rm(this.runDir, { recursive: true, force: true });
  }
}
