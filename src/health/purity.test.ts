import { describe, expect, it } from 'vitest';

declare global {
  interface ImportMeta {
    glob(pattern: string | string[], options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
  }
}

// Loaded by the bundler, so this check needs no file-system access itself.
const sources = import.meta.glob(['./**/*.ts', '../drift/**/*.ts', '!./**/*.test.ts', '!../drift/**/*.test.ts', '!./testing.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

const FORBIDDEN = ['node:fs', 'node:net', 'node:http', 'node:https', 'node:child_process', 'isomorphic-git', '@kubernetes/client-node', 'chokidar'];

describe('the health and drift stages are pure', () => {
  it('finds their sources', () => {
    expect(Object.keys(sources)).toEqual(expect.arrayContaining(['./assess.ts', './kinds/deployment.ts', './aggregate/index.ts', '../drift/detect.ts']));
  });

  it.each(Object.entries(sources))('%s imports no I/O module and reads no clock', (_, text) => {
    const imports = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)].map(
      (m) => m[1] ?? m[2] ?? m[3],
    );
    for (const spec of imports) expect(FORBIDDEN.some((f) => spec === f || spec?.startsWith(`${f}/`))).toBe(false);
    expect(text).not.toMatch(/\bDate\.now\(|new Date\(|Math\.random\(|performance\.now\(|localeCompare\(/);
  });
});
