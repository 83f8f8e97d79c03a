import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { KubeObject } from '../model/kube.js';
import { detectDrift, normalizeForCompare } from './index.js';

const y = (text: string) => parse(text) as KubeObject;

/** A live Deployment as `kubectl get -o yaml` prints it, after Flotilla applied it and the controller rolled it out. */
const LIVE = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  uid: 3f1c9a8e-0d55-4a6b-9a41-6a0a3b1f2c77
  resourceVersion: "48213"
  generation: 4
  creationTimestamp: "2025-03-01T09:58:12Z"
  labels: {app: web, flotilla.dev/managed: "true"}
  annotations:
    deployment.kubernetes.io/revision: "3"
    flotilla.dev/content-hash: 8d2f
  managedFields:
  - {manager: flotilla, operation: Apply, apiVersion: apps/v1, time: "2025-03-01T10:00:00Z", fieldsType: FieldsV1, fieldsV1: {f:spec: {f:replicas: {}}}}
  - {manager: kube-controller-manager, operation: Update, subresource: status, apiVersion: apps/v1, time: "2025-03-01T10:01:00Z", fieldsType: FieldsV1, fieldsV1: {f:status: {}}}
spec:
  replicas: 3
  revisionHistoryLimit: 10
  progressDeadlineSeconds: 600
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
  template:
    metadata:
      creationTimestamp: null
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        imagePullPolicy: IfNotPresent
        ports: [{containerPort: 80, protocol: TCP}]
        resources: {requests: {cpu: 100m, memory: 64Mi}}
        terminationMessagePath: /dev/termination-log
        terminationMessagePolicy: File
      dnsPolicy: ClusterFirst
      restartPolicy: Always
      schedulerName: default-scheduler
      securityContext: {}
      terminationGracePeriodSeconds: 30
status:
  observedGeneration: 4
  replicas: 3
  readyReplicas: 3
  availableReplicas: 3
  updatedReplicas: 3
  conditions:
  - {type: Available, status: "True", lastUpdateTime: "2025-03-01T10:01:00Z", lastTransitionTime: "2025-03-01T10:01:00Z", reason: MinimumReplicasAvailable}
`;

interface Container {
  name: string;
  image: string;
  resources?: { requests: Record<string, string> };
}
interface LiveDeployment extends KubeObject {
  spec: {
    replicas: number;
    revisionHistoryLimit: number;
    paused?: boolean | null;
    template: { metadata: { creationTimestamp?: string | null; labels: Record<string, string> }; spec: { containers: Container[] } };
  };
  status: Record<string, unknown>;
}

/** Edit the live object as someone (or the server) would. */
function edited(edit: (o: LiveDeployment) => void): KubeObject {
  const o = y(LIVE) as LiveDeployment;
  edit(o);
  return o;
}

describe('detectDrift', () => {
  it('finds nothing when live and dry-run differ only in server-set fields', () => {
    const dryRun = edited((o) => {
      o.metadata.resourceVersion = '48990';
      o.metadata.generation = 5;
      (o.metadata.managedFields as { time: string }[])[0]!.time = '2025-03-02T08:00:00Z';
      o.metadata.annotations!['deployment.kubernetes.io/revision'] = '4';
      o.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration'] = '{"apiVersion":"apps/v1"}';
      o.status.readyReplicas = 1;
      o.metadata.uid = 'other';
      o.metadata.creationTimestamp = '2025-03-02T00:00:00Z';
      o.metadata.selfLink = '/apis/apps/v1/namespaces/shop/deployments/web';
    });
    expect(detectDrift(y(LIVE), dryRun)).toEqual({ drifted: false, changes: [] });
  });

  it('reports replicas edited with kubectl scale (the dry-run puts them back)', () => {
    const live = edited((o) => {
      o.spec.replicas = 7;
      o.status.replicas = 7;
    });
    const dryRun = edited((o) => {
      o.metadata.generation = 5;
    });
    expect(detectDrift(live, dryRun)).toEqual({ drifted: true, changes: [{ path: '/spec/replicas', live: 7, desired: 3 }] });
  });

  it('does not report a label someone else added (server-side apply keeps fields it does not own)', () => {
    const live = edited((o) => {
      o.metadata.labels!['team'] = 'payments';
    });
    // The dry-run of Flotilla's apply is computed from the live object, so the foreign label is still there.
    const dryRun = edited((o) => {
      o.metadata.labels!['team'] = 'payments';
    });
    expect(detectDrift(live, dryRun).drifted).toBe(false);
  });

  it('reports a field Flotilla stopped applying as desired: null (apply removes what it owned)', () => {
    const live = edited((o) => {
      o.metadata.labels!['tier'] = 'frontend';
    });
    expect(detectDrift(live, y(LIVE)).changes).toEqual([{ path: '/metadata/labels/tier', live: 'frontend', desired: null }]);
  });

  it('reports an image edited in place at the container field, and sorts paths', () => {
    const live = edited((o) => {
      o.spec.template.spec.containers[0]!.image = 'nginx:1.26';
      o.spec.template.spec.containers[0]!.resources!.requests.cpu = '50m';
      o.spec.revisionHistoryLimit = 2;
    });
    expect(detectDrift(live, y(LIVE)).changes.map((c) => c.path)).toEqual([
      '/spec/revisionHistoryLimit',
      '/spec/template/spec/containers/0/image',
      '/spec/template/spec/containers/0/resources/requests/cpu',
    ]);
  });

  it('reports a list of another length as one change', () => {
    const live = edited((o) => {
      o.spec.template.spec.containers.push({ name: 'debug', image: 'busybox' });
    });
    const [change, ...rest] = detectDrift(live, y(LIVE)).changes;
    expect(rest).toEqual([]);
    expect(change!.path).toBe('/spec/template/spec/containers');
    expect((change!.live as unknown[]).length).toBe(2);
    expect((change!.desired as unknown[]).length).toBe(1);
  });

  it('escapes ~ and / in keys as JSON pointers do', () => {
    const live = edited((o) => {
      o.metadata.annotations!['example.com/owner~team'] = 'a';
    });
    const dryRun = edited((o) => {
      o.metadata.annotations!['example.com/owner~team'] = 'b';
    });
    expect(detectDrift(live, dryRun).changes).toEqual([{ path: '/metadata/annotations/example.com~1owner~0team', live: 'a', desired: 'b' }]);
  });

  it('treats null and absent fields, and empty label maps, as the same', () => {
    const live = edited((o) => {
      o.spec.template.metadata.creationTimestamp = null;
      o.spec.paused = null;
    });
    const dryRun = edited((o) => {
      delete o.spec.template.metadata.creationTimestamp;
      o.metadata.annotations = { 'deployment.kubernetes.io/revision': '3', 'flotilla.dev/content-hash': '8d2f' };
    });
    expect(detectDrift(live, dryRun).drifted).toBe(false);
    const noAnnotations = y('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, annotations: {kubectl.kubernetes.io/last-applied-configuration: "{}"}}\ndata: {a: "1"}');
    const bare = y('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}');
    expect(detectDrift(noAnnotations, bare).drifted).toBe(false);
  });

  it('reports a type change at the field', () => {
    const live = y('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: "1"}');
    const dryRun = y('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: {nested: "1"}}');
    expect(detectDrift(live, dryRun).changes).toEqual([{ path: '/data/a', live: '1', desired: { nested: '1' } }]);
  });

  it('leaves out ignored paths and everything below them', () => {
    const live = edited((o) => {
      o.spec.replicas = 9;
      o.spec.template.spec.containers[0]!.image = 'nginx:1.26';
    });
    const report = detectDrift(live, y(LIVE), { ignorePaths: ['/spec/replicas', '/spec/template/spec/containers'] });
    expect(report).toEqual({ drifted: false, changes: [] });
    // A prefix must end at a segment boundary: /spec/rep does not cover /spec/replicas.
    expect(detectDrift(live, y(LIVE), { ignorePaths: ['/spec/rep'] }).changes.map((c) => c.path)).toContain('/spec/replicas');
  });

  it('does not modify its inputs', () => {
    const live = y(LIVE);
    const dryRun = edited((o) => {
      o.spec.replicas = 2;
    });
    const before = JSON.stringify([live, dryRun]);
    detectDrift(live, dryRun);
    expect(JSON.stringify([live, dryRun])).toBe(before);
  });
});

describe('normalizeForCompare', () => {
  it('drops status and server-set metadata, keeps what someone could have edited, and sorts keys', () => {
    const n = normalizeForCompare(y(LIVE));
    expect(n).not.toHaveProperty('status');
    expect(Object.keys(n.metadata)).toEqual(['annotations', 'labels', 'name', 'namespace']);
    expect(n.metadata.annotations).toEqual({ 'flotilla.dev/content-hash': '8d2f' });
    expect(Object.keys(n)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect((n.spec as { template: { metadata: object } }).template.metadata).toEqual({ labels: { app: 'web' } });
  });

  it('keeps finalizers and owner references: they are real metadata', () => {
    const n = normalizeForCompare(y('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, finalizers: [example.com/keep], ownerReferences: [{kind: X, name: x, uid: u, apiVersion: v1}]}'));
    expect(n.metadata.finalizers).toEqual(['example.com/keep']);
    expect(n.metadata.ownerReferences).toHaveLength(1);
  });
});
