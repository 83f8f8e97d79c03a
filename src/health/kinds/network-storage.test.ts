import { describe, it } from 'vitest';
import { checkHealth, type HealthCase } from '../testing.js';

describe('Service', () => {
  it.each<HealthCase>([
    { name: 'ClusterIP', yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: ClusterIP, ports: [{port: 80}]}\nstatus: {loadBalancer: {}}', health: 'Healthy' },
    { name: 'type defaults to ClusterIP', yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 80}]}', health: 'Healthy' },
    { name: 'NodePort', yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: NodePort}', health: 'Healthy' },
    {
      name: 'LoadBalancer with an address',
      yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer}\nstatus: {loadBalancer: {ingress: [{ip: 203.0.113.7}]}}',
      health: 'Healthy',
    },
    {
      name: 'LoadBalancer still waiting',
      yaml: 'apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {type: LoadBalancer}\nstatus: {loadBalancer: {}}',
      health: 'Progressing',
      message: 'Waiting for the load balancer to be assigned an address',
    },
  ])('$name', checkHealth);
});

describe('Ingress', () => {
  it.each<HealthCase>([
    {
      name: 'address published',
      yaml: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {rules: [{host: shop.example.com}]}\nstatus: {loadBalancer: {ingress: [{hostname: lb.example.net}]}}',
      health: 'Healthy',
    },
    { name: 'no address yet', yaml: 'apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web}\nspec: {}\nstatus: {loadBalancer: {}}', health: 'Progressing' },
    { name: 'legacy extensions group', yaml: 'apiVersion: extensions/v1beta1\nkind: Ingress\nmetadata: {name: web}\nstatus: {loadBalancer: {ingress: [{ip: 10.0.0.1}]}}', health: 'Healthy' },
  ])('$name', checkHealth);
});

const pvc = (phase: string) => `apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: data}\nspec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}\nstatus: {phase: ${phase}}`;

describe('PersistentVolumeClaim', () => {
  it.each<HealthCase>([
    { name: 'Bound', yaml: pvc('Bound'), health: 'Healthy' },
    { name: 'Pending', yaml: pvc('Pending'), health: 'Progressing' },
    { name: 'Lost', yaml: pvc('Lost'), health: 'Degraded' },
    { name: 'phase nobody knows', yaml: pvc('Resizing'), health: 'Unknown', message: 'Unknown phase "Resizing"' },
  ])('$name', checkHealth);
});

describe('PersistentVolume', () => {
  it.each<HealthCase>([
    { name: 'Available', yaml: 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\nstatus: {phase: Available}', health: 'Healthy' },
    { name: 'Released', yaml: 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\nstatus: {phase: Released}', health: 'Healthy' },
    {
      name: 'Failed reclamation',
      yaml: 'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\nstatus: {phase: Failed, message: "recycler failed"}',
      health: 'Degraded',
      message: 'recycler failed',
    },
  ])('$name', checkHealth);
});

describe('Namespace', () => {
  it.each<HealthCase>([
    { name: 'Active', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\nstatus: {phase: Active}', health: 'Healthy' },
    { name: 'Terminating', yaml: 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\nstatus: {phase: Terminating}', health: 'Progressing', message: 'Namespace is terminating' },
  ])('$name', checkHealth);
});
