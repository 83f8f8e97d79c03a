import { describe, expect, it } from 'vitest';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { MemoryCluster } from '../kube/memory-cluster.js';
import type { KubeTransport } from '../kube/transport.js';
import type { ClusterDef } from '../model/fleet.js';
import { createLogger } from '../telemetry/log.js';
import { Reconciler } from './reconcile.js';
import { kubeSecretReader, memberCredentials, secretRefConnector, type SecretReader } from './secret-credentials.js';

const TOKEN = 'sa-token-0123456789-do-not-leak';
const CA = '-----BEGIN CERTIFICATE-----\nMIIBcaBundleDoNotLeak\n-----END CERTIFICATE-----\n';
const bytes = (s: string) => new TextEncoder().encode(s);

const cluster = (name: string, spec: Partial<ClusterDef['spec']> = {}): ClusterDef => ({
  name,
  labels: {},
  annotations: {},
  spec: { syncMode: 'Push', apiEndpoint: `https://${name}.example:6443`, secretRef: { namespace: 'karmada-cluster', name }, ...spec },
  source: { file: `clusters/${name}.yaml`, line: 1, column: 1 },
});

const kubeconfigWith = (token: string, current = 'm') =>
  `apiVersion: v1\nkind: Config\ncurrent-context: ${current}\nclusters: [{name: c, cluster: {server: 'https://m.example:6443'}}]\n` +
  `users: [{name: u, user: {token: ${token}}}]\ncontexts: [{name: m, context: {cluster: c, user: u}}]\n`;

function fakeSecrets(secrets: Record<string, Record<string, string>>): SecretReader & { reads: number } {
  const reader = {
    reads: 0,
    async read(namespace: string, name: string) {
      reader.reads++;
      const s = secrets[`${namespace}/${name}`];
      return s ? Object.fromEntries(Object.entries(s).map(([k, v]) => [k, bytes(v)])) : undefined;
    },
  };
  return reader;
}

describe('memberCredentials (Karmada keys and the Cluster spec)', () => {
  it('sends the token to spec.apiEndpoint, verified with the caBundle', () => {
    const c = memberCredentials(cluster('member1'), { token: bytes(`${TOKEN}\n`), caBundle: bytes(CA) }, {});
    expect(c.kind).toBe('token');
    const { options } = c as Extract<typeof c, { kind: 'token' }>;
    expect(options).toMatchObject({ server: 'https://member1.example:6443', token: TOKEN, insecureSkipTLSVerify: false });
    expect(String(options.ca)).toBe(CA);
  });

  it('refuses to skip TLS verification or to use plain http unless the operator allows it', () => {
    const skip = memberCredentials(cluster('member1', { insecureSkipTLSVerification: true }), { token: bytes(TOKEN) }, {});
    expect(skip).toEqual({ kind: 'refused', reason: expect.stringMatching(/without verifying the server.*--insecure-kubeconfig-tls/) });
    expect(memberCredentials(cluster('member1', { insecureSkipTLSVerification: true }), { token: bytes(TOKEN) }, { allowInsecureTLS: true })).toMatchObject({ kind: 'token', options: { insecureSkipTLSVerify: true } });
    expect(memberCredentials(cluster('member1', { apiEndpoint: 'http://10.0.0.1:8080' }), { token: bytes(TOKEN) }, {})).toMatchObject({ kind: 'refused', reason: expect.stringMatching(/plain http/) });
  });

  it('explains what is missing or wrong: the token, the endpoint, the proxy', () => {
    expect(memberCredentials(cluster('member1'), { caBundle: bytes(CA) }, {})).toEqual({
      kind: 'refused',
      reason: "Secret karmada-cluster/member1 (spec.secretRef of cluster member1) has neither a 'token' nor a 'kubeconfig' key",
    });
    expect(memberCredentials(cluster('member1', { apiEndpoint: undefined }), { token: bytes(TOKEN) }, {})).toMatchObject({ reason: expect.stringMatching(/no spec.apiEndpoint/) });
    expect(memberCredentials(cluster('member1', { proxyURL: 'socks5://proxy:1080' }), { token: bytes(TOKEN) }, {})).toMatchObject({ reason: expect.stringMatching(/must be an http or https URL/) });
    expect(memberCredentials(cluster('member1', { proxyURL: 'http://proxy:3128' }), { token: bytes(TOKEN) }, {})).toMatchObject({ kind: 'token', options: { proxyUrl: 'http://proxy:3128' } });
  });

  it('takes a whole kubeconfig from the kubeconfig key, and never quotes a broken one', () => {
    expect(memberCredentials(cluster('member1'), { kubeconfig: bytes(kubeconfigWith(TOKEN)) }, {})).toMatchObject({ kind: 'kubeconfig', context: 'm' });
    const broken = memberCredentials(cluster('member1'), { kubeconfig: bytes(`users: [{user: {token: ${TOKEN}}\n  - : [`) }, {});
    expect(broken).toEqual({ kind: 'refused', reason: "key 'kubeconfig' of Secret karmada-cluster/member1 (spec.secretRef of cluster member1) is not a valid kubeconfig" });
    expect(memberCredentials(cluster('member1'), { kubeconfig: bytes(kubeconfigWith(TOKEN, 'absent')) }, {})).toMatchObject({ reason: expect.stringMatching(/no current-context/) });
  });
});

describe('secretRefConnector', () => {
  const made: { cluster: string; server: string }[] = [];
  const client = (c: ClusterDef, transport: KubeTransport) => {
    made.push({ cluster: c.name, server: transport.server.toString() });
    return new MemoryCluster(c.name);
  };

  it('connects clusters with spec.secretRef through their Secret, the others through the fallback', async () => {
    made.length = 0;
    const secrets = fakeSecrets({ 'karmada-cluster/member1': { token: TOKEN, caBundle: CA } });
    const connector = secretRefConnector({ secrets, fallback: memoryConnector(['plain']), client });
    expect(await connector.connect(cluster('member1'))).toMatchObject({ ok: true });
    expect(made).toEqual([{ cluster: 'member1', server: 'https://member1.example:6443/' }]);
    const plain = await connector.connect({ ...cluster('plain'), spec: { syncMode: 'Push' } });
    expect(plain.ok && plain.client.name).toBe('plain');
    connector.close();
  });

  it('reads the Secret at every connect and makes a new client only when it changed (a rotated token)', async () => {
    made.length = 0;
    const data = { token: TOKEN };
    const secrets = fakeSecrets({ 'karmada-cluster/member1': data });
    const connector = secretRefConnector({ secrets, fallback: memoryConnector([]), client });
    const first = await connector.connect(cluster('member1'));
    const second = await connector.connect(cluster('member1'));
    expect(first.ok && second.ok && first.client === second.client).toBe(true);
    data.token = `${TOKEN}-rotated`;
    const third = await connector.connect(cluster('member1'));
    expect(first.ok && third.ok && first.client !== third.client).toBe(true);
    expect(secrets.reads).toBe(3);
    expect(made).toHaveLength(2);
  });

  it('says why when there is no management cluster, no Secret, or the Secret cannot be read', async () => {
    const none = secretRefConnector({ secrets: undefined, fallback: memoryConnector([]) });
    expect(await none.connect(cluster('member1'))).toEqual({ ok: false, reason: expect.stringMatching(/needs a management cluster: give --management-kubeconfig/) });
    const missing = secretRefConnector({ secrets: fakeSecrets({}), fallback: memoryConnector([]) });
    expect(await missing.connect(cluster('member1'))).toEqual({
      ok: false,
      reason: 'Secret karmada-cluster/member1 (spec.secretRef of cluster member1) does not exist in the management cluster',
    });
    const failing = secretRefConnector({ secrets: { read: () => Promise.reject(new Error('secrets "member1" is forbidden')) }, fallback: memoryConnector([]) });
    expect(await failing.connect(cluster('member1'))).toMatchObject({ reason: expect.stringMatching(/cannot read Secret karmada-cluster\/member1 .*forbidden/) });
  });
});

describe('kubeSecretReader', () => {
  it('decodes the data of a Secret read through the cluster API', async () => {
    const management = new MemoryCluster('management', { namespaces: ['default', 'karmada-cluster'] });
    await management.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'member1', namespace: 'karmada-cluster' }, data: { token: Buffer.from(TOKEN).toString('base64') } });
    const reader = kubeSecretReader(management);
    const data = await reader.read('karmada-cluster', 'member1');
    expect(Buffer.from(data!.token!).toString()).toBe(TOKEN);
    expect(await reader.read('karmada-cluster', 'absent')).toBeUndefined();
  });
});

describe('a pass with Secret credentials', () => {
  it('never puts a token, a CA or a kubeconfig into logs, status files, commit messages or the report', async () => {
    const clusterFile = (name: string, extra = '') =>
      `apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: ${name}}\n` +
      `spec: {syncMode: Push, apiEndpoint: 'https://${name}.example:6443', secretRef: {namespace: karmada-cluster, name: ${name}}${extra}}\n`;
    const repo = new MemoryFleetSource({
      'clusters/member1.yaml': clusterFile('member1'),
      'clusters/member2.yaml': clusterFile('member2'),
      'clusters/member3.yaml': clusterFile('member3', ', insecureSkipTLSVerification: true'),
      'clusters/member4.yaml': clusterFile('member4'),
      'policies/all.yaml':
        'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: shop}\n' +
        'spec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [member1, member2, member3, member4]}}\n',
      'workloads/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {v: "1"}\n',
    });
    const secrets = fakeSecrets({
      'karmada-cluster/member1': { token: TOKEN, caBundle: CA },
      'karmada-cluster/member2': { kubeconfig: `not: [a kubeconfig ${TOKEN}` },
      'karmada-cluster/member3': { token: TOKEN, caBundle: CA },
      'karmada-cluster/member4': { caBundle: CA },
    });
    const lines: string[] = [];
    const log = createLogger({ format: 'json', level: 'debug', out: { write: (s: string) => void lines.push(s) } });
    const connector = secretRefConnector({ secrets, fallback: memoryConnector([]), client: (c) => new MemoryCluster(c.name) });
    const reconciler = new Reconciler({ repo, connector, log, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0 });
    const report = await reconciler.reconcileOnce();
    expect(report.clusters.map((c) => [c.name, c.ready])).toEqual([
      ['member1', true],
      ['member2', false],
      ['member3', false],
      ['member4', false],
    ]);
    const everything = [
      ...lines,
      JSON.stringify(report),
      ...repo.commits.flatMap((c) => [c.message, ...[...c.files.values()].map((f) => new TextDecoder().decode(f))]),
    ].join('\n');
    expect(everything).toContain('is not a valid kubeconfig');
    for (const secret of [TOKEN, 'caBundleDoNotLeak', 'BEGIN CERTIFICATE']) expect(everything).not.toContain(secret);
  });
});
