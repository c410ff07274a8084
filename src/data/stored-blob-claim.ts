import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeelError, liveWorkEntries, sweepOrphanedWorkDirs, workFileName } from '../core/index.js';

/**
 * An add's claim on the blob it stores before its version commits, and the removal of a blob no
 * add claims. The blob takes its name in the artifact store while the statistics still run, so an
 * add killed then (kill -9, power loss) leaves a blob no version records. The add notes the blob's
 * sha in its work folder first (its claim); the next add, sweeping the dead add's folder, removes
 * the blob unless a live add claims it or a version records it. A failed add removes its own the
 * same way.
 *
 * The removal and a new add's use of the same blob exclude each other without a lock that a kill
 * could leave held: each side writes its note first and reads the other side's after.
 * - A removal writes a note `release-HOST-PID-…` (the sha) in the tmp folder, then reads the live
 *   adds' claims, then asks the metadata store, then removes the blob, then its note.
 * - An add writes its claim, then waits while a live removal of the same sha is noted; only then
 *   does the store look whether the blob is there (and keep it, or rename its own copy into place).
 * Whichever reads second sees the other's note: either the removal sees the claim and keeps the
 * blob, or the add waits until the removal is done and then finds the blob gone and stores its
 * own. An add removes its work folder (its claim) only after its version commits, and the removal
 * asks the metadata store only after reading the claims, so a version committed in between is seen.
 * A note of a process that has ended counts for nothing (and a later removal sweeps it); so does
 * one older than RELEASE_STALE_MS, so that a PID taken over by another program cannot make adds
 * wait for good: a removal that has run for RELEASE_LIMIT_MS gives up before it removes anything.
 */
const CLAIM_FILE = 'stored-blob';

/** The kind of an add's work folder (core/temp-dirs.ts), in which its claim is. */
export const ADD_WORK_KIND = 'ingest';

/** The kind of a removal's note in the tmp folder. */
const RELEASE_KIND = 'release';

/** How long a removal may run before it gives up rather than remove (it reads a few files and asks the metadata store once). */
const RELEASE_LIMIT_MS = 30_000;

/** How old a removal's note must be for an add to stop waiting for it: well past RELEASE_LIMIT_MS. */
const RELEASE_STALE_MS = 2 * RELEASE_LIMIT_MS;

/** How often a waiting add looks again. */
const POLL_MS = 20;

/** Test hooks, to hold each side at the point where the other may run in between. */
export interface BlobClaimHooks {
  /** Called when a removal has read the live claims and is about to ask the metadata store. */
  readonly releaseChecked?: (sha: string) => void | Promise<void>;
  /** Called once when an add's claim waits for a removal of the same blob. */
  readonly claimWaits?: (sha: string) => void;
}

/** How a removal asks whether a blob is recorded and removes it. */
export interface BlobRelease {
  /** Whether a record (a version) holds the blob; throws when the metadata store cannot tell. */
  readonly referenced: (sha: string) => Promise<boolean>;
  readonly remove: (sha: string) => Promise<void>;
  readonly hooks?: BlobClaimHooks | undefined;
}

/**
 * Notes in the add's work folder `work` (in the tmp folder) that it is storing the blob `sha`,
 * and returns once no removal of that blob is under way: the store may then look for the blob.
 */
export async function claimStoredBlob(work: string, sha: string, hooks: BlobClaimHooks = {}): Promise<void> {
  await writeFile(join(work, CLAIM_FILE), sha);
  for (let told = false; await releasing(dirname(work), sha); told = true) {
    if (!told) hooks.claimWaits?.(sha);
    await sleep(POLL_MS);
  }
}

/** Whether a live removal of the blob `sha` is noted in `tmpDir`. */
async function releasing(tmpDir: string, sha: string): Promise<boolean> {
  const now = Date.now();
  for (const note of await liveWorkEntries(tmpDir, RELEASE_KIND, now)) {
    const [noted, st] = await Promise.all([readFile(note, 'utf8').catch(() => undefined), stat(note).catch(() => undefined)]);
    if (noted === undefined || st === undefined || st.mtimeMs < now - RELEASE_STALE_MS) continue;
    // An empty note is being written: it may be this sha's.
    if (noted === sha || noted === '') return true;
  }
  return false;
}

/** The blob the add whose work folder is `work` is storing, if it got that far. */
async function claimedBlob(work: string): Promise<string | undefined> {
  return readFile(join(work, CLAIM_FILE), 'utf8').catch(() => undefined);
}

/**
 * Removes the blob `sha` unless a live add in `tmpDir` claims it (the add whose work folder is
 * `self`, doing the removal, aside) or a record holds it. Throws when that cannot be told, or the
 * removal took too long to be safe, and then leaves the blob.
 */
export async function releaseBlob(tmpDir: string, sha: string, how: BlobRelease, self?: string): Promise<void> {
  // The notes of removals killed before they ended go first.
  await sweepOrphanedWorkDirs(tmpDir, RELEASE_KIND);
  const note = join(tmpDir, workFileName(RELEASE_KIND));
  const started = Date.now();
  await writeFile(note, sha);
  try {
    const adds = (await liveWorkEntries(tmpDir, ADD_WORK_KIND)).filter((w) => w !== self);
    if ((await Promise.all(adds.map(claimedBlob))).includes(sha)) return;
    await how.hooks?.releaseChecked?.(sha);
    if (await how.referenced(sha)) return;
    // An add waits for this note only so long: past that, it may be using the blob.
    if (Date.now() - started > RELEASE_LIMIT_MS) throw new KeelError('UNAVAILABLE', `artifact ${sha}: its removal took over ${RELEASE_LIMIT_MS / 1000} s and was given up; the blob stays`);
    await how.remove(sha);
  } finally {
    await rm(note, { force: true });
  }
}

/**
 * Removes the blob the dead add whose work folder is `orphan` stored but never recorded, as
 * releaseBlob does. Throws when that cannot be done, so that the folder, and with it the claim,
 * stays for a later sweep.
 */
export async function releaseDeadClaim(orphan: string, how: BlobRelease): Promise<void> {
  const sha = await claimedBlob(orphan);
  if (sha !== undefined && sha !== '') await releaseBlob(dirname(orphan), sha, how);
}
