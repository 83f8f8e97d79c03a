/**
 * Builds `helm` from the Go module proxy, once per version, into the testbed's cache (next to the Kubernetes
 * binaries, sharing their Go module and build caches). Tests and `flotilla testbed helm` use it to lint, render
 * and install charts/flotilla without a helm download from anywhere but the module proxy.
 *
 * Unlike k8s.io/kubernetes, helm's go.mod has no replace directives, so a plain `go install …@version` keeps its
 * exact pins. The ldflags are the ones helm's own Makefile sets: without them `helm version` says only the minor
 * version, and `helm template`/`helm lint` assume Kubernetes 1.20 for `.Capabilities` and deprecation checks.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestbedError } from '../model/errors.js';
import { acquireBuildLock, formatSeconds, goBuildEnv, runLogged, type Progress } from './build.js';
import { requireGo } from './go.js';
import { testbedPaths, type TestbedPaths } from './paths.js';
import { HELM_VERSION } from './versions.js';

export interface HelmBuildInfo {
  helm: string;
  kubernetesCapabilities: string;
  go: string;
  builtAt: string;
  seconds: number;
}

export interface HelmPaths {
  /** Finished build: `<dir>/helm` and `<dir>/build-info.json`, written atomically via `<dir>.partial`. */
  dir: string;
  binary: string;
  lock: string;
}

export function helmPaths(version: string = HELM_VERSION, paths: TestbedPaths = testbedPaths()): HelmPaths {
  const dir = join(paths.root, 'bin', `helm-${version}`);
  return { dir, binary: join(dir, 'helm'), lock: join(paths.root, `helm-${version}.lock`) };
}

/** Path of the helm binary, built first (minutes of CPU, once) when the cache lacks it. */
export async function ensureHelm(progress: Progress = () => {}, paths: TestbedPaths = testbedPaths(), version: string = HELM_VERSION): Promise<string> {
  const helm = helmPaths(version, paths);
  if (helmComplete(helm)) return helm.binary;
  mkdirSync(paths.root, { recursive: true });
  const release = await acquireBuildLock(helm.lock, progress);
  try {
    if (helmComplete(helm)) return helm.binary;
    await buildHelm(helm, paths, version, progress);
    return helm.binary;
  } finally {
    release();
  }
}

function helmComplete(helm: HelmPaths): boolean {
  return existsSync(helm.binary) && existsSync(join(helm.dir, 'build-info.json'));
}

async function buildHelm(helm: HelmPaths, paths: TestbedPaths, version: string, progress: Progress): Promise<void> {
  const major = helmMajor(version);
  const go = await requireGo('1.26.0');
  mkdirSync(paths.logs, { recursive: true });
  mkdirSync(paths.build, { recursive: true });
  const logFile = join(paths.logs, `helm-${version}-${new Date().toISOString().replace(/[:.]/g, '-')}.log`);
  const partial = `${helm.dir}.partial`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...goBuildEnv(paths), GOBIN: partial };
  progress(`building helm ${version} from the Go module proxy with Go ${go.version} (a few minutes on 2 cores, once); log: ${logFile}`);
  const module = `helm.sh/helm/${major}`;
  const download = await runLogged(go.binary, ['mod', 'download', '-json', `${module}@${version}`], paths.build, env, logFile, `helm: download ${module}@${version}`, progress);
  const goModPath = (JSON.parse(download) as { GoMod?: string }).GoMod;
  if (!goModPath) throw new TestbedError('E_BUILD', `no go.mod for ${module}@${version}; see ${logFile}`, { log: logFile });
  const capabilities = kubernetesCapabilitiesOf(readFileSync(goModPath, 'utf8'));
  if (!capabilities) throw new TestbedError('E_BUILD', `${module}@${version} does not require k8s.io/client-go; cannot tell which Kubernetes it targets`, { log: logFile });

  const heartbeat = setInterval(() => progress(`helm: still compiling (${formatSeconds((Date.now() - started) / 1000)} so far)…`), 60_000);
  try {
    const ldflags = helmLdflags(version, capabilities).join(' ');
    await runLogged(go.binary, ['install', '-trimpath', '-buildvcs=false', '-ldflags', ldflags, `${module}/cmd/helm@${version}`], paths.build, env, logFile, `helm: compile ${version}`, progress);
  } finally {
    clearInterval(heartbeat);
  }
  const reported = await runLogged(join(partial, 'helm'), ['version', '--short'], paths.build, env, logFile, 'helm version', () => {});
  if (!reported.includes(version)) {
    throw new TestbedError('E_BUILD_VERSION', `helm reports '${reported.trim()}', expected ${version}; see ${logFile}`, { log: logFile });
  }
  const info: HelmBuildInfo = {
    helm: version,
    kubernetesCapabilities: `v${capabilities.major}.${capabilities.minor}`,
    go: go.version,
    builtAt: new Date().toISOString(),
    seconds: Math.round((Date.now() - started) / 1000),
  };
  writeFileSync(join(partial, 'build-info.json'), JSON.stringify(info, null, 2) + '\n');
  rmSync(helm.dir, { recursive: true, force: true });
  renameSync(partial, helm.dir);
  progress(`helm ${version} ready in ${formatSeconds(info.seconds)}: ${helm.binary}`);
}

/** `v3.22.0` → `v3`: the module path suffix (helm.sh/helm/v3, helm.sh/helm/v4). */
export function helmMajor(version: string): string {
  const m = /^v(\d+)\.\d+\.\d+$/.exec(version);
  if (!m || Number(m[1]) < 3) throw new TestbedError('E_BUILD', `helm version must look like v3.Y.Z or v4.Y.Z, got "${version}"`, { version });
  return `v${m[1]}`;
}

/** client-go v0.36.x → Kubernetes 1.36, as helm's Makefile derives it. */
export function kubernetesCapabilitiesOf(goMod: string): { major: string; minor: string } | undefined {
  const m = /^\s*(?:require\s+)?k8s\.io\/client-go\s+v0\.(\d+)\.\d+/m.exec(goMod);
  return m ? { major: '1', minor: m[1]! } : undefined;
}

export function helmLdflags(version: string, capabilities: { major: string; minor: string }): string[] {
  const base = `helm.sh/helm/${helmMajor(version)}`;
  // helm v4 moved chartutil's defaults under pkg/chart/common; setting a symbol that does not exist is harmless.
  return [
    '-s',
    '-w',
    `-X ${base}/internal/version.version=${version}`,
    `-X ${base}/internal/version.gitTreeState=clean`,
    ...['pkg/lint/rules', 'pkg/chartutil', 'pkg/chart/common'].flatMap((pkg) => [
      `-X ${base}/${pkg}.k8sVersionMajor=${capabilities.major}`,
      `-X ${base}/${pkg}.k8sVersionMinor=${capabilities.minor}`,
    ]),
  ];
}

/** Runs the cached helm with `args`, inheriting the terminal; resolves to its exit code. */
export async function runHelm(args: string[], progress: Progress = () => {}): Promise<number> {
  const binary = await ensureHelm(progress);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(binary, args, { stdio: 'inherit' });
    child.on('error', (err) => reject(new TestbedError('E_BUILD', `cannot run ${binary}: ${err.message}`, { binary })));
    child.on('close', (code, signal) => resolvePromise(code ?? (signal ? 1 : 0)));
  });
}
