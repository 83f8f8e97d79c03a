import { describe, it } from 'vitest';
import { checkHealth, type HealthCase } from '../testing.js';

const custom = (status: string, generation = 3) => `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata: {name: apps, namespace: flux-system, generation: ${generation}}
spec: {interval: 10m, path: ./apps, prune: true, sourceRef: {kind: GitRepository, name: fleet}}
${status}`;

describe('custom resources (kstatus-style)', () => {
  it.each<HealthCase>([
    {
      name: 'Ready=True',
      yaml: custom('status:\n  observedGeneration: 3\n  conditions: [{type: Ready, status: "True", reason: ReconciliationSucceeded, message: "Applied revision: main@sha1:4f2c"}]'),
      health: 'Healthy',
      message: 'ReconciliationSucceeded: Applied revision: main@sha1:4f2c',
    },
    {
      name: 'Ready=False is still progressing',
      yaml: custom('status:\n  observedGeneration: 3\n  conditions: [{type: Ready, status: "False", reason: DependencyNotReady, message: "dependency flux-system/infra is not ready"}]'),
      health: 'Progressing',
      message: 'DependencyNotReady: dependency flux-system/infra is not ready',
    },
    { name: 'Ready=Unknown', yaml: custom('status:\n  conditions: [{type: Ready, status: "Unknown", reason: Progressing}]'), health: 'Progressing', message: 'Progressing' },
    {
      name: 'Stalled=True is Degraded, whatever Ready says',
      yaml: custom(
        'status:\n  observedGeneration: 3\n  conditions:\n  - {type: Ready, status: "False", reason: BuildFailed}\n  - {type: Stalled, status: "True", reason: BuildFailed, message: "kustomization path not found"}',
      ),
      health: 'Degraded',
      message: 'BuildFailed: kustomization path not found',
    },
    {
      name: 'Reconciling=True',
      yaml: custom('status:\n  observedGeneration: 3\n  conditions:\n  - {type: Reconciling, status: "True", reason: Progressing, message: "Reconciliation in progress"}\n  - {type: Ready, status: "True"}'),
      health: 'Progressing',
      message: 'Progressing: Reconciliation in progress',
    },
    {
      name: 'status describes an older generation',
      yaml: custom('status:\n  observedGeneration: 2\n  conditions: [{type: Ready, status: "True"}]', 3),
      health: 'Progressing',
      message: 'Kustomization generation is 3, but latest observed generation is 2',
    },
    {
      name: 'Ready condition for an older generation',
      yaml: custom('status:\n  conditions: [{type: Ready, status: "True", observedGeneration: 2}]', 3),
      health: 'Progressing',
      message: 'Ready condition describes generation 2, waiting for generation 3',
    },
    {
      name: 'Available=True without Ready',
      yaml: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nstatus: {conditions: [{type: Available, status: "True"}]}',
      health: 'Healthy',
    },
    {
      name: 'Available=False without Ready',
      yaml: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nstatus: {conditions: [{type: Available, status: "False", reason: MinimumReplicasUnavailable}]}',
      health: 'Progressing',
    },
    { name: 'no status at all', yaml: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, generation: 1}\nspec: {size: 2}', health: 'Healthy', message: '' },
    {
      name: 'unrelated conditions only',
      yaml: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nstatus: {conditions: [{type: Synced, status: "True"}]}',
      health: 'Healthy',
    },
    {
      name: 'a CRD kind named Deployment is judged by its conditions, not as apps/Deployment',
      yaml: 'apiVersion: example.com/v1\nkind: Deployment\nmetadata: {name: d, generation: 1}\nspec: {replicas: 3}\nstatus: {conditions: [{type: Ready, status: "True"}]}',
      health: 'Healthy',
    },
    {
      name: 'conditions that are not a list',
      yaml: 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nstatus: {conditions: {Ready: true}}',
      health: 'Unknown',
      message: 'Widget w: status.conditions: expected a list, got an object',
    },
  ])('$name', checkHealth);
});

describe('kinds without status are healthy once applied', () => {
  it.each<HealthCase>([
    { name: 'ConfigMap', yaml: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg}\ndata: {a: "1"}', health: 'Healthy' },
    { name: 'Secret', yaml: 'apiVersion: v1\nkind: Secret\nmetadata: {name: s}\ntype: Opaque\ndata: {a: MQ==}', health: 'Healthy' },
    { name: 'ServiceAccount', yaml: 'apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa}', health: 'Healthy' },
    {
      name: 'ClusterRoleBinding',
      yaml: 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: b}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}\nsubjects: []',
      health: 'Healthy',
    },
  ])('$name', checkHealth);
});
