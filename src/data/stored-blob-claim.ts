import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * An add's claim on the blob it stores before its version commits. The blob takes its name in
 * the artifact store while the statistics still run, so an add killed then (kill -9, power loss)
 * leaves a blob no version records. The add notes the blob's sha in its work folder first; the
 * next add, sweeping the dead add's folder, removes the blob unless a version records it.
 */
const CLAIM_FILE = 'stored-blob';

/** Notes in the add's work folder `work` that it is storing the blob `sha`. */
export function claimStoredBlob(work: string, sha: string): Promise<void> {
  return writeFile(join(work, CLAIM_FILE), sha);
}

/** The blob the add whose work folder is `work` was storing, if it got that far. */
async function claimedBlob(work: string): Promise<string | undefined> {
  return readFile(join(work, CLAIM_FILE), 'utf8').catch(() => undefined);
}

/**
 * Removes the blob a dead add (its work folder `orphan`) stored but never recorded, unless a live
 * add (its folder among `live`) is storing the same content, or `removeIfUnreferenced` finds a
 * version that records it (the add was killed after its commit). Throws when that cannot be told,
 * so that the folder, and with it the claim, stays for a later sweep.
 */
export async function releaseDeadClaim(orphan: string, live: readonly string[], removeIfUnreferenced: (sha: string) => Promise<void>): Promise<void> {
  const sha = await claimedBlob(orphan);
  if (sha === undefined || (await Promise.all(live.map(claimedBlob))).includes(sha)) return;
  await removeIfUnreferenced(sha);
}
