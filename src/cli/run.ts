import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from '@commander-js/extra-typings';
import type { Logger, LogLevel } from '../controller/reconcile.js';
import type { CoordinationFlags } from '../coordination/index.js';
import type { GitAuth } from '../git/repo.js';
import { isRemoteSource } from '../source/paths.js';
import { cacheRoot } from '../util/cache-dir.js';
import { DEFAULT_APPLY_CONCURRENCY } from '../apply/concurrency.js';
import { UsageError } from '../model/errors.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat } from '../telemetry/log-options.js';
import { parseListenAddress } from '../telemetry/server.js';
import type { PrometheusTelemetry } from '../telemetry/metrics.js';
import { branchArgument, pathArgument } from './fleet-source.js';
import { initFleetRepo } from './init.js';
import { setExitCode } from './exit-code.js';

/** Flux's and Fleet's metrics port: what a ServiceMonitor or a scrape config written for them expects. */
export const DEFAULT_METRICS_ADDR = ':8080';

/** `/readyz` fails when no pass completed for this many poll intervals (and at least a minute). */
export const READY_INTERVALS = 3;
const READY_MIN_MS = 60_000;

export function readyWindowMs(intervalMs: number): number {
  return Math.max(READY_INTERVALS * intervalMs, READY_MIN_MS);
}

function oneOf<T extends string>(flag: string, allowed: readonly T[]): (value: string) => T {
  return (value) => {
    if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/** `30s`, `5m`, `1500ms`, `2h` or plain seconds. */
export function parseDuration(value: string, flag = 'duration'): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(value.trim());
  if (!m) throw new UsageError(`${flag}: expected a duration such as 30s, 5m or 1500ms, got "${value}"`);
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  return Math.round(n * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit as 'ms' | 's' | 'm' | 'h']);
}

interface RunFlags extends CoordinationFlags {
  repo: string;
  branch: string;
  kubeconfig?: string;
  interval: number;
  once?: boolean;
  watch?: boolean;
  allowMassPrune?: boolean;
  clusterFailureThreshold: number;
  clusterSuccessThreshold: number;
  clusterProbeInterval: number;
  resync: number;
  applyConcurrency: number;
  insecureKubeconfigExec?: boolean;
  insecureKubeconfigTls?: boolean;
  clusterContext?: Map<string, string>;
  trustContextAnnotation?: boolean;
  logFormat: LogFormat;
  logLevel: LogLevel;
  /** Undefined: the default address, given up with a warning when it is taken. */
  metricsAddr?: string;
  managementKubeconfig?: string;
  managementContext?: string;
}

/** `--cluster-context member1=prod-eu`, repeatable: the operator binds a cluster to a kubeconfig context. */
export function collectContextBinding(value: string, previous: Map<string, string> | undefined): Map<string, string> {
  const m = /^([^=\s]+)=([^=\s]+)$/.exec(value);
  if (!m) throw new UsageError(`--cluster-context expects CLUSTER=CONTEXT, got "${value}"`);
  const out = new Map(previous ?? []);
  out.set(m[1]!, m[2]!);
  return out;
}

/** Credentials for a remote fleet repository: never from flags, which end up in shell history and `ps`. */
export function gitAuthFromEnv(): GitAuth | undefined {
  return process.env.FLOTILLA_GIT_TOKEN
    ? { token: process.env.FLOTILLA_GIT_TOKEN, username: process.env.FLOTILLA_GIT_USERNAME }
    : process.env.FLOTILLA_GIT_PASSWORD
      ? { username: process.env.FLOTILLA_GIT_USERNAME, password: process.env.FLOTILLA_GIT_PASSWORD }
      : undefined;
}

export async function startController(flags: RunFlags): Promise<number> {
  const auth = gitAuthFromEnv();
  // The controller's dependencies (Kubernetes client, Git, file watching) load only when it runs.
  const [{ kubeconfigConnector }, { managementSecretReader, secretRefConnector }, { Reconciler }, { runController, passFailed }, { FleetRepository }, { createLogger }, { PrometheusTelemetry }] = await Promise.all([
    import('../controller/clusters.js'),
    import('../controller/secret-credentials.js'),
    import('../controller/reconcile.js'),
    import('../controller/run.js'),
    import('../git/repo.js'),
    import('../telemetry/log.js'),
    import('../telemetry/metrics.js'),
  ]);
  const log = createLogger({ format: flags.logFormat, level: flags.logLevel });
  // Leader election and sharding load (with the management cluster's client) only when asked for.
  const coordination = await coordinationFor(flags, log);
  const telemetry = new PrometheusTelemetry();
  const repo = await FleetRepository.open({ source: isRemoteSource(flags.repo) ? flags.repo : resolve(flags.repo), branch: flags.branch, cacheDir: cacheRoot(), auth });
  const policy = {
    allowExec: flags.insecureKubeconfigExec,
    allowInsecureTLS: flags.insecureKubeconfigTls,
    contextBindings: flags.clusterContext,
    trustContextAnnotation: flags.trustContextAnnotation,
  };
  const management = await managementSecretReader(flags.managementKubeconfig, flags.managementContext, policy).catch((err: Error) => {
    // Not the loader's message: it may quote the file, credentials included.
    throw new UsageError(`--management-kubeconfig ${flags.managementKubeconfig ?? '(in-cluster)'}: cannot use it${'code' in err && err.code ? ` (${String(err.code)})` : ''}`);
  });
  const connector = secretRefConnector({ secrets: management?.reader, fallback: kubeconfigConnector(flags.kubeconfig, policy), policy });
  const reconciler = new Reconciler({
    shard: coordination?.plan.shard,
    repo,
    connector,
    allowMassPrune: flags.allowMassPrune,
    clusterFailureThresholdMs: flags.clusterFailureThreshold,
    clusterSuccessThresholdMs: flags.clusterSuccessThreshold,
    resyncIntervalMs: flags.resync,
    applyConcurrency: flags.applyConcurrency,
    log,
    telemetry,
  });
  // One pass has no one to scrape it or probe it.
  const endpoints = flags.once ? undefined : await startEndpoints(flags, telemetry, log);
  const abort = new AbortController();
  const stop = () => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const options = { reconciler, repo, intervalMs: flags.interval, probeIntervalMs: flags.clusterProbeInterval, once: flags.once, watch: flags.watch, log };
    let result: Awaited<ReturnType<typeof runController>> = {};
    if (coordination) {
      await coordination.plan.run(abort.signal, async (l) => void (result = await runController({ ...options, signal: l.stop, abandonSignal: l.lost })), coordination.env);
    } else {
      result = await runController({ ...options, signal: abort.signal });
    }
    // A long-running controller stopped by a signal has done its job; one pass is judged by what it left undone.
    return flags.once && passFailed(result) ? 1 : 0;
  } finally {
    await endpoints?.close();
    connector.close();
    management?.close();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

async function startEndpoints(flags: RunFlags, telemetry: PrometheusTelemetry, log: Logger) {
  const { readinessOf, serveEndpoints } = await import('../telemetry/server.js');
  const address = parseListenAddress(flags.metricsAddr ?? DEFAULT_METRICS_ADDR);
  if (!address) return undefined;
  const window = readyWindowMs(flags.interval);
  try {
    const endpoints = await serveEndpoints({
      address,
      metrics: () => telemetry.metrics(),
      contentType: telemetry.registry.contentType,
      readiness: () => readinessOf(telemetry.lastSuccessAt, window, Date.now()),
    });
    log('info', `serving /metrics, /healthz and /readyz on ${endpoints.url}`, { metricsUrl: endpoints.url });
    return endpoints;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Several controllers on one machine (tests, a demo next to a real one) must not fight over the default port.
    if (flags.metricsAddr === undefined && code === 'EADDRINUSE') {
      log('warn', `${DEFAULT_METRICS_ADDR} is in use: running without /metrics, /healthz and /readyz (choose another with --metrics-addr, or 0 to disable)`, { code: 'E_USAGE' });
      return undefined;
    }
    throw new UsageError(`--metrics-addr ${flags.metricsAddr ?? DEFAULT_METRICS_ADDR}: cannot listen: ${(err as Error).message}`);
  }
}

async function coordinationFor(flags: RunFlags, log: Logger) {
  if (!flags.leaderElect && flags.shards === undefined) return undefined;
  const { planCoordination } = await import('../coordination/index.js');
  const plan = planCoordination(flags);
  if (!plan.usesLeases) return { plan };
  const [{ managementKubeConfig, podNamespace, holderIdentity }, { KubeLeaseClient }] = await Promise.all([import('../coordination/management.js'), import('../coordination/kube-lease-client.js')]);
  const kc = managementKubeConfig(flags.managementKubeconfig, flags.managementContext);
  const namespace = flags.leaderElectNamespace ?? podNamespace() ?? 'default';
  return { plan, env: { client: new KubeLeaseClient(kc), namespace, identity: holderIdentity(), log } };
}

function positiveInteger(flag: string, min: number) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag}: expected an integer of at least ${min}, got "${v}"`);
    return n;
  };
}

function requireDirectory(flag: string, path: string): void {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`${flag} ${path}: no such directory`);
  if (!st.isDirectory()) throw new UsageError(`${flag} ${path}: not a directory`);
}

function requireKubeconfig(file: string | undefined, flag = '--kubeconfig'): void {
  if (file !== undefined && !statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UsageError(`${flag} ${file}: no such file`);
}

function addRunFlags<T extends Command<[], Record<string, unknown>>>(cmd: T) {
  return cmd
    .option('--branch <name>', 'branch to reconcile', branchArgument('--branch'), 'main')
    .option('--kubeconfig <file>', 'kubeconfig whose contexts reach the member clusters (default: $KUBECONFIG or ~/.kube/config)')
    .option('--interval <duration>', 'poll interval (jittered ±10%)', (v) => parseDuration(v, '--interval'), 30_000)
    .option('--once', 'run one reconcile pass and exit')
    .option('--watch', 'also reconcile as soon as the local repository branch moves')
    .option('--allow-mass-prune', 'let one pass delete more than spec.maxPruneFraction of a cluster\'s objects')
    .option('--cluster-failure-threshold <duration>', 'how long a cluster must fail before it is recorded NotReady', (v) => parseDuration(v, '--cluster-failure-threshold'), 30_000)
    .option('--cluster-success-threshold <duration>', 'how long a NotReady cluster must answer before it is recorded Ready again', (v) => parseDuration(v, '--cluster-success-threshold'), 30_000)
    .option('--cluster-probe-interval <duration>', 'check each cluster\'s /readyz this often between passes (0 disables)', (v) => parseDuration(v, '--cluster-probe-interval'), 10_000)
    .option('--resync <duration>', 're-apply every object this often, even if unchanged (0 disables)', (v) => parseDuration(v, '--resync'), 600_000)
    .option('--apply-concurrency <n>', 'requests in flight at once on one cluster while reading and applying its objects', positiveInteger('--apply-concurrency', 1), DEFAULT_APPLY_CONCURRENCY)
    .option('--insecure-kubeconfig-exec', 'allow kubeconfig exec plugins and auth providers')
    .option('--insecure-kubeconfig-tls', 'allow kubeconfig contexts that skip TLS verification')
    .option('--cluster-context <cluster=context>', 'bind a cluster to a kubeconfig context (repeatable; default: the context named like the cluster)', collectContextBinding)
    .option('--trust-context-annotation', 'let the fleet repository choose contexts with the flotilla.dev/context annotation')
    .option('--management-kubeconfig <file>', 'kubeconfig of the management cluster: Secrets named by Cluster spec.secretRef, and the Leases of --leader-elect and --shards (default: in a pod, its service account)')
    .option('--management-context <name>', 'context of --management-kubeconfig (default: its current context)')
    .option('--metrics-addr <host:port>', `serve /metrics, /healthz and /readyz here; 0 disables (default: ${DEFAULT_METRICS_ADDR}, not with --once)`)
    .option('--log-format <format>', 'json (one object per line) or text', oneOf('--log-format', LOG_FORMATS), 'text')
    .option('--log-level <level>', 'debug, info, warn or error', oneOf('--log-level', LOG_LEVELS), 'info')
    .option('--leader-elect', 'run passes only while holding a Lease in the management cluster; other replicas stand by')
    .option('--leader-elect-namespace <namespace>', 'namespace of the Leases (default: the pod\'s namespace, else "default")')
    .option('--leader-elect-lease <name>', 'name of the leader Lease; shard Leases are <name>-shard-<i>', 'flotilla')
    .option('--leader-elect-lease-duration <duration>', 'how long a holder\'s claim stands after its last renew', (v) => parseDuration(v, '--leader-elect-lease-duration'), 15_000)
    .option('--leader-elect-renew-deadline <duration>', 'how long the holder retries renewing before it stops working', (v) => parseDuration(v, '--leader-elect-renew-deadline'), 10_000)
    .option('--leader-elect-retry-period <duration>', 'pause between attempts to acquire or renew', (v) => parseDuration(v, '--leader-elect-retry-period'), 2_000)
    .option('--shards <n>', 'split the clusters over N shards by consistent hashing; without --shard-index replicas share shard Leases', positiveInteger('--shards', 1))
    .option('--shard-index <i>', 'the shard this replica works on (0 … N-1)', positiveInteger('--shard-index', 0));
}

export function registerRunCommands(program: Command): void {
  addRunFlags(
    program
      .command('run')
      .description('the controller: reconcile the fleet repository onto its clusters and commit status back')
      .option('--repo <url|dir>', 'fleet repository: an http(s) URL or a local path (credentials: $FLOTILLA_GIT_TOKEN or $FLOTILLA_GIT_USERNAME/$FLOTILLA_GIT_PASSWORD)', pathArgument('--repo'), '.'),
  ).action(async (opts, cmd) => {
    const flags = opts as unknown as RunFlags;
    if (!isRemoteSource(flags.repo)) requireDirectory('--repo', flags.repo);
    if (flags.metricsAddr !== undefined) parseListenAddress(flags.metricsAddr);
    requireKubeconfig(flags.kubeconfig);
    requireKubeconfig(flags.managementKubeconfig, '--management-kubeconfig');
    const code = await startController(flags);
    if (code) setExitCode(cmd, code);
  });

  program
    .command('init')
    .description('create a fleet repository from the template (clusters matching the testbed, example workloads and policies)')
    .argument('<dir>', 'a new or empty directory', pathArgument('<dir>'))
    .option('--branch <name>', 'initial branch', branchArgument('--branch'), 'main')
    .action(async (dir, opts) => {
      const commit = await initFleetRepo(resolve(dir), opts.branch);
      console.log(`Created fleet repository ${resolve(dir)} (${opts.branch} at ${commit.slice(0, 7)}).`);
      console.log(`Reconcile it with: npx flotilla run --repo ${dir} --kubeconfig <kubeconfig> --watch`);
    });

  addRunFlags(
    program
      .command('demo')
      .description('the embedded default: start the testbed, create ./fleet-demo from the template, run the controller on it')
      .option('--dir <dir>', 'the demo fleet repository', pathArgument('--dir'), 'fleet-demo')
      .addHelpText('after', '\nEdit files in the demo repository and commit: the controller reconciles within a second and commits status back.'),
  ).action(async (opts, cmd) => {
    const o = opts as unknown as RunFlags & { dir: string };
    // Argument mistakes surface before minutes of cluster start-up, not after.
    if (existsSync(o.dir)) requireDirectory('--dir', o.dir);
    const { testbedUp } = await import('../testbed/index.js');
    const state = await testbedUp({ progress: (m) => process.stderr.write(`[testbed] ${m}\n`) });
    const dir = resolve(o.dir);
    if (!existsSync(dir)) {
      await initFleetRepo(dir);
      console.log(`Created the demo fleet repository ${dir} from fleet-repo-template/.`);
    }
    console.log(`\nReconciling ${dir} onto ${state.members.map((m) => m.name).join(', ')} (kubeconfig ${state.kubeconfig}).`);
    console.log(`Watch the status commits arrive:  git -C ${o.dir} log --oneline --stat`);
    console.log(`Change the fleet:                 edit ${o.dir}/policies/shop.yaml, then git -C ${o.dir} commit -am "move web"\n`);
    const code = await startController({ ...o, repo: dir, kubeconfig: state.kubeconfig, watch: !o.once });
    if (code) setExitCode(cmd, code);
  });
}
