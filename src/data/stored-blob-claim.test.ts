import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { claimStoredBlob, releaseDeadClaim } from './stored-blob-claim.js';

describe("a dead add's claim on its stored blob", () => {
  const folders = (...names: string[]): string[] => {
    const parent = mkdtempSync(join(tmpdir(), 'keel-claim-'));
    return names.map((n) => {
      mkdirSync(join(parent, n));
      return join(parent, n);
    });
  };
  const released = async (orphan: string, live: readonly string[]): Promise<string[]> => {
    const removed: string[] = [];
    await releaseDeadClaim(orphan, live, async (sha) => void removed.push(sha));
    return removed;
  };

  it('hands the blob to the removal unless a live add claims the same one', async () => {
    const [dead, liveSame, liveOther, early] = folders('dead', 'live-same', 'live-other', 'early');
    await claimStoredBlob(dead!, 'a'.repeat(64));
    await claimStoredBlob(liveOther!, 'b'.repeat(64));
    expect(await released(dead!, [liveOther!, early!])).toEqual(['a'.repeat(64)]);
    // A live add of the same content keeps the blob it is about to record.
    await claimStoredBlob(liveSame!, 'a'.repeat(64));
    expect(await released(dead!, [liveOther!, liveSame!])).toEqual([]);
    // An add killed before it stored anything claims nothing.
    expect(await released(early!, [])).toEqual([]);
  });
});
