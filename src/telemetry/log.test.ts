import { describe, expect, it } from 'vitest';
import { memoryConnector } from '../../test/support/memory-clusters.js';
import { MemoryFleetSource } from '../../test/support/memory-fleet-source.js';
import { Reconciler } from '../controller/reconcile.js';
import { runController } from '../controller/run.js';
import type { FleetRepository } from '../git/repo.js';
import { SourceError } from '../model/errors.js';
import { createLogger, formatTextLine, REDACTED, scrubSecrets } from './log.js';
import type { LogFormat } from './log-options.js';
import type { LogLevel } from '../controller/reconcile.js';

function capture(format: LogFormat = 'json', level: LogLevel = 'info') {
  const out: string[] = [];
  const err: string[] = [];
  const log = createLogger({ format, level, out: { write: (s: string) => void out.push(s) }, err: { write: (s: string) => void err.push(s) } });
  return { log, out, err, records: () => out.join('').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>) };
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2EifQ.c2lnbmF0dXJlLXNlY3JldA';
const PEM = '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIUSECRETSECRET\n-----END CERTIFICATE-----';

describe('createLogger (json)', () => {
  it('writes one JSON object per line with level, ISO time, message and fields', () => {
    const c = capture();
    c.log('info', 'hello', { cluster: 'member1' });
    c.log('error', 'reconcile failed: fetch refused', { code: 'E_FETCH' });
    const [first, second] = c.records();
    expect(first).toMatchObject({ level: 'info', msg: 'hello', cluster: 'member1' });
    expect(Date.parse(first!.time as string)).not.toBeNaN();
    expect(second).toMatchObject({ level: 'error', code: 'E_FETCH' });
  });

  it('drops lines below the level', () => {
    const c = capture('json', 'warn');
    c.log('debug', 'noise');
    c.log('info', 'progress');
    c.log('warn', 'careful');
    expect(c.records().map((r) => r.msg)).toEqual(['careful']);
  });

  it('never writes credentials: fields named like one are censored, messages are scrubbed', () => {
    const c = capture('json', 'debug');
    c.log('error', `GET https://10.0.0.1:6443/version failed; sent Authorization: Bearer ${TOKEN} to https://bot:hunter2@git.example/fleet`, {
      token: TOKEN,
      caBundle: PEM,
      kubeconfig: `users: [{user: {token: ${TOKEN}}}]`,
      request: { authorization: `Bearer ${TOKEN}`, headers: { authorization: `Bearer ${TOKEN}` } },
      note: `ca ${PEM}`,
    });
    const text = c.out.join('');
    for (const secret of [TOKEN, 'hunter2', 'SECRETSECRET', 'c2lnbmF0dXJlLXNlY3JldA']) expect(text).not.toContain(secret);
    const [r] = c.records();
    expect(r).toMatchObject({ token: REDACTED, caBundle: REDACTED, kubeconfig: REDACTED, request: { authorization: REDACTED } });
    expect(r!.msg).toContain('https://10.0.0.1:6443/version');
  });
});

describe('createLogger (text)', () => {
  it('writes readable lines: info to out, warnings and errors to err, scalar fields as key=value', () => {
    const c = capture('text');
    c.log('info', 'pass at abc1234 in 12 ms', { pass: { applied: 3 } });
    c.log('error', 'reconcile failed: refused', { code: 'E_PUSH', cluster: 'member 1' });
    expect(c.out).toHaveLength(1);
    expect(c.out[0]).toMatch(/^\d{4}-\d\d-\d\dT\S+Z INFO {2}pass at abc1234 in 12 ms\n$/);
    expect(c.err[0]).toMatch(/ ERROR reconcile failed: refused code=E_PUSH cluster="member 1"\n$/);
  });

  it('formats a record without fields as time, level and message', () => {
    expect(formatTextLine({ time: '2026-05-01T12:00:00.000Z', level: 'warn', msg: 'careful' })).toBe('2026-05-01T12:00:00.000Z WARN  careful\n');
  });
});

describe('scrubSecrets', () => {
  it('removes bearer and basic credentials, URL passwords, PEM blocks and JWTs, and keeps the rest', () => {
    expect(scrubSecrets('Authorization: Basic dXNlcjpwYXNz')).toBe(`Authorization: Basic ${REDACTED}`);
    expect(scrubSecrets('push to https://x-access-token:ghp_abc@github.com/o/r failed')).toBe(`push to https://x-access-token:${REDACTED}@github.com/o/r failed`);
    expect(scrubSecrets(`token ${TOKEN} expired`)).toBe(`token ${REDACTED} expired`);
    expect(scrubSecrets(`ca: ${PEM}`)).not.toContain('MIIB');
    expect(scrubSecrets('member1: ConfigMap shop/a failed: the server is unavailable')).toBe('member1: ConfigMap shop/a failed: the server is unavailable');
  });
});

describe('the controller loop logs through it', () => {
  const fleet = {
    'fleet.yaml': 'apiVersion: flotilla.dev/v1alpha1\nkind: Fleet\nmetadata: {name: t}\nspec: {maxPruneFraction: 1}\n',
    'clusters/member1.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member1}\nspec: {syncMode: Push}\n',
    'clusters/member2.yaml': 'apiVersion: cluster.karmada.io/v1alpha1\nkind: Cluster\nmetadata: {name: member2}\nspec: {syncMode: Push}\n',
    'policies/all.yaml':
      'apiVersion: policy.karmada.io/v1alpha1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: shop}\n' +
      'spec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {clusterNames: [member1, member2]}}\n',
    'workloads/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: shop}\ndata: {v: "1"}\n',
  };

  async function once(repo: MemoryFleetSource, log: ReturnType<typeof capture>['log']) {
    // member2 has no credentials: it is NotReady, and the pass still completes.
    const reconciler = new Reconciler({ repo, connector: memoryConnector(['member1']), log, clusterFailureThresholdMs: 0, clusterSuccessThresholdMs: 0 });
    return runController({ reconciler, repo: repo as unknown as FleetRepository, intervalMs: 1000, once: true, watchClusters: false, log });
  }

  it('writes one info line per pass with its figures', async () => {
    const c = capture();
    const repo = new MemoryFleetSource(fleet);
    const result = await once(repo, c.log);
    const passLines = c.records().filter((r) => r.pass !== undefined);
    expect(passLines).toHaveLength(1);
    const line = passLines[0]!;
    expect(line.level).toBe('info');
    expect(line.msg).toMatch(/^pass at [0-9a-f]{7} in \d+ ms: member1:Ready\(\+2\) member2:NotReady; status [0-9a-f]{7}$/);
    expect(line.pass).toEqual({
      commit: repo.commits[0]!.id,
      outcome: 'committed',
      durationMs: result.last!.durationMs,
      clustersOk: 1,
      clustersFailed: 1,
      applied: 2,
      pruned: 0,
      failed: 0,
      problems: 0,
      statusCommit: repo.tip.id,
    });
  });

  it('gives a failed pass its error code', async () => {
    const c = capture();
    const repo = new MemoryFleetSource(fleet);
    repo.sync = async () => {
      throw new SourceError('E_FETCH', 'fetch https://git.example/fleet main: connection refused');
    };
    await once(repo, c.log);
    expect(c.records()).toEqual([expect.objectContaining({ level: 'error', code: 'E_FETCH', msg: 'reconcile failed: fetch https://git.example/fleet main: connection refused' })]);
  });
});
