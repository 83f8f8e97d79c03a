/**
 * The errors a Kubernetes API call ends in, built in one place so the HTTPS client and the in-memory cluster
 * fail alike: `E_API` carries the HTTP status and the API's `reason`, `E_UNREACHABLE` means no answer at all.
 * No I/O here, so test doubles can use it.
 */
import { KubeApiError } from '../model/errors.js';

/** An API answer that is not 2xx, from its status and (JSON `Status` or text) body. */
export function apiError(res: { status: number; body: unknown }, method: string, path: string): KubeApiError {
  const b = res.body as { message?: string; reason?: string } | string;
  const message = typeof b === 'object' && b && b.message ? b.message : String(b).slice(0, 500);
  const reason = typeof b === 'object' && b ? b.reason : undefined;
  return new KubeApiError('E_API', `${method} ${path}: ${res.status} ${message}`, { status: res.status, reason, path });
}

/** The cluster did not answer (refused, reset, timed out). */
export function unreachableError(server: string, host: string, path: string, cause: Error): KubeApiError {
  return new KubeApiError('E_UNREACHABLE', `${host}: ${path}: ${cause.message}`, { server, path }, { cause });
}

export function noKindError(cluster: string, apiVersion: string, kind: string): KubeApiError {
  return new KubeApiError('E_NO_KIND', `${cluster} does not serve ${kind} in ${apiVersion} (is its CRD installed?)`, { apiVersion, kind, cluster });
}
