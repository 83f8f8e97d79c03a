import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { stagingModules, kubernetesVersionLdflags } from './build.js';
import { compareVersions, parseGoVersion } from './go.js';
import { memberPorts } from './member.js';
import { defaultTopology, fakeNodes } from './nodes.js';
import { kwokStageConfig, FAULT_LABEL } from './stages.js';
import { stagingVersion, testbedCacheKey } from './versions.js';

describe('stagingModules', () => {
  it('takes the v0.0.0 requirements and ignores pseudo-versions and other modules', () => {
    const goMod = [
      'module k8s.io/kubernetes',
      'require (',
      '\tk8s.io/api v0.0.0',
      '\tk8s.io/utils v0.0.0-20250604170112-4c0f3b243397',
      '\tk8s.io/cri-streaming v0.0.0 // indirect',
      '\tgithub.com/x/y v1.2.3',
      '\tk8s.io/kube-openapi v0.0.0-20250710124328-f3f2b991d03b',
      ')',
      'require k8s.io/client-go v0.0.0',
    ].join('\n');
    expect(stagingModules(goMod)).toEqual(['k8s.io/api', 'k8s.io/client-go', 'k8s.io/cri-streaming']);
  });
});

describe('versions', () => {
  it.each([
    ['go version go1.26.8 linux/amd64', '1.26.8'],
    ['go version go1.27 darwin/arm64', '1.27'],
    ['nonsense', undefined],
  ])('parses %j', (out, want) => expect(parseGoVersion(out)).toBe(want));

  it.each([
    ['1.26.8', '1.26.0', 1],
    ['1.25.9', '1.26.0', -1],
    ['1.26', '1.26.0', 0],
  ])('compares %s with %s', (a, b, sign) => expect(Math.sign(compareVersions(a, b))).toBe(sign));

  it('maps a Kubernetes release to its staging tag and cache key', () => {
    expect(stagingVersion('v1.36.3')).toBe('v0.36.3');
    expect(testbedCacheKey()).toMatch(/^k8s-v1\.\d+\.\d+_etcd-v3\.\d+\.\d+_kwok-v\d+\.\d+\.\d+$/);
  });

  it('injects gitVersion, major and minor into both version packages', () => {
    const flags = kubernetesVersionLdflags('v1.36.3', '2026-01-01T00:00:00Z');
    for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
      expect(flags).toContain(`-X ${pkg}.gitVersion=v1.36.3`);
      expect(flags).toContain(`-X ${pkg}.gitMinor=36`);
    }
  });
});

describe('member layout', () => {
  it('gives every member its own ports', () => {
    const ports = [1, 2, 3, 4].flatMap((i) => Object.values(memberPorts(31400, i)));
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('puts member1 and member2 in one region and member3 in another', () => {
    expect(defaultTopology(1).region).toBe(defaultTopology(2).region);
    expect(defaultTopology(3).region).not.toBe(defaultTopology(1).region);
  });

  it('labels fake nodes with region and zone and gives them allocatable resources', () => {
    const nodes = fakeNodes(defaultTopology(3)) as { metadata: { labels: Record<string, string> }; status: { allocatable: Record<string, string> } }[];
    expect(nodes.map((n) => n.metadata.labels['topology.kubernetes.io/zone'])).toEqual(['us-east-a', 'us-east-b']);
    expect(nodes.every((n) => n.metadata.labels['topology.kubernetes.io/region'] === 'us-east')).toBe(true);
    expect(nodes[0]!.status.allocatable).toMatchObject({ cpu: '8', memory: '32Gi', pods: '110' });
  });
});

describe('kwokStageConfig', () => {
  const dir = mkdtempSync(join(tmpdir(), 'stages-'));
  const stage = (name: string, kind = 'Pod') =>
    `apiVersion: kwok.x-k8s.io/v1alpha1\nkind: Stage\nmetadata: {name: ${name}}\nspec:\n  resourceRef: {apiGroup: v1, kind: ${kind}}\n  selector:\n    matchExpressions: [{key: .status.phase, operator: In, values: [Pending]}]\n  next: {}\n`;
  for (const f of ['node-initialize', 'node-heartbeat-with-lease']) writeFileSync(join(dir, `${f}.yaml`), stage(f, 'Node'));
  for (const f of ['pod-ready', 'pod-complete', 'pod-delete']) writeFileSync(join(dir, `${f}.yaml`), stage(f));

  const docs = parseAllDocuments(kwokStageConfig(dir)) as unknown as { toJS(): { metadata: { name: string }; spec: { selector: { matchExpressions: { key: string; operator: string; values?: string[] }[] } } } }[];
  const stages = docs.map((d) => d.toJS());

  it('keeps KWOK stages and adds one stage per fault', () => {
    expect(stages.map((s) => s.metadata.name)).toEqual([
      'node-initialize',
      'node-heartbeat-with-lease',
      'pod-ready',
      'pod-complete',
      'pod-delete',
      'flotilla-pod-crashloop',
      'flotilla-pod-unready',
      'flotilla-pod-fail',
    ]);
  });

  it('keeps pods with a fault label away from the pod-ready stage', () => {
    const ready = stages.find((s) => s.metadata.name === 'pod-ready')!;
    expect(ready.spec.selector.matchExpressions).toContainEqual({ key: `.metadata.labels.["${FAULT_LABEL}"]`, operator: 'DoesNotExist' });
    const crash = stages.find((s) => s.metadata.name === 'flotilla-pod-crashloop')!;
    expect(crash.spec.selector.matchExpressions).toContainEqual({ key: `.metadata.labels.["${FAULT_LABEL}"]`, operator: 'In', values: ['crashloop'] });
  });
});
