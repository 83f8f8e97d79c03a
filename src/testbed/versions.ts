/**
 * The one Kubernetes release the testbed runs, and the etcd and KWOK that go with it. Changing any of these
 * changes the cache key, so the next `testbed up` rebuilds.
 *
 * Kubernetes 1.36's go.mod says `go 1.26.0`, so it builds with the installed Go 1.26 without a toolchain
 * download; etcd 3.6.x is what kubeadm pairs with 1.34+; KWOK v0.8.0 is the newest tag whose go.mod
 * does not ask for Go 1.27.
 */
export const TESTBED_VERSIONS = {
  kubernetes: 'v1.36.3',
  etcd: 'v3.6.16',
  kwok: 'v0.8.0',
  /** Lowest Go that builds all three (the highest `go` line among their go.mod files). */
  minGo: '1.26.0',
} as const;

export const KUBERNETES_BINARIES = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'kubectl'] as const;
export const ALL_BINARIES = [...KUBERNETES_BINARIES, 'etcd', 'kwok'] as const;
export type TestbedBinary = (typeof ALL_BINARIES)[number];

export function testbedCacheKey(v = TESTBED_VERSIONS): string {
  return `k8s-${v.kubernetes}_etcd-${v.etcd}_kwok-${v.kwok}`;
}

/** `v1.36.3` → `v0.36.3`: the tag of the staging modules (k8s.io/api, client-go, …) of that release. */
export function stagingVersion(kubernetesVersion: string): string {
  return kubernetesVersion.replace(/^v1\./, 'v0.');
}

/**
 * helm for the chart's tests, built from the Go module proxy like the rest of the testbed but cached on its own
 * key (bin/helm-<version>), so a helm bump does not rebuild Kubernetes. v3.22's go.mod says `go 1.26.0`.
 */
export const HELM_VERSION = 'v3.22.0';
