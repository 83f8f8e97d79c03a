/** Helpers for the load stage's tests: fleet files from text, and positions of text inside them. */
import type { Fleet, FleetFile } from '../model/fleet.js';
import type { Problem } from '../model/problem.js';
import { loadFleet, type LoadOptions } from './load-fleet.js';

const encoder = new TextEncoder();

export function fleetFile(path: string, text: string | Uint8Array): FleetFile {
  return { path, content: typeof text === 'string' ? encoder.encode(text) : text };
}

/** Loads files given as `{path: text}`. */
export function loadTexts(texts: Record<string, string>, options?: LoadOptions): Fleet {
  return loadFleet(
    Object.entries(texts).map(([path, text]) => fleetFile(path, text)),
    options,
  );
}

/** 1-based line and column of the `occurrence`-th (0-based) appearance of `needle` in `text`. */
export function positionOf(text: string, needle: string, occurrence = 0): { line: number; column: number } {
  let index = -1;
  for (let i = 0; i <= occurrence; i++) {
    index = text.indexOf(needle, index + 1);
    if (index < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${occurrence + 1} times`);
  }
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return { line, column: index - before.lastIndexOf('\n') };
}

/** The problems whose message contains `fragment`. */
export function problemsWith(problems: readonly Problem[], fragment: string): Problem[] {
  return problems.filter((p) => p.message.includes(fragment));
}

/** The fleet as the JSON the CLI would print (Maps as entry lists), for whole-model comparisons. */
export function fleetJson(fleet: Fleet): string {
  return JSON.stringify({ ...fleet, clusterStatuses: [...fleet.clusterStatuses], placements: [...fleet.placements] });
}

/** Text lines joined with newlines, so test YAML can be indented with the code. */
export function yamlLines(...lines: string[]): string {
  return `${lines.join('\n')}\n`;
}

/**
 * A ConfigMap of `bytes` bytes (give or take a line) with keys `k00000: v`, `k00001: v`, …: the shape that made
 * yaml's duplicate-key check quadratic. Returns the text and how many keys it has.
 */
export function largeConfigMap(bytes: number): { text: string; keys: number } {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: big}', 'data:'];
  let size = lines.join('\n').length + 1;
  let keys = 0;
  while (size < bytes) {
    const line = `  k${String(keys).padStart(5, '0')}: v`;
    lines.push(line);
    size += line.length + 1;
    keys++;
  }
  return { text: `${lines.join('\n')}\n`, keys };
}
