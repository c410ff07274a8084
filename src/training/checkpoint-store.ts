/**
 * Checkpoints of a run under `<dir>/<runId>/state.bin`. A write goes to a temporary file that is
 * flushed and renamed over the old one, so a kill at any moment leaves either the previous
 * checkpoint or the new one, never a torn file.
 */
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';

const FILE = 'state.bin';

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

  async remove(): Promise<void> {
    await rm(this.runDir, { recursive: true, force: true });
  }
}
