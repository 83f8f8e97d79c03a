/** Git histories for tests that need many objects at once, built by real `git fast-import` (one process). */
import { execFileSync } from 'node:child_process';

/**
 * Appends `count` commits to `branch` of the repository at `dir`, each changing `file` to a distinct text.
 * Dates are fixed, so the object ids are the same on every run.
 */
export function importLinearHistory(dir: string, branch: string, file: string, count: number): void {
  const chunks: string[] = [];
  for (let i = 1; i <= count; i++) {
    const content = `step: ${i}\n`;
    const message = `step ${i}\n`;
    chunks.push(
      `commit refs/heads/${branch}\n`,
      `mark :${i}\n`,
      `committer Fixture <fixture@example.com> ${1_700_000_000 + i} +0000\n`,
      `data ${Buffer.byteLength(message)}\n${message}`,
      ...(i > 1 ? [`from :${i - 1}\n`] : []),
      `M 100644 inline ${file}\n`,
      `data ${Buffer.byteLength(content)}\n${content}\n`,
    );
  }
  execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: chunks.join(''), stdio: ['pipe', 'ignore', 'pipe'] });
}
