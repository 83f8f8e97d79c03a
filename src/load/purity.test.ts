import { describe, expect, it } from 'vitest';

declare global {
  interface ImportMeta {
    glob(pattern: string | string[], options: { query: '?raw'; import: 'default'; eager: true }): Record<string, string>;
  }
}

// Loaded by the bundler, so this check itself needs no file-system access.
const sources = import.meta.glob(['./*.ts', '!./*.test.ts'], { query: '?raw', import: 'default', eager: true });

const FORBIDDEN = ['node:fs', 'node:net', 'node:http', 'node:https', 'node:child_process', 'isomorphic-git', '@kubernetes/client-node', 'chokidar'];

describe('the load stage is pure', () => {
  it('finds its sources', () => {
    expect(Object.keys(sources)).toContain('./load-fleet.ts');
  });

  it.each(Object.entries(sources))('%s imports no I/O module and uses no clock, randomness or locale', (_, text) => {
    const imports = [...text.matchAll(/(?:import|export)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|import\s+['"]([^'"]+)['"]/g)].map((m) => m[1] ?? m[2] ?? m[3]);
    for (const spec of imports) {
      expect(FORBIDDEN.some((f) => spec === f || spec?.startsWith(`${f}/`))).toBe(false);
      expect(spec === 'fs' || spec === 'net' || spec === 'http' || spec === 'https' || spec === 'child_process').toBe(false);
    }
    expect(text).not.toMatch(/\bDate\.now\(|new Date\(|Math\.random\(|performance\.now\(|localeCompare\(|\bprocess\./);
  });
});
