/**
 * The command-line contract (docs/cli.md): JSON shapes, ordering and exit codes, exercised through
 * the real command parser on the template fleet.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { TEMPLATE_DIR } from '../../src/cli/init.js';
import { captureCli } from '../support/cli-capture.js';

const root = mkdtempSync(join(tmpdir(), 'flotilla-cli-'));
const fleet = join(root, 'fleet');
cpSync(TEMPLATE_DIR, fleet, { recursive: true });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const { out, err, run, json } = captureCli();

describe('flotilla validate', () => {
  it('reports a valid fleet with exit code 0', async () => {
    expect(await run('validate', '--repo', fleet, '-o', 'json')).toBe(0);
    expect(json()).toMatchObject({ valid: true, errors: [] });
  });

  it('names file, line and column of an error and exits 1', async () => {
    const broken = join(root, 'broken');
    cpSync(fleet, broken, { recursive: true });
    const p = join(broken, 'policies', 'shop.yaml');
    writeFileSync(p, readFileSync(p, 'utf8').replace('replicaSchedulingType: Divided\n      replicaDivisionPreference: Weighted\n      weightPreference', 'replicaSchedulingType: Divded\n      replicaDivisionPreference: Weighted\n      weightPreference'));
    expect(await run('validate', '--repo', broken, '-o', 'json')).toBe(1);
    const report = json() as { valid: boolean; errors: { file: string; line: number; column: number; message: string }[] };
    expect(report.valid).toBe(false);
    const e = report.errors.find((x) => x.message.includes('replicaSchedulingType'))!;
    expect(Object.keys(e)).toEqual(['file', 'line', 'column', 'message']);
    expect(e.file).toBe('policies/shop.yaml');
    const line = readFileSync(p, 'utf8').split('\n').findIndex((l) => l.includes('Divded')) + 1;
    expect(e.line).toBe(line);
    expect(e.message).toMatch(/^spec\.placement\.replicaScheduling\.replicaSchedulingType: .*Divided.*"Divded"/);
  });
});

describe('flotilla schedule', () => {
  it('prints placements in the contract shape, sorted, with exit code 0', async () => {
    expect(await run('schedule', '--repo', fleet, '-o', 'json')).toBe(0);
    const { placements, errors } = json() as { placements: Record<string, unknown>[]; errors: unknown[] };
    expect(errors).toEqual([]);
    for (const p of placements) expect(Object.keys(p)).toEqual(['resource', 'policy', 'scheduled', 'reason', 'message', 'clusters']);
    const keys = placements.map((p) => {
      const r = p.resource as Record<string, string>;
      return [r.apiVersion, r.kind, r.namespace, r.name];
    });
    expect(keys).toEqual([...keys].sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1)));
    const web = placements.find((p) => (p.resource as { name: string }).name === 'web' && (p.resource as { kind: string }).kind === 'Deployment')!;
    expect(web).toEqual({
      resource: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      policy: { kind: 'PropagationPolicy', namespace: 'shop', name: 'web' },
      scheduled: true,
      reason: 'Success',
      message: '',
      clusters: [{ name: 'member1', replicas: 2 }, { name: 'member2', replicas: 1 }],
    });
  });

  it('is byte-identical across runs', async () => {
    await run('schedule', '--repo', fleet, '-o', 'json');
    const first = out.join('\n');
    out.length = 0;
    await run('schedule', '--repo', fleet, '-o', 'json');
    expect(out.join('\n')).toBe(first);
  });
});

describe('flotilla render', () => {
  it('writes one object per file per cluster and removes stale files', async () => {
    const dir = join(root, 'out');
    mkdirSync(join(dir, 'member1', 'stale'), { recursive: true });
    writeFileSync(join(dir, 'member1', 'stale', 'old.yaml'), 'x: 1\n');
    expect(await run('render', '--repo', fleet, '--out', dir)).toBe(0);
    expect(existsSync(join(dir, 'member1', 'stale'))).toBe(false);
    const web = readFileSync(join(dir, 'member1', 'shop', 'deployment.apps-web.yaml'), 'utf8');
    expect(web).toMatch(/^apiVersion: apps\/v1\nkind: Deployment\nmetadata:/);
    expect(web).toContain('replicas: 2');
    expect(existsSync(join(dir, 'member3', 'shop', 'deployment.apps-web.yaml'))).toBe(false);
    expect(readFileSync(join(dir, 'member3', 'shop', 'deployment.apps-api.yaml'), 'utf8')).toContain('mirror.us-east.example.com/shop/api:2.0.1');
  });
});

describe('flotilla health', () => {
  it('assesses objects in input order', async () => {
    const f = join(root, 'live.yaml');
    writeFileSync(
      f,
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data, namespace: db}\nstatus: {phase: Pending}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: db}\n',
    );
    expect(await run('health', '-f', f, '-o', 'json')).toBe(0);
    expect(json()).toEqual({
      objects: [
        { resource: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'db', name: 'data' }, health: 'Progressing', message: expect.any(String) },
        { resource: { apiVersion: 'v1', kind: 'Namespace', namespace: '', name: 'db' }, health: 'Healthy', message: expect.any(String) },
      ],
      errors: [],
    });
  });

  it('reports a broken document, still assesses the others, and always gives string messages', async () => {
    const f = join(root, 'odd.yaml');
    const oddMessages = [
      'apiVersion: batch/v1\nkind: Job\nmetadata: {name: j, namespace: a}\nstatus: {conditions: [{type: Complete, status: "True", message: 42}]}',
      'apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata: {name: h, namespace: a}\nstatus: {conditions: [{type: ScalingActive, status: "False", message: {a: 1}}]}',
      'apiVersion: apps/v1\nkind: ReplicaSet\nmetadata: {name: r, namespace: a}\nstatus: {conditions: [{type: ReplicaFailure, status: "True", message: [1, 2]}]}',
      'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv}\nstatus: {phase: Failed, message: 7}',
    ];
    writeFileSync(f, [...oddMessages, 'a: &a [x, x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b, *b]', '- not an object'].join('\n---\n') + '\n');
    const code = await run('health', '-f', f, '-o', 'json');
    expect(err).toEqual([]);
    expect(code).toBe(1);
    const result = json() as { objects: { resource: { kind: string }; message: unknown }[]; errors: { line: number; message: string }[] };
    expect(result.objects.map((o) => o.resource.kind)).toEqual(['Job', 'HorizontalPodAutoscaler', 'ReplicaSet', 'PersistentVolume']);
    for (const o of result.objects) expect(typeof o.message).toBe('string');
    const lineOf = (start: string) => readFileSync(f, 'utf8').split('\n').findIndex((l) => l.startsWith(start)) + 1;
    expect(result.errors.map((e) => e.line)).toEqual([lineOf('a: &a'), lineOf('- not an object')]);
    expect(result.errors[0]!.message).toMatch(/billion laughs/);
    expect(result.errors[1]!.message).toMatch(/expected a Kubernetes object .* got a list/);
  });
});

describe('usage errors', () => {
  it.each([
    [['schedule', '--no-such-flag']],
    [['validate', '--repo', '/does/not/exist']],
    [['testbed', 'up', '--clusters', 'zero']],
    [['why', 'deployment', '--repo', fleet]],
    [['why', 'deployment/web/extra', '--repo', fleet]],
    [['validate', '--repo', fleet, '--ref', '']],
  ])('%j exits 2', async (args) => {
    expect(await run(...(args as string[]))).toBe(2);
  });
});
