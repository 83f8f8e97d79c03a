import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { TestbedError } from '../model/errors.js';

const execFileAsync = promisify(execFile);

/** `go version go1.26.8 linux/amd64` → `1.26.8`. */
export function parseGoVersion(output: string): string | undefined {
  return /\bgo(\d+\.\d+(?:\.\d+)?)/.exec(output)?.[1];
}

export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The Go toolchain to build with, or a clear error when it is missing or too old. */
export async function requireGo(minVersion: string, goBinary = process.env.GO ?? 'go'): Promise<{ binary: string; version: string }> {
  let out: string;
  try {
    out = (await execFileAsync(goBinary, ['version'], { env: { ...process.env, GOTOOLCHAIN: 'local' } })).stdout;
  } catch (err) {
    throw new TestbedError(
      'E_GO_MISSING',
      `Go ${minVersion} or newer is needed to build the testbed's Kubernetes binaries, but '${goBinary} version' failed ` +
        `(${(err as Error).message.split('\n')[0]}). Install Go (https://go.dev/dl) or put it on PATH.`,
      { goBinary },
    );
  }
  const version = parseGoVersion(out);
  if (!version) throw new TestbedError('E_GO_VERSION', `cannot read the Go version from: ${out.trim()}`, { goBinary });
  if (compareVersions(version, minVersion) < 0) {
    throw new TestbedError(
      'E_GO_TOO_OLD',
      `Go ${version} is too old to build the testbed: Kubernetes needs Go ${minVersion} or newer.`,
      { goBinary, version, minVersion },
    );
  }
  return { binary: goBinary, version };
}
