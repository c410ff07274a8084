/**
 * What an add tells as it goes that its user should keep: a column renamed, a read started again
 * (a type widened), a column typed one way where another would do. Its progress messages carry them, with a prefix, as the bar shows them in
 * passing; its answer holds them too (`notes`), for a caller that saw no progress (an HTTP client).
 */
import type { JobOptions } from '../jobs/index.js';

/** How the progress message of a read that starts again begins; the rest says why. */
export const READING_AGAIN = 'reading again: ';

/** How the progress message of a column renamed begins; the rest says why. */
export const RENAMED = 'renamed: ';

/** How the progress message of a note on how a column was typed begins (a date read one way of two). */
export const TYPED = 'typed: ';

/** How the progress message of a note said earlier that no longer holds begins; the rest is that note. */
export const WITHDRAWN = 'withdrawn: ';

/** The note a progress message carries, without its prefix; undefined for other messages. */
export function noteOf(message: string | undefined): string | undefined {
  const prefix = [RENAMED, READING_AGAIN, TYPED].find((p) => message?.startsWith(p));
  return prefix === undefined ? undefined : message!.slice(prefix.length);
}

/** Runs an add, and returns its answer with the notes its progress carried (`notes`, when there are any, in order, each once). */
export async function withNotes<T extends object>(job: JobOptions, add: (job: JobOptions) => Promise<T>): Promise<T & { readonly notes?: readonly string[] }> {
  const notes = new Set<string>();
  const v = await add({
    ...job,
    onProgress: (e) => {
      if (e.message?.startsWith(WITHDRAWN)) {
        notes.delete(e.message.slice(WITHDRAWN.length));
        return;
      }
      const note = noteOf(e.message);
      if (note !== undefined) notes.add(note);
      job.onProgress?.(e);
    },
  });
  return notes.size === 0 ? v : { ...v, notes: [...notes] };
}
