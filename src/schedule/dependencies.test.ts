import { describe, expect, it } from 'vitest';
import { dependencyRefs } from './dependencies.js';
import { template } from './testing.js';
import type { KubeObject } from '../model/kube.js';

const podSpec = {
  serviceAccountName: 'runner',
  imagePullSecrets: [{ name: 'registry' }],
  initContainers: [{ name: 'init', envFrom: [{ configMapRef: { name: 'init-env' } }] }],
  containers: [
    {
      name: 'app',
      envFrom: [{ secretRef: { name: 'app-secret-env' } }],
      env: [
        { name: 'A', valueFrom: { configMapKeyRef: { name: 'settings', key: 'a' } } },
        { name: 'B', valueFrom: { secretKeyRef: { name: 'creds', key: 'b' } } },
        { name: 'C', value: 'plain' },
      ],
    },
  ],
  volumes: [
    { name: 'cfg', configMap: { name: 'files' } },
    { name: 'sec', secret: { secretName: 'tls' } },
    { name: 'proj', projected: { sources: [{ configMap: { name: 'proj-cm' } }, { secret: { name: 'proj-secret' } }, { serviceAccountToken: { path: 't' } }] } },
    { name: 'data', persistentVolumeClaim: { claimName: 'data' } },
    { name: 'csi', csi: { driver: 'x', nodePublishSecretRef: { name: 'csi-secret' } } },
    { name: 'empty', emptyDir: {} },
  ],
};

const wanted = [
  'ConfigMap/files',
  'ConfigMap/init-env',
  'ConfigMap/proj-cm',
  'ConfigMap/settings',
  'PersistentVolumeClaim/data',
  'Secret/app-secret-env',
  'Secret/creds',
  'Secret/csi-secret',
  'Secret/proj-secret',
  'Secret/registry',
  'Secret/tls',
  'ServiceAccount/runner',
];

const wrap = (apiVersion: string, kind: string, spec: Record<string, unknown>): KubeObject => ({ apiVersion, kind, metadata: { name: 'w', namespace: 'team' }, spec });

describe('dependencyRefs', () => {
  it.each([
    ['Deployment', wrap('apps/v1', 'Deployment', { template: { spec: podSpec } })],
    ['StatefulSet', wrap('apps/v1', 'StatefulSet', { template: { spec: podSpec } })],
    ['DaemonSet', wrap('apps/v1', 'DaemonSet', { template: { spec: podSpec } })],
    ['ReplicaSet', wrap('apps/v1', 'ReplicaSet', { template: { spec: podSpec } })],
    ['Job', wrap('batch/v1', 'Job', { template: { spec: podSpec } })],
    ['CronJob', wrap('batch/v1', 'CronJob', { jobTemplate: { spec: { template: { spec: podSpec } } } })],
    ['Pod', wrap('v1', 'Pod', podSpec)],
  ])('%s: every referenced ConfigMap, Secret, ServiceAccount and PVC in its namespace', (_, object) => {
    const refs = dependencyRefs(template(object));
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual(wanted);
    expect(new Set(refs.map((r) => `${r.apiVersion} ${r.namespace}`))).toEqual(new Set(['v1 team']));
  });

  it('ignores the default ServiceAccount and kinds without pod templates', () => {
    expect(dependencyRefs(template(wrap('apps/v1', 'Deployment', { template: { spec: { serviceAccountName: 'default', containers: [] } } })))).toEqual([]);
    expect(dependencyRefs(template(wrap('v1', 'Service', { selector: { app: 'x' } })))).toEqual([]);
  });

  it('reads the deprecated serviceAccount field', () => {
    const refs = dependencyRefs(template(wrap('v1', 'Pod', { serviceAccount: 'legacy', containers: [] })));
    expect(refs.map((r) => `${r.kind}/${r.name}`)).toEqual(['ServiceAccount/legacy']);
  });
});
