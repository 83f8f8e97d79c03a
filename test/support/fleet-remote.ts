/**
 * A fleet repository for end-to-end tests: a bare repository behind git http-backend, a working clone in
 * which real git plays the humans, and the controller pieces pointed at it.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { kubeconfigConnector, type ClusterConnector } from '../../src/controller/clusters.js';
import { Reconciler, type ReconcilerOptions } from '../../src/controller/reconcile.js';
import { FleetRepository, type GitAuth } from '../../src/git/repo.js';
import { startGitHttpServer, type GitHttpServer, type GitHttpServerOptions } from './git-http-server.js';
import { createBareRepo, gitCmd } from './git.js';

export interface FleetRemote {
  root: string;
  server: GitHttpServer;
  /** The bare repository the server serves: where to check what landed. */
  bare: string;
  /** The humans' working clone. */
  work: string;
  url: string;
  /** Pulls, changes the clone (files to write, null to delete, or any edit), commits and pushes; returns the commit. */
  commit(message: string, change: Record<string, string | null> | (() => void)): string;
  close(): Promise<void>;
}

export async function startFleetRemote(prefix: string, opts: GitHttpServerOptions = {}): Promise<FleetRemote> {
  const root = mkdtempSync(join(tmpdir(), `flotilla-${prefix}-`));
  const server = await startGitHttpServer(root, opts);
  const bare = createBareRepo(root, 'fleet');
  const work = join(root, 'work');
  gitCmd(root, 'clone', '-q', bare, work);
  return {
    root,
    server,
    bare,
    work,
    url: `${server.url}/fleet.git`,
    commit(message, change) {
      if (gitCmd(work, 'branch', '-r')) gitCmd(work, 'pull', '-q', '--rebase', 'origin', 'main');
      if (typeof change === 'function') change();
      else {
        for (const [path, text] of Object.entries(change)) {
          const p = join(work, path);
          if (text === null) rmSync(p, { force: true });
          else {
            mkdirSync(dirname(p), { recursive: true });
            writeFileSync(p, text);
          }
        }
      }
      gitCmd(work, 'add', '-A');
      gitCmd(work, 'commit', '-qm', message);
      // As a person does when the controller's status push landed in between: rebase and push again.
      for (let attempt = 1; ; attempt++) {
        try {
          gitCmd(work, 'push', '-q', 'origin', 'main');
          break;
        } catch (err) {
          if (attempt >= 10) throw err;
          gitCmd(work, 'pull', '-q', '--rebase', 'origin', 'main');
        }
      }
      return gitCmd(work, 'rev-parse', 'HEAD');
    },
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

/** A controller for the remote, as the tests run it: failures and recoveries count at once, no periodic resync. */
export async function controllerFor(
  remote: FleetRemote,
  kubeconfig: string,
  opts: { auth?: GitAuth; cacheDir?: string } & Partial<ReconcilerOptions> = {},
): Promise<{ repo: FleetRepository; connector: ClusterConnector; reconciler: Reconciler }> {
  const { auth, cacheDir, ...rest } = opts;
  const repo = await FleetRepository.open({ source: remote.url, branch: 'main', cacheDir: cacheDir ?? join(remote.root, 'cache'), auth });
  const connector = kubeconfigConnector(kubeconfig);
  const reconciler = new Reconciler({ repo, connector, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0, resyncIntervalMs: 0, ...rest });
  return { repo, connector, reconciler };
}
