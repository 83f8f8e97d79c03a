/** Helpers for the table-driven health tests: fixtures are YAML strings, as `kubectl get -o yaml` prints them. */
import { expect } from 'vitest';
import { parse } from 'yaml';
import type { HealthStatus } from '../model/fleet.js';
import type { KubeObject } from '../model/kube.js';
import { assessHealth } from './assess.js';

export interface HealthCase {
  name: string;
  yaml: string;
  health: HealthStatus;
  /** Exact message, or a pattern it must match; omitted: the message is not checked. */
  message?: string | RegExp;
}

export function fromYaml(text: string): KubeObject {
  return parse(text) as KubeObject;
}

export function checkHealth(c: HealthCase): void {
  const result = assessHealth(fromYaml(c.yaml));
  expect(result.health).toBe(c.health);
  if (typeof c.message === 'string') expect(result.message).toBe(c.message);
  else if (c.message) expect(result.message).toMatch(c.message);
}
