/** Runs the CLI in-process and captures what it prints, for tests of the command-line contract. */
import { afterEach, beforeEach, vi } from 'vitest';
import { main } from '../../src/cli/main.js';

export interface CliCapture {
  /** Lines printed on stdout (console.log) and stderr (console.error) by the current test. */
  out: string[];
  err: string[];
  run: (...args: string[]) => Promise<number>;
  json: () => Record<string, unknown>;
}

/** Installs the console spies for every test of the calling file. */
export function captureCli(): CliCapture {
  const capture: CliCapture = {
    out: [],
    err: [],
    run: (...args) => main(['node', 'flotilla', ...args]),
    json: () => JSON.parse(capture.out.join('\n')) as Record<string, unknown>,
  };
  beforeEach(() => {
    capture.out.length = 0;
    capture.err.length = 0;
    vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void capture.out.push(a.join(' ')));
    vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void capture.err.push(a.join(' ')));
  });
  afterEach(() => vi.restoreAllMocks());
  return capture;
}
