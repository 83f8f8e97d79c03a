import { describe, expect, it } from 'vitest';
import { aggregateStatus, getComponents, getDependencies, getReplicas, interpretHealth, mergeDependencies, reflectStatus, retain, reviseReplica } from './karmada.js';
import { repairEmptyTables } from './convert.js';
import { runHealthScript } from './argo-health.js';
import { LuaScriptError } from './runtime.js';

const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', annotations: {} },
  spec: {
    replicas: 3,
    template: {
      spec: {
        nodeSelector: { zone: 'a' },
        serviceAccountName: 'runner',
        containers: [{ name: 'c', resources: { limits: { cpu: '500m', memory: '1Gi' } }, envFrom: [{ configMapRef: { name: 'cfg' } }], env: [{ name: 'X', valueFrom: { secretKeyRef: { name: 'creds', key: 'k' } } }] }],
        initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }],
        volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }],
        tolerations: [],
      },
    },
  },
  status: { readyReplicas: 2 },
};

function kube(expr: string): unknown {
  return getReplicas(`local kube = require("kube")\nfunction GetReplicas(obj) return 1, { value = ${expr} } end`, deployment).requires as unknown;
}

describe('kube library', () => {
  it.each([
    ['kube.resourceAdd("100m", "200m")', '300m'],
    ['kube.resourceAdd("1", "500m")', '1500m'],
    ['kube.resourceAdd("1Gi", "512Mi")', '1536Mi'],
    ['kube.resourceAdd(nil, "1k", "1000")', '2k'],
    ['kube.resourceAdd("1e3", "1e3")', '2e3'],
    ['kube.resourceAdd()', '0'],
    ['kube.getResourceQuantity("100m")', 0.1],
    ['kube.getResourceQuantity("1Ki")', 1024],
  ])('%s', (expr, expected) => {
    expect(kube(expr)).toEqual({ value: expected });
  });

  it('rejects numbers in resourceAdd and invalid quantities', () => {
    expect(() => kube('kube.resourceAdd(1)')).toThrow(/string expected/);
    expect(() => kube('kube.resourceAdd("abc")')).toThrow(/quantities must match/);
  });

  it('accuratePodRequirements: limits fill requests, init containers set the floor, node claim', () => {
    expect(kube('kube.accuratePodRequirements(obj.spec.template)')).toEqual({
      value: { nodeClaim: { nodeSelector: { zone: 'a' } }, resourceRequest: { cpu: '2', memory: '1Gi' } },
    });
  });

  it('accuratePodRequirements reads quantities given as numbers, as Go decodes them', () => {
    const script = 'kube.accuratePodRequirements({spec = {containers = {{name = "a", resources = {limits = {cpu = 2, memory = "1Gi"}}}, {name = "b", resources = {requests = {cpu = 0.25}}}}}})';
    expect(kube(script)).toEqual({ value: { resourceRequest: { cpu: '2250m', memory: '1Gi' } } });
    expect(() => kube('kube.accuratePodRequirements({spec = {containers = {{name = "a", resources = {limits = {cpu = true}}}}}})')).toThrow(/PodTemplateSpec/);
  });

  it('accuratePodRequirements is nil for an empty pod', () => {
    expect(getReplicas('function GetReplicas(obj) return 1, { value = require("kube").accuratePodRequirements({spec = {containers = {{name = "a"}}}}) } end', deployment).requires).toEqual({});
  });

  it('getPodDependencies lists config maps, secrets, service account and claims', () => {
    expect(kube('kube.getPodDependencies(obj.spec.template, obj.metadata.namespace)')).toEqual({
      value: [
        { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'cfg' },
        { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'creds' },
        { apiVersion: 'v1', kind: 'ServiceAccount', namespace: 'shop', name: 'runner' },
        { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data' },
      ],
    });
  });
});

describe('operations', () => {
  it('GetReplicas returns the count truncated and the requirements, without empty lists (no references)', () => {
    const r = getReplicas('function GetReplicas(obj) return obj.spec.replicas + 0.7, { namespace = obj.metadata.namespace, nodeClaim = { tolerations = {} } } end', deployment);
    expect(r).toEqual({ replica: 3, requires: { namespace: 'shop', nodeClaim: {} } });
  });

  it('GetReplicas without a number is an error', () => {
    expect(() => getReplicas('function GetReplicas(obj) return nil end', deployment)).toThrow(/not number/);
  });

  it('Retain keeps observed fields and repairs empty objects from the references', () => {
    const out = retain('function Retain(desired, observed) desired.status = observed.status return desired end', { ...deployment, status: undefined }, deployment);
    expect(out.status).toEqual({ readyReplicas: 2 });
    expect((out.metadata as { annotations: unknown }).annotations).toEqual({});
    expect((out.spec as { template: { spec: { tolerations: unknown } } }).template.spec.tolerations).toEqual([]);
  });

  it('ReviseReplica writes the share', () => {
    const out = reviseReplica('function ReviseReplica(obj, desiredReplica) obj.spec.replicas = desiredReplica return obj end', deployment, 5);
    expect((out.spec as { replicas: number }).replicas).toBe(5);
  });

  it('ReflectStatus and AggregateStatus', () => {
    expect(reflectStatus('function ReflectStatus(o) return { ready = o.status.readyReplicas } end', deployment)).toEqual({ ready: 2 });
    const agg = aggregateStatus(
      'function AggregateStatus(d, items) local n = 0 for _, i in ipairs(items) do n = n + i.status.ready end d.status = { ready = n, first = items[1].clusterName, applied = tostring(items[2].applied) } return d end',
      deployment,
      [
        { clusterName: 'm1', status: { ready: 1 }, applied: true },
        { clusterName: 'm2', status: { ready: 2 }, applied: false },
      ],
    );
    expect(agg.status).toEqual({ ready: 3, first: 'm1', applied: 'nil' });
  });

  it('AggregateStatus passes nil for a nil item list and a table for an empty one', () => {
    const script = 'function AggregateStatus(d, items) d.status = { items = type(items) } return d end';
    expect(aggregateStatus(script, deployment, null).status).toEqual({ items: 'nil' });
    expect(aggregateStatus(script, deployment, []).status).toEqual({ items: 'table' });
  });

  it('InterpretHealth must return a boolean', () => {
    expect(interpretHealth('function InterpretHealth(o) return o.status.readyReplicas == o.spec.replicas end', deployment)).toBe(false);
    expect(() => interpretHealth('function InterpretHealth(o) end', deployment)).toThrow(/not bool/);
  });

  it('GetDependencies validates each reference', () => {
    expect(getDependencies('function GetDependencies(o) return {{apiVersion = "v1", kind = "Secret", namespace = "shop", name = "x"}} end', deployment)).toEqual([{ apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 'x' }]);
    expect(getDependencies('function GetDependencies(o) return {} end', deployment)).toEqual([]);
    expect(() => getDependencies('function GetDependencies(o) return {{kind = "Secret"}} end', deployment)).toThrow(/apiVersion/);
  });

  it('GetComponents returns named components', () => {
    expect(getComponents('function GetComponents(o) return {{name = "head", replicas = 1}, {name = "worker", replicas = o.spec.replicas}} end', deployment)).toEqual([
      { name: 'head', replicas: 1 },
      { name: 'worker', replicas: 3 },
    ]);
  });

  it('a missing function is reported as such', () => {
    const e = (() => {
      try {
        retain('function Other() end', deployment, deployment);
      } catch (err) {
        return err;
      }
    })();
    expect(e).toBeInstanceOf(LuaScriptError);
    expect((e as LuaScriptError).kind).toBe('missing-function');
  });
});

describe('dependencies as Karmada returns them', () => {
  it('keeps one of each named reference, every label-selector one, sorted field by field', () => {
    const script = `function GetDependencies(obj)
  local sel = {matchLabels = {app = "x"}}
  return {
    {apiVersion = "v1", kind = "Secret", namespace = "ns", name = "b"},
    {apiVersion = "v1", kind = "ConfigMap", namespace = "ns", name = "a"},
    {apiVersion = "v1", kind = "Secret", namespace = "ns", name = "b"},
    {apiVersion = "v1", kind = "ConfigMap", namespace = "ns", labelSelector = sel},
    {apiVersion = "v1", kind = "ConfigMap", namespace = "ns", labelSelector = sel},
  }
end`;
    const deps = mergeDependencies([getDependencies(script, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'x' } })]);
    expect(deps.map((d) => `${d.kind}/${d.name ?? 'selector'}`)).toEqual(['ConfigMap/selector', 'ConfigMap/selector', 'ConfigMap/a', 'Secret/b']);
  });
});

describe('Karmada empty-table repair', () => {
  it('turns [] back into {} or [] by the references, and drops the rest', () => {
    const ref = { spec: { aa: {}, bb: [], rules: [{ names: [] }] } };
    expect(repairEmptyTables({ spec: { aa: [], bb: [], cc: [], rules: [{ names: [] }] } }, true, [ref])).toEqual({ spec: { aa: {}, bb: [], rules: [{ names: [] }] } });
    expect(repairEmptyTables([], true, [])).toEqual({});
  });
});

describe('Argo CD health.lua', () => {
  it('runs the chunk with obj and maps the result', () => {
    expect(runHealthScript('hs = {} if obj.status.readyReplicas == obj.spec.replicas then hs.status = "Healthy" else hs.status = "Progressing" end hs.message = string.format("%d/%d", obj.status.readyReplicas, obj.spec.replicas) return hs', deployment)).toEqual({
      status: 'Progressing',
      message: '2/3',
    });
  });

  it('maps invalid statuses, errors and empty tables like Argo CD', () => {
    expect(runHealthScript('return {status = "Fine"}', deployment)).toEqual({ status: 'Unknown', message: 'Lua returned an invalid health status' });
    expect(runHealthScript('return {}', deployment)).toEqual({ status: '', message: '' });
    expect(runHealthScript('return 1', deployment)).toEqual({ status: 'Unknown', message: 'expect table output from Lua script, not number' });
    expect(runHealthScript('error("boom")', deployment).message).toContain('boom');
  });

  it('decodes the result as Go does: field names in any case, the last spelling in key order wins, wrong types empty it', () => {
    expect(runHealthScript('return {STATUS = "Degraded", Message = "low"}', deployment)).toEqual({ status: 'Degraded', message: 'low' });
    expect(runHealthScript('return {Status = "Degraded", status = "Healthy"}', deployment)).toEqual({ status: 'Healthy', message: '' });
    expect(runHealthScript('return {status = "Healthy", Message = 3}', deployment)).toEqual({ status: '', message: '' });
  });

  it('a table with a message but no status is an invalid status, as Argo CD validates after decoding', () => {
    expect(runHealthScript('return {message = "waiting"}', deployment)).toEqual({ status: 'Unknown', message: 'Lua returned an invalid health status' });
    expect(runHealthScript('return {status = "", note = "x"}', deployment)).toEqual({ status: 'Unknown', message: 'Lua returned an invalid health status' });
  });

  it('runs the script on an object being deleted, so the script words its own deletion message', () => {
    const script = 'if obj.metadata.deletionTimestamp ~= nil then return {status = "Progressing", message = "draining " .. obj.metadata.name} end return {status = "Healthy"}';
    expect(runHealthScript(script, { ...deployment, metadata: { name: 'web', deletionTimestamp: '2024-01-01T00:00:00Z' } })).toEqual({ status: 'Progressing', message: 'draining web' });
  });
});
