/**
 * fieldOverrider (docs/fleet-repository.md#overriders): a string field that holds a JSON or YAML document (a ConfigMap entry,
 * say) is parsed, patched with RFC 6902 operations at `subPath`, and written back. JSON is written compactly; YAML
 * is re-emitted with sorted keys (comments and layout are lost, as in Karmada). YAML is read with the 1.2 core
 * schema, so `yes` stays a string where Karmada's YAML 1.1 reader would make it `true`.
 */
import { parse as parseYaml } from 'yaml';
import type { FieldOverrider } from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { lookup, parsePointer } from './json-pointer.js';
import { applyStrictPatch, type PatchOperation } from './json-patch.js';
import { toYaml } from './manifest-yaml.js';
import { OverrideFailure, describeError } from './override-failure.js';
import { writableAt } from './writable.js';
import { isPlainObject } from '../util/json.js';

/** Changes `obj` in place (pass a copy) and returns it. */
export function fieldOverriderInPlace(obj: KubeObject, overrider: FieldOverrider, field: string): KubeObject {
  const pathField = `${field}.fieldPath`;
  const tokens = parsePointer(overrider.fieldPath);
  if (tokens === null || tokens.length === 0) {
    throw new OverrideFailure(pathField, `${JSON.stringify(overrider.fieldPath)} is not a JSON pointer to a field`);
  }
  if (tokens.includes('__proto__')) throw new OverrideFailure(pathField, 'path is not allowed');
  const found = lookup(obj, tokens);
  if (!found.found) throw new OverrideFailure(pathField, `${found.missing} does not exist`);
  if (typeof found.value !== 'string') throw new OverrideFailure(pathField, `${overrider.fieldPath} is not a string`);

  let text: string;
  if (overrider.yaml && overrider.yaml.length > 0) {
    const doc = parseDocument(found.value, 'YAML', pathField);
    text = toYaml(applyStrictPatch(doc, toOperations(overrider.yaml), (i) => `${field}.yaml[${i}]`));
  } else if (overrider.json && overrider.json.length > 0) {
    const doc = parseDocument(found.value, 'JSON', pathField);
    text = JSON.stringify(applyStrictPatch(doc, toOperations(overrider.json), (i) => `${field}.json[${i}]`));
  } else {
    return obj;
  }
  const parent = writableAt(obj, tokens.slice(0, -1));
  const last = tokens[tokens.length - 1]!;
  if (Array.isArray(parent)) parent[Number(last)] = text;
  else if (isPlainObject(parent)) parent[last] = text;
  return obj;
}

function toOperations(ops: NonNullable<FieldOverrider['json']>): PatchOperation[] {
  return ops.map((o) => ({ op: o.operator, path: o.subPath, value: o.value }));
}

function parseDocument(text: string, format: 'JSON' | 'YAML', field: string): unknown {
  try {
    return format === 'JSON' ? (JSON.parse(text) as unknown) : (parseYaml(text, { merge: true }) as unknown);
  } catch (err) {
    throw new OverrideFailure(field, `the field is not valid ${format}: ${describeError(err)}`);
  }
}
