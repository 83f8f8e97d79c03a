/**
 * Builds kube-apiserver, kube-controller-manager, kube-scheduler, kubectl, etcd and KWOK from the Go module
 * proxy, once per version set, into a cache outside the repository (docs/architecture.md#the-testbed).
 *
 * `go install k8s.io/kubernetes/cmd/...@v1.x` cannot work: k8s.io/kubernetes requires its staging modules at
 * the non-existent version v0.0.0 and only its own (ignored) replace directives map them. So each component
 * family gets a throw-away wrapper module whose replace lines point every staging module at its real tag.
 * Families are kept apart so that minimum version selection cannot mix their dependency versions.
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, readdirSync, copyFileSync, openSync, closeSync, unlinkSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { TestbedError } from '../model/errors.js';
import { delay } from '../util/poll.js';
import { requireGo } from './go.js';
import { testbedPaths, type TestbedPaths } from './paths.js';
import { ALL_BINARIES, KUBERNETES_BINARIES, TESTBED_VERSIONS, stagingVersion } from './versions.js';
import { isRunning } from './process.js';

export type Progress = (message: string) => void;

export interface BuildInfo {
  versions: typeof TESTBED_VERSIONS;
  go: string;
  builtAt: string;
  seconds: number;
  steps: { step: string; seconds: number }[];
}

/** Returns the directory holding every testbed binary, building them first if the cache lacks them. */
export async function ensureTestbedBinaries(progress: Progress = () => {}, paths: TestbedPaths = testbedPaths()): Promise<string> {
  if (binariesComplete(paths.bin)) return paths.bin;
  mkdirSync(paths.root, { recursive: true });
  const release = await acquireBuildLock(paths.lock, progress);
  try {
    // Another process may have finished the build while we waited for the lock.
    if (binariesComplete(paths.bin)) return paths.bin;
    await buildAll(paths, progress);
    return paths.bin;
  } finally {
    release();
  }
}

export function binariesComplete(binDir: string): boolean {
  return ALL_BINARIES.every((b) => existsSync(join(binDir, b))) && existsSync(join(binDir, 'build-info.json'));
}

export function readBuildInfo(binDir: string): BuildInfo | undefined {
  try {
    return JSON.parse(readFileSync(join(binDir, 'build-info.json'), 'utf8')) as BuildInfo;
  } catch {
    return undefined;
  }
}

/** One build per cache at a time, across processes: a lock file holding the builder's pid (stale ones are taken over). */
export async function acquireBuildLock(lockPath: string, progress: Progress): Promise<() => void> {
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => {
        try {
          unlinkSync(lockPath);
        } catch {
          /* already gone */
        }
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number(readFileSync(lockPath, 'utf8').trim());
    if (!Number.isInteger(holder) || holder <= 0 || !isRunning(holder, readExe(holder))) {
      rmSync(lockPath, { force: true });
      continue;
    }
    if (!announced) {
      progress(`another process (pid ${holder}) is building into this cache; waiting for it…`);
      announced = true;
    }
    await delay(2000);
  }
}

function readExe(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
  } catch {
    return '';
  }
}

async function buildAll(paths: TestbedPaths, progress: Progress): Promise<void> {
  const v = TESTBED_VERSIONS;
  const go = await requireGo(v.minGo);
  mkdirSync(paths.logs, { recursive: true });
  const logFile = join(paths.logs, `build-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const partial = `${paths.bin}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const started = Date.now();
  const steps: BuildInfo['steps'] = [];
  progress(`building the testbed (Kubernetes ${v.kubernetes}, etcd ${v.etcd}, KWOK ${v.kwok}) with Go ${go.version}`);
  progress(`the first build takes about 9–13 minutes on 2 cores (measured); later runs reuse ${paths.bin}`);
  progress(`build log: ${logFile}`);

  const env = goBuildEnv(paths);
  const run = async (step: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<string> => {
    const t0 = Date.now();
    progress(`${step}…`);
    const out = await runLogged(go.binary, args, cwd, { ...env, ...extraEnv }, logFile, step, progress);
    steps.push({ step, seconds: Math.round((Date.now() - t0) / 1000) });
    return out;
  };

  // Kubernetes: wrapper module with one replace per staging module, derived from the release's own go.mod.
  const k8sDir = freshDir(join(paths.build, `k8s-${v.kubernetes}`));
  await run('kubernetes: create wrapper module', ['mod', 'init', 'flotilla.local/testbed-kubernetes'], k8sDir);
  const goLine = kubernetesGoLine(v.kubernetes);
  await run('kubernetes: set language version', ['mod', 'edit', `-go=${goLine}.0`, `-godebug=default=go${goLine}`], k8sDir);
  const download = await run('kubernetes: download go.mod', ['mod', 'download', '-json', `k8s.io/kubernetes@${v.kubernetes}`], k8sDir);
  const goModPath = (JSON.parse(download) as { GoMod?: string }).GoMod;
  if (!goModPath) throw new TestbedError('E_BUILD', `no go.mod for k8s.io/kubernetes@${v.kubernetes}; see ${logFile}`, { log: logFile });
  const staging = stagingModules(readFileSync(goModPath, 'utf8'));
  const replaces = staging.map((m) => `-replace=${m}=${m}@${stagingVersion(v.kubernetes)}`);
  await run(`kubernetes: replace ${staging.length} staging modules`, ['mod', 'edit', ...replaces], k8sDir);
  const k8sPackages = KUBERNETES_BINARIES.map((b) => `k8s.io/kubernetes/cmd/${b}`);
  await run('kubernetes: resolve dependencies', ['get', ...k8sPackages.map((p) => `${p}@${v.kubernetes}`)], k8sDir);

  // etcd: same trick (its go.mod files carry local replaces too), in its own wrapper.
  const etcdDir = freshDir(join(paths.build, `etcd-${v.etcd}`));
  await run('etcd: create wrapper module', ['mod', 'init', 'flotilla.local/testbed-etcd'], etcdDir);
  await run('etcd: resolve dependencies', ['get', `go.etcd.io/etcd/server/v3@${v.etcd}`], etcdDir);
  await run('etcd: compile', ['build', '-trimpath', '-buildvcs=false', '-ldflags', '-s -w', '-o', join(partial, 'etcd'), 'go.etcd.io/etcd/server/v3'], etcdDir);

  // KWOK has no replace directives, so `go install` of its own module works and keeps its exact pins.
  const kwokLd = `-s -w -X sigs.k8s.io/kwok/pkg/consts.Version=${v.kwok} -X sigs.k8s.io/kwok/pkg/consts.KubeVersion=${v.kubernetes}`;
  await run('kwok: compile', ['install', '-trimpath', '-ldflags', kwokLd, `sigs.k8s.io/kwok/cmd/kwok@${v.kwok}`], paths.build, { GOBIN: partial });
  copyKwokStages(paths.gomodcache, v.kwok, join(partial, 'kwok-stages'));

  // The heavy one: all four Kubernetes commands in one `go build`, so shared packages compile once.
  const ldflags = ['-s', '-w', ...kubernetesVersionLdflags(v.kubernetes)].join(' ');
  const heartbeat = setInterval(() => progress(`kubernetes: still compiling (${formatSeconds((Date.now() - started) / 1000)} so far)…`), 60_000);
  try {
    await run('kubernetes: compile kube-apiserver, kube-controller-manager, kube-scheduler, kubectl', ['build', '-trimpath', '-buildvcs=false', '-ldflags', ldflags, '-o', `${partial}/`, ...k8sPackages], k8sDir);
  } finally {
    clearInterval(heartbeat);
  }

  for (const b of ALL_BINARIES) {
    const out = await runLogged(join(partial, b), b === 'kubectl' ? ['version', '--client'] : ['--version'], paths.build, env, logFile, `${b} --version`, () => {});
    const want = b === 'etcd' ? v.etcd.slice(1) : b === 'kwok' ? v.kwok : v.kubernetes;
    if (!out.includes(want)) {
      throw new TestbedError('E_BUILD_VERSION', `${b} reports '${out.trim().split('\n')[0]}', expected ${want}; see ${logFile}`, { log: logFile });
    }
  }
  const info: BuildInfo = {
    versions: v,
    go: go.version,
    builtAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
    steps,
  };
  writeFileSync(join(partial, 'build-info.json'), JSON.stringify(info, null, 2) + '\n');
  rmSync(paths.bin, { recursive: true, force: true });
  renameSync(partial, paths.bin);
  progress(`testbed binaries ready in ${formatSeconds(info.seconds)}: ${paths.bin}`);
}

/** Environment for every `go` command of the testbed: its own module and build caches, static binaries. */
export function goBuildEnv(paths: TestbedPaths): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GOWORK: 'off',
    GOFLAGS: '-mod=mod',
    GOMODCACHE: paths.gomodcache,
    GOCACHE: paths.gocache,
    // A dependency asking for a newer Go must fail loudly, not download a toolchain behind our back.
    GOTOOLCHAIN: 'local',
    CGO_ENABLED: '0',
  };
}

/** Staging modules are the `k8s.io/<name> v0.0.0` requirements (not pseudo-versions such as v0.0.0-2025…). */
export function stagingModules(goMod: string): string[] {
  const names = new Set<string>();
  for (const m of goMod.matchAll(/^\s*(?:require\s+)?(k8s\.io\/[A-Za-z0-9._-]+)\s+v0\.0\.0(?:\s|$)/gm)) names.add(m[1]!);
  return [...names].sort();
}

/** `v1.36.3` → `1.26`: the Go language version the release's go.mod declares (docs/architecture.md#the-testbed). */
function kubernetesGoLine(version: string): string {
  const minor = Number(/^v1\.(\d+)\./.exec(version)?.[1]);
  if (minor >= 36) return '1.26';
  if (minor === 35) return '1.25';
  return '1.24';
}

/** Without these, the binaries say v0.0.0-master and clients (and kwok) misjudge what they talk to. */
export function kubernetesVersionLdflags(version: string, buildDate = new Date().toISOString().replace(/\.\d+Z$/, 'Z')): string[] {
  const [major, minor] = version.replace(/^v/, '').split('.');
  const flags: string[] = [];
  for (const pkg of ['k8s.io/component-base/version', 'k8s.io/client-go/pkg/version']) {
    flags.push(
      `-X ${pkg}.gitVersion=${version}`,
      `-X ${pkg}.gitMajor=${major}`,
      `-X ${pkg}.gitMinor=${minor}`,
      `-X ${pkg}.gitTreeState=clean`,
      `-X ${pkg}.buildDate=${buildDate}`,
    );
  }
  return flags;
}

function copyKwokStages(gomodcache: string, kwokVersion: string, dest: string): void {
  const src = join(gomodcache, 'sigs.k8s.io', `kwok@${kwokVersion}`, 'kustomize', 'stage');
  mkdirSync(dest, { recursive: true });
  for (const [dir, file] of [
    ['node/fast', 'node-initialize.yaml'],
    ['node/heartbeat-with-lease', 'node-heartbeat-with-lease.yaml'],
    ['pod/fast', 'pod-ready.yaml'],
    ['pod/fast', 'pod-complete.yaml'],
    ['pod/fast', 'pod-delete.yaml'],
  ] as const) {
    const from = join(src, dir, file);
    if (!existsSync(from)) throw new TestbedError('E_BUILD', `KWOK ${kwokVersion} has no stage file ${dir}/${file}`, { path: from });
    copyFileSync(from, join(dest, file));
    chmodSync(join(dest, file), 0o644);
  }
}

function freshDir(dir: string): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

export function runLogged(
  command: string,
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
  step: string,
  progress: Progress,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const log = createWriteStream(logFile, { flags: 'a' });
    log.write(`\n$ (cd ${cwd} && ${command} ${args.join(' ')})\n`);
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderrTail = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      log.write(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      const text = chunk.toString();
      stderrTail = (stderrTail + text).slice(-4000);
      log.write(chunk);
      // `go: downloading x` lines are the only sign of life during long resolutions.
      const downloads = text.match(/^go: downloading .*/gm);
      if (downloads && downloads.length > 0) progress(`  ${downloads[downloads.length - 1]!.slice(4)}`);
    });
    child.on('error', (err) => {
      log.end();
      reject(new TestbedError('E_BUILD', `${step}: cannot run ${command}: ${err.message}`, { log: logFile }));
    });
    child.on('close', (code) => {
      log.end();
      if (code === 0) resolvePromise(stdout);
      else {
        const lastLines = stderrTail.trim().split('\n').slice(-8).join('\n');
        reject(new TestbedError('E_BUILD', `${step} failed (exit ${code}). Full log: ${logFile}\n${lastLines}`, { log: logFile, step }));
      }
    });
  });
}

export function formatSeconds(s: number): string {
  const m = Math.floor(s / 60);
  const sec = Math.round(s % 60);
  return m > 0 ? `${m}m${String(sec).padStart(2, '0')}s` : `${sec}s`;
}

/** Lists finished version sets in the cache (for `testbed status`). */
export function cachedVersionSets(paths: TestbedPaths = testbedPaths()): string[] {
  const dir = join(paths.root, 'bin');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((d) => !d.endsWith('.partial') && binariesComplete(join(dir, d)));
}
