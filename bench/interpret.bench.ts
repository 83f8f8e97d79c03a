/**
 * Cost of one interpreter call on a ~5 KB custom resource: an Argo CD-style health script, a Karmada health
 * script and a Karmada replica script with the kube library. Compiled chunks are cached by content, so every
 * iteration after the first is a cache hit: the numbers are argument conversion + run + result conversion.
 * The budget is ≤ 50 µs per call on average.
 */
import { bench, describe } from 'vitest';
import { runHealthScript } from '../src/interpret/argo-health.js';
import { getReplicas, interpretHealth } from '../src/interpret/karmada.js';

const containers = Array.from({ length: 6 }, (_, i) => ({
  name: `worker-${i}`,
  image: `registry.example.com/team/worker:${i}.2.3`,
  args: ['--listen=:8080', '--log-level=info', `--shard=${i}`],
  env: Array.from({ length: 5 }, (_, j) => ({ name: `SETTING_${j}`, value: `value-${i}-${j}` })),
  resources: { requests: { cpu: `${100 + i * 50}m`, memory: `${128 * (i + 1)}Mi` }, limits: { cpu: '1', memory: '1Gi' } },
  ports: [{ containerPort: 8080 + i, name: `http-${i}` }],
}));

const flock = {
  apiVersion: 'example.com/v1',
  kind: 'Flock',
  metadata: { name: 'geese', namespace: 'birds', labels: { app: 'geese', tier: 'backend' }, annotations: { owner: 'team-birds' } },
  spec: { size: 12, template: { metadata: { labels: { app: 'geese' } }, spec: { nodeSelector: { climate: 'cold' }, containers } } },
  status: {
    ready: 11,
    observedGeneration: 4,
    conditions: Array.from({ length: 4 }, (_, i) => ({ type: `Condition${i}`, status: 'True', reason: 'AsExpected', message: `condition ${i} holds`, lastTransitionTime: '2024-05-01T10:00:00Z' })),
  },
};

const argoHealth = `
local hs = {}
if obj.status ~= nil and obj.status.conditions ~= nil then
  for _, c in ipairs(obj.status.conditions) do
    if c.status ~= "True" then
      hs.status = "Degraded"
      hs.message = c.message
      return hs
    end
  end
end
if obj.status.ready < obj.spec.size then
  hs.status = "Progressing"
  hs.message = string.format("%d/%d ready", obj.status.ready, obj.spec.size)
  return hs
end
hs.status = "Healthy"
hs.message = ""
return hs
`;

const karmadaHealth = `
function InterpretHealth(observed)
  return observed.status ~= nil and observed.status.ready == observed.spec.size
end
`;

const replicas = `
local kube = require("kube")
function GetReplicas(obj)
  local requires = kube.accuratePodRequirements(obj.spec.template)
  return obj.spec.size, requires
end
`;

describe(`interpreter call on a ${JSON.stringify(flock).length}-byte object`, () => {
  bench('Argo CD health.lua', () => {
    runHealthScript(argoHealth, flock);
  });
  bench('Karmada InterpretHealth', () => {
    interpretHealth(karmadaHealth, flock);
  });
  bench('Karmada GetReplicas with kube.accuratePodRequirements', () => {
    getReplicas(replicas, flock);
  });
});
