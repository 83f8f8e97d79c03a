import { describe, expect, it } from 'vitest';
import { DEFAULT_FLEET_SETTINGS } from '../../model/fleet.js';
import { loadTexts, positionOf, yamlLines } from '../testing.js';

const fleetYaml = (...specLines: string[]) => yamlLines('apiVersion: flotilla.dev/v1alpha1', 'kind: Fleet', 'metadata: {name: demo}', 'spec:', ...specLines.map((l) => `  ${l}`));

describe('fleet.yaml', () => {
  it('uses the defaults without a fleet.yaml', () => {
    expect(loadTexts({}).settings).toEqual(DEFAULT_FLEET_SETTINGS);
  });

  it('reads every setting', () => {
    const fleet = loadTexts({ 'fleet.yaml': fleetYaml('maxPruneFraction: 0.25', 'maxFileBytes: 2048', 'pollIntervalSeconds: 60', 'status: {summaryIntervalSeconds: 120}', 'failover: {defaultTolerationSeconds: 20}') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.settings).toEqual({ maxPruneFraction: 0.25, maxFileBytes: 2048, pollIntervalSeconds: 60, summaryIntervalSeconds: 120, defaultTolerationSeconds: 20 });
  });

  it('reports a defaultTolerationSeconds out of range and keeps the default', () => {
    const text = fleetYaml('failover: {defaultTolerationSeconds: -5}');
    const fleet = loadTexts({ 'fleet.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'fleet.yaml', ...positionOf(text, '-5'), message: 'spec.failover.defaultTolerationSeconds: expected an integer between 0 and 86400, got -5' }]);
    expect(fleet.settings.defaultTolerationSeconds).toBe(300);
  });

  it('accepts a Fleet without metadata and reads fleet.yml', () => {
    const fleet = loadTexts({ 'fleet.yml': yamlLines('apiVersion: flotilla.dev/v1alpha1', 'kind: Fleet', 'spec: {pollIntervalSeconds: 10}') });
    expect(fleet.errors).toEqual([]);
    expect(fleet.settings.pollIntervalSeconds).toBe(10);
  });

  it.each([
    ['maxPruneFraction above 1', 'maxPruneFraction: 1.5', 'spec.maxPruneFraction: expected a number between 0 and 1, got 1.5', '1.5'],
    ['maxPruneFraction as a string', 'maxPruneFraction: "half"', 'spec.maxPruneFraction: expected a number between 0 and 1, got "half"', '"half"'],
    ['maxFileBytes that is not an integer', 'maxFileBytes: 1.5', 'spec.maxFileBytes: expected an integer between 1024 and 67108864, got 1.5', '1.5'],
    ['maxFileBytes below 1 KiB', 'maxFileBytes: 10', 'spec.maxFileBytes: expected an integer between 1024 and 67108864, got 10', '10'],
    ['pollIntervalSeconds of 0', 'pollIntervalSeconds: 0', 'spec.pollIntervalSeconds: expected an integer between 1 and 86400, got 0', '0'],
    ['a negative summaryIntervalSeconds', 'status: {summaryIntervalSeconds: -5}', 'spec.status.summaryIntervalSeconds: expected an integer between 0 and 86400, got -5', '-5'],
    ['a fractional defaultTolerationSeconds', 'failover: {defaultTolerationSeconds: 2.5}', 'spec.failover.defaultTolerationSeconds: expected an integer between 0 and 86400, got 2.5', '2.5'],
  ])('keeps the default for %s, with an error', (_, line, message, needle) => {
    const text = fleetYaml(line);
    const fleet = loadTexts({ 'fleet.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'fleet.yaml', ...positionOf(text, needle), message }]);
    expect(fleet.settings).toEqual(DEFAULT_FLEET_SETTINGS);
  });

  it('warns about unknown settings', () => {
    const text = fleetYaml('pruneEverything: true');
    const fleet = loadTexts({ 'fleet.yaml': text });
    expect(fleet.warnings).toEqual([{ file: 'fleet.yaml', ...positionOf(text, 'pruneEverything'), message: 'spec.pruneEverything: unknown field; ignored' }]);
  });

  it('refuses another kind in fleet.yaml', () => {
    const text = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: x}');
    const fleet = loadTexts({ 'fleet.yaml': text });
    expect(fleet.errors).toEqual([{ file: 'fleet.yaml', ...positionOf(text, 'ConfigMap'), message: 'kind: fleet.yaml must hold one flotilla.dev/v1alpha1 Fleet object, got v1 ConfigMap' }]);
    expect(fleet.templates).toEqual([]);
  });

  it('refuses a second document and a second settings file', () => {
    const fleet = loadTexts({ 'fleet.yaml': `${fleetYaml('pollIntervalSeconds: 5')}---\n${fleetYaml('pollIntervalSeconds: 7')}`, 'fleet.yml': fleetYaml('pollIntervalSeconds: 9') });
    expect(fleet.settings.pollIntervalSeconds).toBe(5);
    expect(fleet.errors.map((e) => [e.file, e.message])).toEqual([
      ['fleet.yaml', 'fleet.yaml files hold exactly one object; this extra document is ignored'],
      ['fleet.yml', 'both fleet.yaml and fleet.yml exist; fleet.yml is ignored'],
    ]);
  });

  it('applies spec.maxFileBytes to every other file', () => {
    const big = yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: big}', `data: {a: "${'x'.repeat(3000)}"}`);
    const fleet = loadTexts({ 'fleet.yaml': fleetYaml('maxFileBytes: 2048'), 'workloads/big.yaml': big, 'workloads/small.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: small}') });
    expect(fleet.errors).toHaveLength(1);
    expect(fleet.errors[0]!.message).toContain('more than the limit of 2048 bytes');
    expect(fleet.brokenFiles).toEqual(['workloads/big.yaml']);
    expect(fleet.templates.map((t) => t.ref.name)).toEqual(['small']);
  });

  it('lets the caller override the file size limit', () => {
    const fleet = loadTexts({ 'fleet.yaml': fleetYaml('maxFileBytes: 1048576'), 'workloads/c.yaml': yamlLines('apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: c}') }, { maxFileBytes: 16 });
    expect(fleet.brokenFiles).toEqual(['fleet.yaml', 'workloads/c.yaml']);
  });
});
