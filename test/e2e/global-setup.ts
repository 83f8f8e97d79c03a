/**
 * Brings the testbed up once for the e2e project (building it on the first run) and tears it down after.
 * The e2e testbed has its own state directory and ports, so it never collides with a demo testbed.
 */
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { testbedDown, testbedUp } from '../../src/testbed/index.js';
import { cacheRoot } from '../../src/util/cache-dir.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kubeconfig: string;
    testbedStateDir: string;
    members: string[];
  }
}

export const E2E_BASE_PORT = 31600;

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stateDir = process.env.FLOTILLA_E2E_STATE ?? join(cacheRoot(), 'testbed', 'state', 'e2e');
  const t0 = Date.now();
  const state = await testbedUp({
    clusters: 3,
    basePort: E2E_BASE_PORT,
    stateDir,
    progress: (m) => process.stderr.write(`[testbed] ${m}\n`),
  });
  process.stderr.write(`[testbed] e2e testbed up in ${((Date.now() - t0) / 1000).toFixed(1)}s\n`);
  project.provide('kubeconfig', state.kubeconfig);
  project.provide('testbedStateDir', stateDir);
  project.provide('members', state.members.map((m) => m.name));
  return async () => {
    if (process.env.FLOTILLA_E2E_KEEP === '1') return;
    await testbedDown(stateDir);
  };
}
