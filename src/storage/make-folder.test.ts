import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalArtifactStore } from './artifact-store.js';
import { makeFolderSync } from './make-folder.js';
import { openMetadataStore } from './metadata-store.js';

describe('makeFolderSync', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keel-make-folder-'));
  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');

  it('makes a folder and its parents, and leaves one that exists', () => {
    makeFolderSync(join(dir, 'p', 'q'), 'home', 'the folder');
    makeFolderSync(join(dir, 'p', 'q'), 'home', 'the folder');
    expect(statSync(join(dir, 'p', 'q')).isDirectory()).toBe(true);
  });

  // It was an INTERNAL error (exit 1) that printed Node's stack.
  it('refuses a path it cannot make, naming the setting, the path and why', () => {
    expect(() => makeFolderSync(join(file, 'x'), 'home', "the local store's folder", '; choose another with --home')).toThrow(expect.objectContaining({
      code: 'INVALID_ARGUMENT', field: 'home',
      message: `home: cannot create the local store's folder '${join(file, 'x')}': a part of the path is a file, not a folder (ENOTDIR); choose another with --home`,
    }));
    expect(() => makeFolderSync(file, 'home', 'the folder')).toThrow(expect.objectContaining({ field: 'home', message: `home: cannot create the folder '${file}': a file of that name is in the way (EEXIST)` }));
  });

  it('is how the stores make their folders: a database or artifact folder under a file names its setting', async () => {
    await expect(openMetadataStore(`sqlite:${join(file, 'db', 'keel.sqlite')}`)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', field: 'databaseUrl' });
    expect(() => new LocalArtifactStore(join(file, 'artifacts'))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'artifactsDir' }));
  });
});
