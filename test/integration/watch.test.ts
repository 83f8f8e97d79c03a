/**
 * `--watch` on a local repository: a new commit is reconciled without waiting for the poll interval
 * (set to an hour here, so only the file watch can explain the pass).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { kubeconfigConnector } from '../../src/controller/clusters.js';
import { Reconciler, type PassReport } from '../../src/controller/reconcile.js';
import { runController } from '../../src/controller/run.js';
import { FleetRepository } from '../../src/git/repo.js';
import { pollUntil } from '../../src/util/poll.js';
import { gitCmd } from '../support/git.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-watch-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('run --watch', () => {
  it('reconciles a new commit on the local branch without waiting for the poll interval', async () => {
    const work = join(root, 'fleet');
    mkdirSync(join(work, 'workloads'), { recursive: true });
    gitCmd(root, 'init', '-q', '-b', 'main', work);
    writeFileSync(join(work, 'workloads', 'a.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n');
    gitCmd(work, 'add', '-A');
    gitCmd(work, 'commit', '-qm', 'first');

    const repo = await FleetRepository.open({ source: work, branch: 'main', cacheDir: join(root, 'cache') });
    const kubeconfig = join(root, 'kubeconfig');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\nusers: []\ncontexts: []\n');
    const connector = kubeconfigConnector(kubeconfig);
    const reconciler = new Reconciler({ repo, connector });
    const passes: PassReport[] = [];
    const abort = new AbortController();
    const running = runController({ reconciler, repo, intervalMs: 3_600_000, watch: true, log: () => {}, signal: abort.signal, onPass: (r) => passes.push(r) });
    try {
      await pollUntil('the first pass', async () => (passes.length > 0 ? true : undefined), 10_000, 20);
      writeFileSync(join(work, 'workloads', 'b.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n');
      gitCmd(work, 'add', '-A');
      gitCmd(work, 'commit', '-qm', 'second');
      const head = gitCmd(work, 'rev-parse', 'HEAD');
      const pass = await pollUntil('a pass at the new commit', async () => passes.find((p) => p.tip === head), 10_000, 20);
      expect(pass.rescheduled).toBe(true);
    } finally {
      abort.abort();
      await running;
      connector.close();
    }
  });
});
