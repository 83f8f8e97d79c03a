import { describe, expect, it } from 'vitest';
import { healthScriptKey, parseCustomizations, validateCustomization, validateHealthScript } from './customization.js';

const text = `apiVersion: config.karmada.io/v1alpha1
kind: ResourceInterpreterCustomization
metadata:
  name: flock
spec:
  target: {apiVersion: example.com/v1, kind: Flock}
  customizations:
    replicaResource:
      luaScript: |
        function GetReplicas(obj)
          return obj.spec.size, nil
        end
    healthInterpretation:
      luaScript: |
        function Healthy(obj)
          return true
        end
    statusReflection:
      luaScript: |
        function ReflectStatus(obj)
          return {
        end
`;

describe('interpreter customizations', () => {
  const { customizations, problems } = parseCustomizations('interpreters/flock.yaml', text);

  it('parses the target and each script with its first file line', () => {
    expect(problems).toEqual([]);
    expect(customizations).toHaveLength(1);
    const [c] = customizations;
    expect(c!.target).toEqual({ apiVersion: 'example.com/v1', kind: 'Flock' });
    expect(c!.scripts.InterpretReplica?.line).toBe(10);
    expect(Object.keys(c!.scripts).sort()).toEqual(['InterpretHealth', 'InterpretReplica', 'InterpretStatus']);
  });

  it('reports a missing function and a syntax error at their file lines', () => {
    const found = validateCustomization(customizations[0]!);
    expect(found).toEqual([
      { file: 'interpreters/flock.yaml', line: 22, column: 1, message: "InterpretStatus: unexpected symbol near 'end'" },
      { file: 'interpreters/flock.yaml', line: 15, column: 1, message: 'InterpretHealth: the script does not define function InterpretHealth' },
    ]);
  });

  it('reports a wrong apiVersion as a Problem', () => {
    const r = parseCustomizations('interpreters/x.yaml', text.replace('config.karmada.io/v1alpha1', 'config.karmada.io/v2'));
    expect(r.problems[0]).toMatchObject({ file: 'interpreters/x.yaml', line: 1 });
  });
});

describe('health.lua', () => {
  it('keys scripts like Argo CD', () => {
    expect(healthScriptKey('health/example.com/Flock/health.lua')).toBe('example.com/Flock');
    expect(healthScriptKey('health/core/Pod/health.lua')).toBe('Pod');
    expect(healthScriptKey('health/Flock/health.lua')).toBeNull();
  });

  it('reports a syntax error at its line', () => {
    expect(validateHealthScript('health/example.com/Flock/health.lua', 'hs = {}\nif then\nreturn hs')[0]).toMatchObject({ line: 2 });
    expect(validateHealthScript('health/example.com/Flock/health.lua', 'return {status = "Healthy"}')).toEqual([]);
  });
});
