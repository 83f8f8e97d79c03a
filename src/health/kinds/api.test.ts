import { describe, it } from 'vitest';
import { checkHealth, type HealthCase } from '../testing.js';

const hpa = (conditions: string) => `
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 2
  maxReplicas: 10
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}}]
status:
  currentReplicas: 2
  desiredReplicas: 2
  conditions:
${conditions}
`;

describe('HorizontalPodAutoscaler', () => {
  it.each<HealthCase>([
    {
      name: 'able to scale, metrics valid, within range',
      yaml: hpa(`  - {type: AbleToScale, status: "True", reason: ReadyForNewScale, message: recommended size matches current size}
  - {type: ScalingActive, status: "True", reason: ValidMetricFound, message: the HPA was able to successfully calculate a replica count}
  - {type: ScalingLimited, status: "False", reason: DesiredWithinRange, message: the desired count is within the acceptable range}`),
      health: 'Healthy',
      message: 'recommended size matches current size',
    },
    {
      name: 'metrics missing even though AbleToScale comes first',
      yaml: hpa(`  - {type: AbleToScale, status: "True", reason: SucceededGetScale, message: the HPA controller was able to get the target's current scale}
  - {type: ScalingActive, status: "False", reason: FailedGetResourceMetric, message: "the HPA was unable to compute the replica count: missing request for cpu"}`),
      health: 'Degraded',
      message: 'the HPA was unable to compute the replica count: missing request for cpu',
    },
    {
      name: 'custom object metric unavailable',
      yaml: hpa(`  - {type: AbleToScale, status: "True", reason: SucceededGetScale}
  - {type: ScalingActive, status: "False", reason: FailedGetObjectMetric, message: unable to get metric requests_per_second}`),
      health: 'Degraded',
    },
    {
      name: 'cannot read the target scale',
      yaml: hpa('  - {type: AbleToScale, status: "False", reason: FailedGetScale, message: deployments/scale.apps "web" not found}'),
      health: 'Degraded',
    },
    {
      name: 'scaling disabled because the target has zero replicas',
      yaml: hpa(`  - {type: AbleToScale, status: "True", reason: SucceededGetScale, message: ok}
  - {type: ScalingActive, status: "False", reason: ScalingDisabled, message: scaling is disabled since the replica count of the target is zero}`),
      health: 'Healthy',
    },
    {
      name: 'at its limit',
      yaml: hpa('  - {type: ScalingLimited, status: "True", reason: TooFewReplicas, message: the desired replica count is less than the minimum replica count}'),
      health: 'Healthy',
    },
    { name: 'no conditions yet', yaml: hpa('    []'), health: 'Progressing', message: 'Waiting to Autoscale' },
    {
      name: 'autoscaling/v1 reads the conditions annotation',
      yaml: `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web
  annotations:
    autoscaling.alpha.kubernetes.io/conditions: '[{"type":"AbleToScale","status":"True","reason":"SucceededRescale","message":"ok"},{"type":"ScalingActive","status":"False","reason":"FailedGetResourceMetric","message":"no metrics"}]'
spec: {maxReplicas: 3, scaleTargetRef: {kind: Deployment, name: web}}
status: {currentReplicas: 1, desiredReplicas: 1}`,
      health: 'Degraded',
      message: 'no metrics',
    },
    {
      name: 'autoscaling/v1 without the annotation',
      yaml: 'apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: web}\nspec: {maxReplicas: 3}\nstatus: {currentReplicas: 1}',
      health: 'Progressing',
    },
    {
      name: 'autoscaling/v1 with a broken annotation',
      yaml: "apiVersion: autoscaling/v1\nkind: HorizontalPodAutoscaler\nmetadata: {name: web, annotations: {autoscaling.alpha.kubernetes.io/conditions: '{not json'}}\nspec: {maxReplicas: 3}",
      health: 'Unknown',
      message: /not valid JSON/,
    },
  ])('$name', checkHealth);
});

describe('APIService', () => {
  it.each<HealthCase>([
    {
      name: 'available',
      yaml: 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\nstatus: {conditions: [{type: Available, status: "True", reason: Passed, message: all checks passed}]}',
      health: 'Healthy',
      message: 'Passed: all checks passed',
    },
    {
      name: 'backend not answering',
      yaml: 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1beta1.metrics.k8s.io}\nstatus: {conditions: [{type: Available, status: "False", reason: MissingEndpoints, message: endpoints for service/metrics-server have no addresses}]}',
      health: 'Progressing',
      message: 'MissingEndpoints: endpoints for service/metrics-server have no addresses',
    },
    { name: 'not processed yet', yaml: 'apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: v1.x.io}\nstatus: {}', health: 'Progressing', message: 'Waiting to be processed' },
  ])('$name', checkHealth);
});

const crd = (conditions: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec: {group: example.com, names: {kind: Widget, plural: widgets}, scope: Namespaced}
status:
  conditions:
${conditions}`;

describe('CustomResourceDefinition', () => {
  it.each<HealthCase>([
    {
      name: 'established',
      yaml: crd('  - {type: NamesAccepted, status: "True", reason: NoConflicts}\n  - {type: Established, status: "True", reason: InitialNamesAccepted}'),
      health: 'Healthy',
      message: 'CRD is healthy',
    },
    {
      name: 'names rejected',
      yaml: crd('  - {type: NamesAccepted, status: "False", reason: ListKindConflict, message: "\\"WidgetList\\" is already in use"}\n  - {type: Established, status: "False", reason: NotAccepted}'),
      health: 'Degraded',
      message: 'CRD names have not been accepted: "WidgetList" is already in use',
    },
    { name: 'not established', yaml: crd('  - {type: Established, status: "False", reason: Installing, message: the initial names have not been accepted}'), health: 'Degraded' },
    { name: 'terminating', yaml: crd('  - {type: Established, status: "True"}\n  - {type: Terminating, status: "True", message: instances are being deleted}'), health: 'Progressing' },
    { name: 'no conditions', yaml: crd('    []'), health: 'Progressing', message: 'Status conditions not found' },
  ])('$name', checkHealth);
});

const pdb = (status: string) => `apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: shop, generation: 1}
spec: {minAvailable: 1, selector: {matchLabels: {app: web}}}
${status}`;

describe('PodDisruptionBudget', () => {
  it.each<HealthCase>([
    {
      name: 'disruptions allowed',
      yaml: pdb('status: {currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1, expectedPods: 2, observedGeneration: 1, conditions: [{type: DisruptionAllowed, status: "True", reason: SufficientPods}]}'),
      health: 'Healthy',
      message: 'PodDisruptionBudget has SufficientPods',
    },
    {
      name: 'InsufficientPods is intended more often than not (argo-cd #20171)',
      yaml: pdb('status: {currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0, expectedPods: 0, conditions: [{type: DisruptionAllowed, status: "False", reason: InsufficientPods}]}'),
      health: 'Healthy',
      message: 'PodDisruptionBudget has InsufficientPods',
    },
    {
      name: 'controller failed to sync',
      yaml: pdb('status: {conditions: [{type: DisruptionAllowed, status: "False", reason: SyncFailed, message: found no controllers}]}'),
      health: 'Degraded',
      message: 'PodDisruptionBudget has SyncFailed',
    },
    { name: 'no status yet', yaml: pdb(''), health: 'Progressing', message: 'Waiting for status' },
  ])('$name', checkHealth);
});
