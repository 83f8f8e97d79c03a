/**
 * charts/flotilla on a testbed cluster, with member1 playing the management cluster: the rendered manifests pass
 * a server-side dry-run, and `helm install` creates everything and the Deployment becomes Available.
 *
 * No container runs here: the testbed's nodes are KWOK nodes, whose pod stages mark scheduled pods Running and
 * Ready without pulling the image or calling the probes. So "Available" proves what the management cluster
 * decides (the objects are valid, RBAC and ServiceAccount admission accept the pod, the scheduler places it,
 * the Deployment and ReplicaSet controllers roll it out), not that the image starts; the image's command line is
 * covered by the npm-pack and CLI tests.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { KubeObject } from '../../src/model/kube.js';
import { pollUntil } from '../../src/util/poll.js';
import { HELM_BUILD_TIMEOUT_MS, REQUIRED_VALUES, helm, helmBinary, mergeValues, parseManifests, templateChart, withValuesFile, CHART_DIR } from '../support/chart.js';
import { getObject, memberClient, serverSideApply } from './helpers.js';

const MANAGEMENT = 'member1';
const suffix = Date.now().toString(36);
const dryRunNamespace = `chart-dry-${suffix}`;
const installNamespace = `chart-install-${suffix}`;
const RELEASE = 'flotilla';

/** Sharding with its leader election, logging and PDB; no ServiceMonitor, whose CRD the testbed lacks. */
const SHARDED = {
  replicaCount: 3,
  sharding: { shards: 3 },
  leaderElection: { enabled: true },
  logging: { format: 'json', level: 'info' },
  podDisruptionBudget: { enabled: true },
  git: { credentialsSecret: { name: 'fleet-git' } },
  members: { kubeconfigSecrets: [{ name: 'member-kubeconfigs', key: 'kubeconfig' }] },
};

type Client = Awaited<ReturnType<typeof memberClient>>;
let client: Client;

beforeAll(async () => {
  await helmBinary();
  client = await memberClient(MANAGEMENT);
  for (const name of [dryRunNamespace, installNamespace]) await serverSideApply(client, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}, HELM_BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (!client) return;
  await helm(['uninstall', RELEASE, '--namespace', installNamespace, '--kubeconfig', inject('kubeconfig'), '--kube-context', MANAGEMENT, '--wait', '--timeout', '60s']);
  for (const name of [dryRunNamespace, installNamespace]) {
    const ns = await client.get({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name });
    if (ns?.metadata.uid) await client.delete({ apiVersion: 'v1', kind: 'Namespace', namespace: '', name }, ns.metadata.uid as string);
  }
  client.close();
});

async function rendered(values: Record<string, unknown>, namespace: string): Promise<KubeObject[]> {
  const r = await templateChart(values, { release: RELEASE, namespace });
  expect(r.code, r.stderr).toBe(0);
  return parseManifests(r.stdout);
}

describe.each([
  ['default values', REQUIRED_VALUES],
  ['the sharded configuration', mergeValues(REQUIRED_VALUES, SHARDED)],
])('helm template with %s', (_name, values) => {
  it('passes a server-side dry-run on the management cluster', async () => {
    const objects = await rendered(values, dryRunNamespace);
    expect(objects.length).toBeGreaterThanOrEqual(5);
    for (const obj of objects) {
      const accepted = await client.apply(obj, { dryRun: true, fieldManager: 'flotilla-chart-e2e' });
      expect(accepted.metadata.name, `${obj.kind} ${obj.metadata.name}`).toBe(obj.metadata.name);
    }
    // A dry run persists nothing.
    expect(await getObject(client, 'apps/v1', 'Deployment', dryRunNamespace, RELEASE)).toBeUndefined();
  });
});

describe('helm install', () => {
  const values = mergeValues(REQUIRED_VALUES, {
    git: { credentialsSecret: { name: 'fleet-git' } },
    members: { kubeconfigSecrets: [{ name: 'member-kubeconfigs', key: 'kubeconfig' }] },
  });

  beforeAll(async () => {
    // The Secrets an operator creates before installing; their contents never matter to KWOK's pods.
    await serverSideApply(client, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'fleet-git', namespace: installNamespace }, stringData: { token: 'fleet-token' } });
    await serverSideApply(client, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'member-kubeconfigs', namespace: installNamespace }, stringData: { kubeconfig: 'apiVersion: v1\nkind: Config\n' } });
    const r = await withValuesFile(values, (file) =>
      helm(['install', RELEASE, CHART_DIR, '--namespace', installNamespace, '--kubeconfig', inject('kubeconfig'), '--kube-context', MANAGEMENT, '-f', file]),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('STATUS: deployed');
    expect(r.stdout).toContain(`rollout status deployment/${RELEASE}`);
  }, 120_000);

  it('creates the ServiceAccount, Role, RoleBinding and Service in the release namespace', async () => {
    for (const [apiVersion, kind] of [
      ['v1', 'ServiceAccount'],
      ['rbac.authorization.k8s.io/v1', 'Role'],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding'],
      ['v1', 'Service'],
    ] as const) {
      expect(await getObject(client, apiVersion, kind, installNamespace, RELEASE), `${kind} ${RELEASE}`).toBeDefined();
    }
  });

  it('brings the Deployment to Available', async () => {
    const available = await pollUntil(
      'the flotilla Deployment Available',
      async () => {
        const d = await getObject(client, 'apps/v1', 'Deployment', installNamespace, RELEASE);
        const status = d?.status as { availableReplicas?: number; conditions?: { type: string; status: string }[] } | undefined;
        return status?.conditions?.find((c) => c.type === 'Available' && c.status === 'True') && status.availableReplicas === 1 ? status : undefined;
      },
      120_000,
      500,
    );
    expect(available.availableReplicas).toBe(1);
  });

  it('lets the ServiceAccount read Secrets and Leases in its namespace and nowhere else', async () => {
    const user = `system:serviceaccount:${installNamespace}:${RELEASE}`;
    const can = async (verb: string, resource: string, group: string, namespace?: string): Promise<boolean> => {
      const review = await client.transport.requestOk<{ status: { allowed: boolean } }>('/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        method: 'POST',
        body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user, groups: ['system:serviceaccounts', `system:serviceaccounts:${installNamespace}`], resourceAttributes: { verb, resource, group, namespace } } },
      });
      return review.status.allowed;
    };
    expect(await can('get', 'secrets', '', installNamespace)).toBe(true);
    expect(await can('update', 'leases', 'coordination.k8s.io', installNamespace)).toBe(true);
    expect(await can('get', 'secrets', '', 'kube-system')).toBe(false);
    expect(await can('list', 'secrets', '')).toBe(false);
    expect(await can('create', 'secrets', '', installNamespace)).toBe(false);
    expect(await can('delete', 'leases', 'coordination.k8s.io', installNamespace)).toBe(false);
  });
});
