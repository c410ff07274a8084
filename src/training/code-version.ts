import { execFile } from 'node:child_process';

/** The git commit of `cwd` (the code version recorded in lineage), or undefined outside a repository. */
export function gitCommit(cwd: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('git', ['rev-parse', 'HEAD'], { cwd, timeout: 5000 }, (err, stdout) => {
      const sha = String(stdout).trim();
      resolve(err || !/^[0-9a-f]{40,64}$/.test(sha) ? undefined : sha);
    });
  });
}
