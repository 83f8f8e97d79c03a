/** The fake nodes of a member cluster: plain Node objects that KWOK then keeps Ready. */

export interface MemberTopology {
  region: string;
  zones: string[];
}

/** Default layout: member1 and member2 share a region, member3 (and later ones) sit in another. */
export function defaultTopology(index: number): MemberTopology {
  const region = index <= 2 ? 'eu-west' : 'us-east';
  return { region, zones: [`${region}-a`, `${region}-b`] };
}

export const NODE_ALLOCATABLE = { cpu: '8', memory: '32Gi', pods: '110', 'ephemeral-storage': '100Gi' } as const;

export function fakeNodes(topology: MemberTopology): Record<string, unknown>[] {
  return topology.zones.map((zone, i) => {
    const name = `kwok-node-${i}`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: {
          'kubernetes.io/hostname': name,
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node.kubernetes.io/instance-type': 'kwok.8x32',
          'topology.kubernetes.io/region': topology.region,
          'topology.kubernetes.io/zone': zone,
          type: 'kwok',
        },
      },
      spec: {},
      status: {
        allocatable: { ...NODE_ALLOCATABLE },
        capacity: { ...NODE_ALLOCATABLE },
        nodeInfo: { architecture: 'amd64', operatingSystem: 'linux', kubeletVersion: 'fake', containerRuntimeVersion: 'kwok' },
      },
    };
  });
}
