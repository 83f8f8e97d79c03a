/**
 * Member credentials from the management cluster, on the testbed: member1 doubles as the management cluster and
 * holds a Secret (Karmada's keys, token + caBundle) for member2, whose Cluster has spec.secretRef and
 * spec.apiEndpoint and no kubeconfig context the controller could use. The token is a real service account token
 * of member2 (TokenRequest), so applying proves it was sent and accepted; a revoked token makes member2 NotReady.
 */
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { kubeconfigConnector } from '../../src/controller/clusters.js';
import { Reconciler } from '../../src/controller/reconcile.js';
import { managementSecretReader, secretRefConnector } from '../../src/controller/secret-credentials.js';
import { createLogger } from '../../src/telemetry/log.js';
import { MemoryFleetSource } from '../support/memory-fleet-source.js';
import { getObject, memberClient, serverSideApply } from './helpers.js';

const NS = 'secret-ref-e2e';
const SECRETS_NS = 'karmada-cluster';
const SA = 'flotilla-secret-ref-e2e';

type Client = Awaited<ReturnType<typeof memberClient>>;
let management: Client;
let member2: Client;
let token: string;
let caBundle: string;
let server: string;

const b64 = (s: string) => Buffer.from(s).toString('base64');

async function putSecret(data: Record<string, string>): Promise<void> {
  await serverSideApply(management, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'member2', namespace: SECRETS_NS }, type: 'Opaque', data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)])) });
}

beforeAll(async () => {
  management = await memberClient('member1');
  member2 = await memberClient('member2');
  const kc = new KubeConfig();
  kc.loadFromFile(inject('kubeconfig'));
  const cluster = kc.getCluster(kc.getContextObject('member2')!.cluster)!;
  server = cluster.server;
  caBundle = Buffer.from(cluster.caData!, 'base64').toString('utf8');
  await serverSideApply(management, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: SECRETS_NS } });
  // A service account on member2 that may manage the test's namespace, and a short-lived token for it.
  await serverSideApply(member2, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: SA, namespace: 'default' } });
  await serverSideApply(member2, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name: SA },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [{ kind: 'ServiceAccount', name: SA, namespace: 'default' }],
  });
  const request = await member2.transport.requestOk<{ status: { token: string } }>(`/api/v1/namespaces/default/serviceaccounts/${SA}/token`, {
    method: 'POST',
    body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 3600 } },
  });
  token = request.status.token;
});

afterAll(async () => {
  for (const [c, ref] of [
    [management, { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: SECRETS_NS }],
    [member2, { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: NS }],
    [member2, { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', namespace: '', name: SA }],
    [member2, { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'default', name: SA }],
  ] as const) {
    const live = await c?.get(ref).catch(() => undefined);
    if (live) await c.delete(ref, String(live.metadata.uid));
  }
  management?.close();
  member2?.close();
});

describe('Cluster spec.secretRef', () => {
  it('reaches member2 with the token and CA from the management cluster, and never writes them anywhere', async () => {
    await putSecret({ token, caBundle });
    const repo = new MemoryFleetSource({
      // Named so that no kubeconfig context matches: only the Secret can connect it.
      'clusters/via-secret.yaml': `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: via-secret}\nspec: {syncMode: Push, apiEndpoint: '${server}', secretRef: {namespace: ${SECRETS_NS}, name: member2}}\n`,
      'policies/all.yaml':
        `apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: ${NS}}\n` +
        `spec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [via-secret]}}\n`,
      'workloads/hello.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: hello, namespace: ${NS}}\ndata: {greeting: hi}\n`,
    });
    const managementSecrets = await managementSecretReader(inject('kubeconfig'), 'member1', {});
    const lines: string[] = [];
    const log = createLogger({ format: 'json', level: 'debug', out: { write: (s: string) => void lines.push(s) } });
    const connector = secretRefConnector({ secrets: managementSecrets!.reader, fallback: kubeconfigConnector(inject('kubeconfig')) });
    const reconciler = new Reconciler({ repo, connector, log, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0 });
    try {
      const first = await reconciler.reconcileOnce();
      expect(first.clusters).toEqual([expect.objectContaining({ name: 'via-secret', ready: true })]);
      const cm = await getObject(member2, 'v1', 'ConfigMap', NS, 'hello');
      expect(cm?.data).toEqual({ greeting: 'hi' });
      expect(cm?.metadata.labels).toMatchObject({ 'flotilla.dev/managed': 'true' });

      // A token the API server does not accept: member2 answers 401 and is recorded NotReady.
      await putSecret({ token: `${token.slice(0, -8)}AAAAAAAA`, caBundle });
      const second = await reconciler.reconcileOnce();
      expect(second.clusters).toEqual([expect.objectContaining({ name: 'via-secret', ready: false })]);

      const everything = [
        ...lines,
        JSON.stringify([first, second]),
        ...repo.commits.flatMap((c) => [c.message, ...[...c.files.values()].map((f) => new TextDecoder().decode(f))]),
      ].join('\n');
      expect(everything).toContain('via-secret');
      for (const secret of [token, token.slice(-24), caBundle.split('\n')[1]!]) expect(everything).not.toContain(secret);
    } finally {
      connector.close();
      managementSecrets?.close();
    }
  });
});
