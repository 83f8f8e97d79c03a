/**
 * Validating a 1,000,004-byte ConfigMap with ~83k keys (just under the default 1 MiB file limit). yaml's own
 * duplicate-key check compares every key with every other one (about 100 s for this file); the loader finds
 * duplicates itself in linear time. The baseline is yaml parsing the same text with no duplicate check at all,
 * measured in the same run, so the comparison holds on a slow or busy machine: loadFleet should stay within a
 * small factor of it (and under 1 s on an idle machine).
 */
import { bench, describe } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadFleet } from '../src/load/index.js';
import { fleetFile, largeConfigMap } from '../src/load/testing.js';

const { text } = largeConfigMap(1_000_004);
const file = fleetFile('workloads/big.yaml', text);

describe('a 1 MB ConfigMap with ~83k keys', () => {
  bench('baseline: yaml parse + toJS, no duplicate check', () => {
    for (const doc of parseAllDocuments(text, { uniqueKeys: false })) doc.toJS();
  }, { iterations: 5, time: 0 });

  bench('loadFleet (what flotilla validate runs)', () => {
    const fleet = loadFleet([file]);
    if (fleet.errors.length > 0 || fleet.templates.length !== 1) throw new Error('the large ConfigMap did not load');
  }, { iterations: 5, time: 0 });
});
