import { describe, expect, it } from 'vitest';
import { TestbedError } from '../model/errors.js';
import { helmLdflags, helmMajor, helmPaths, kubernetesCapabilitiesOf } from './helm.js';
import { testbedPaths } from './paths.js';

describe('helm build', () => {
  it('takes the module path from the major version and refuses anything but vX.Y.Z from v3 on', () => {
    expect(helmMajor('v3.22.0')).toBe('v3');
    expect(helmMajor('v4.3.1')).toBe('v4');
    for (const bad of ['3.22.0', 'v2.17.0', 'v3.22', 'latest']) expect(() => helmMajor(bad), bad).toThrow(TestbedError);
  });

  it('reads the Kubernetes version helm targets from its client-go requirement', () => {
    const goMod = 'module helm.sh/helm/v3\n\ngo 1.26.0\n\nrequire (\n\tk8s.io/api v0.37.0\n\tk8s.io/client-go v0.37.2\n)\n';
    expect(kubernetesCapabilitiesOf(goMod)).toEqual({ major: '1', minor: '37' });
    expect(kubernetesCapabilitiesOf('module x\nrequire k8s.io/client-go v0.36.1\n')).toEqual({ major: '1', minor: '36' });
    expect(kubernetesCapabilitiesOf('module x\nrequire k8s.io/api v0.37.0\n')).toBeUndefined();
  });

  it('injects the version and the Kubernetes capabilities the way helm\'s Makefile does', () => {
    const flags = helmLdflags('v3.22.0', { major: '1', minor: '37' });
    expect(flags).toContain('-X helm.sh/helm/v3/internal/version.version=v3.22.0');
    expect(flags).toContain('-X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=37');
    expect(flags).toContain('-X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1');
  });

  it('caches each helm version under its own key beside the Kubernetes binaries', () => {
    const paths = testbedPaths({ FLOTILLA_CACHE_DIR: '/cache' });
    expect(helmPaths('v3.22.0', paths)).toEqual({ dir: '/cache/testbed/bin/helm-v3.22.0', binary: '/cache/testbed/bin/helm-v3.22.0/helm', lock: '/cache/testbed/helm-v3.22.0.lock' });
    expect(helmPaths('v4.3.1', paths).dir).not.toBe(helmPaths('v3.22.0', paths).dir);
  });
});
