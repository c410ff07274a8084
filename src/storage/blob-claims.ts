import { readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { KeelError, liveWorkEntries, sweepOrphanedWorkDirs, workFileName } from '../core/index.js';

/**
 * An add's claim on the blob it stores before its version commits, and the removal of a blob no
 * add claims. The blob takes its name in the artifact store while the statistics still run, so an
 * add killed then (kill -9, power loss) leaves a blob no version records. The add first writes a
 * claim `claim-HOST-PID-…` (the blob's sha) in the store's notes folder, and removes it once its
 * version commits; the next add removes the blob of a claim whose process has ended, unless a live
 * add claims it or a record names it (storage/artifact-references.ts). A failed add removes its own blob the same way. The notes
 * sit with the blobs, not in a home's tmp, so processes of other homes sharing the store see them.
 *
 * The removal and a new add's use of the same blob exclude each other without a lock that a kill
 * could leave held: each side writes its note first and reads the other side's after.
 * - A removal writes a note `release-HOST-PID-…` (the sha), then reads the live claims, then asks
 *   the metadata store, then removes the blob, then its note.
 * - An add writes its claim, then waits while a live removal of the same sha is noted; only then
 *   does the store look whether the blob is there (and keep it, or rename its own copy into place).
 * Whichever reads second sees the other's note: either the removal sees the claim and keeps the
 * blob, or the add waits until the removal is done and then finds the blob gone and stores its
 * own. An add removes its claim only after its version commits, and the removal asks the metadata
 * store only after reading the claims, so a version committed in between is seen.
 * A note of a process that has ended counts for nothing (and a later removal sweeps it); so does
 * one older than RELEASE_STALE_MS, so that a PID taken over by another program cannot make adds
 * wait for good: a removal that has run for RELEASE_LIMIT_MS gives up before it removes anything.
 */
const CLAIM_KIND = 'claim';

/** The kind of a removal's note. */
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
  /** Whether a record (a dataset version, a run's artifact...) names the blob; throws when the metadata store cannot tell. */
  readonly referenced: (sha: string) => Promise<boolean>;
  readonly remove: (sha: string) => Promise<void>;
  readonly hooks?: BlobClaimHooks | undefined;
}

/**
 * Claims the blob `sha` in the notes folder `notes` for an add about to record it, and returns the
 * claim's path (for the add to remove once its version has committed, or it has failed) once no
 * removal of that blob is under way: the store may then look for the blob.
 */
export async function claimStoredBlob(notes: string, sha: string, hooks: BlobClaimHooks = {}): Promise<string> {
  const claim = join(notes, workFileName(CLAIM_KIND));
  await writeFile(claim, sha);
  for (let told = false; await releasing(notes, sha); told = true) {
    if (!told) hooks.claimWaits?.(sha);
    await sleep(POLL_MS);
  }
  return claim;
}

/**
 * Runs `work` (the put of a blob and the record that names it) while claims hold the blobs it
 * names: `claim` claims a sha, and goes as a put's `beforeCommit` (or is called with the sha of a
 * blob already stored before the writer looks whether it is there). The claims go once `work` has
 * ended, recorded or failed. This is what a run's artifact, a model version and stored reference
 * statistics do, as a dataset add does, so that `keel gc` of any age never takes their blob
 * between the put and the record; killed in between, the next sweep removes the blob nothing records.
 */
export async function withBlobClaims<T>(notes: string, work: (claim: (sha: string) => Promise<void>) => Promise<T>): Promise<T> {
  const held: string[] = [];
  try {
    return await work(async (sha) => void held.push(await claimStoredBlob(notes, sha)));
  } finally {
    await Promise.all(held.map((c) => rm(c, { force: true })));
  }
}

/** Whether a live removal of the blob `sha` is noted in `notes`. */
async function releasing(notes: string, sha: string): Promise<boolean> {
  const now = Date.now();
  for (const note of await liveWorkEntries(notes, RELEASE_KIND, now)) {
    const [noted, st] = await Promise.all([readFile(note, 'utf8').catch(() => undefined), stat(note).catch(() => undefined)]);
    if (noted === undefined || st === undefined || st.mtimeMs < now - RELEASE_STALE_MS) continue;
    // An empty note is being written: it may be this sha's.
    if (noted === sha || noted === '') return true;
  }
  return false;
}

/** The blob a claim names ('' when its add was killed while writing it). */
const claimedBlob = (claim: string): Promise<string | undefined> => readFile(claim, 'utf8').catch(() => undefined);

/** The blobs live adds claim in `notes` now (for a dry run of `keel gc`, which removes nothing and so writes no note). */
export async function liveClaimedBlobs(notes: string): Promise<Set<string>> {
  const shas = await Promise.all((await liveWorkEntries(notes, CLAIM_KIND)).map(claimedBlob));
  return new Set(shas.filter((sha): sha is string => sha !== undefined && sha !== ''));
}

/**
 * Removes the blob `sha` unless a live claim in `notes` (the claim `self` of the add doing the
 * removal aside) or a record holds it. Throws when that cannot be told, or the removal took too
 * long to be safe, and then leaves the blob.
 */
export async function releaseBlob(notes: string, sha: string, how: BlobRelease, self?: string): Promise<void> {
  // The notes of removals killed before they ended go first.
  await sweepOrphanedWorkDirs(notes, RELEASE_KIND);
  const note = join(notes, workFileName(RELEASE_KIND));
  const started = Date.now();
  await writeFile(note, sha);
  try {
    const claims = (await liveWorkEntries(notes, CLAIM_KIND)).filter((c) => c !== self);
    if ((await Promise.all(claims.map(claimedBlob))).includes(sha)) return;
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
 * Removes the blobs of the claims in `notes` whose add has ended (kill -9) without removing its
 * claim, each as releaseBlob does; a claim whose blob cannot be told about stays for a later sweep.
 */
export function releaseDeadClaims(notes: string, how: BlobRelease): Promise<number> {
  return sweepOrphanedWorkDirs(notes, CLAIM_KIND, Date.now(), async (claim) => {
    const sha = await claimedBlob(claim);
    if (sha) await releaseBlob(notes, sha, how);
  });
}
