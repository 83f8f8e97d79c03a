/**
 * `flotilla interpret`: runs one operation of a ResourceInterpreterCustomization against objects from files,
 * with `karmadactl interpret`'s flags and result names, so a script can be tried before it is committed.
 */
import { readFileSync } from 'node:fs';
import { Option, type Command } from '@commander-js/extra-typings';
import { UsageError } from '../model/errors.js';
import { formatProblem, type Problem } from '../model/problem.js';
import { parseDocumentsAsGo } from '../load/index.js';
import { parseCustomizations, scriptProblem, type InterpreterCustomization, type LuaScriptSource } from '../interpret/customization.js';
import {
  aggregateStatus,
  getComponents,
  getDependencies,
  mergeDependencies,
  getReplicas,
  interpretHealth,
  OPERATIONS,
  reflectStatus,
  retain,
  reviseReplica,
  type AggregatedStatusItem,
  type InterpreterOperation,
  type KubeObject,
} from '../interpret/karmada.js';
import { setExitCode } from './exit-code.js';
import { readHealthInput } from './health-input.js';

interface InterpretOptions {
  filename: string;
  operation: string;
  desiredFile?: string;
  observedFile?: string;
  statusFile?: string;
  desiredReplica?: string;
  output: string;
}

export function registerInterpretCommand(program: Command): void {
  program
    .command('interpret')
    .description('run one operation of a ResourceInterpreterCustomization (the same flags as karmadactl interpret)')
    .requiredOption('-f, --filename <file>', 'file with one or more ResourceInterpreterCustomization objects')
    .requiredOption('--operation <op>', `one of ${Object.keys(OPERATIONS).join(', ')} (case-insensitive)`)
    .option('--desired-file <file>', 'the desired object (YAML or JSON)')
    .option('--observed-file <file>', 'the observed object (YAML or JSON)')
    .option('--status-file <file>', 'AggregateStatus: a YAML list of AggregatedStatusItem (clusterName, status, applied, health)')
    .option('--desired-replica <n>', 'ReviseReplica: the replica count to write')
    .addOption(new Option('-o, --output <format>', 'text or json').choices(['text', 'json']).default('text'))
    .action((opts, cmd) => {
      const outcome = interpret(opts);
      if (opts.output === 'json') console.log(JSON.stringify('errors' in outcome ? outcome : outcome.result, null, 2));
      if ('errors' in outcome) {
        for (const p of outcome.errors) console.error(`error: ${formatProblem(p)}`);
        setExitCode(cmd, 1);
      } else if (opts.output !== 'json') {
        for (const [k, v] of Object.entries(outcome.result)) console.log(`${k}: ${typeof v === 'object' ? JSON.stringify(v, null, 2) : String(v)}`);
      }
    });
}

function operationOf(name: string): InterpreterOperation {
  const op = Object.keys(OPERATIONS).find((o) => o.toLowerCase() === name.toLowerCase());
  if (op === undefined) throw new UsageError(`--operation: expected one of ${Object.keys(OPERATIONS).join(', ')}, got ${JSON.stringify(name)}`);
  return op as InterpreterOperation;
}

function interpret(opts: InterpretOptions): { result: Record<string, unknown> } | { errors: Problem[] } {
  const op = operationOf(opts.operation);
  const desired = opts.desiredFile === undefined ? undefined : readObject(opts.desiredFile, '--desired-file');
  const observed = opts.observedFile === undefined ? undefined : readObject(opts.observedFile, '--observed-file');
  const subject = inputsFor(op, desired, observed);
  const parsed = parseCustomizations(opts.filename, readText(opts.filename, '-f'));
  if (parsed.problems.length > 0) return { errors: parsed.problems };
  const source = scriptFor(parsed.customizations, op, subject);
  if ('problem' in source) return { errors: [source.problem] };
  try {
    return { result: run(op, source.script, desired, observed, opts) };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    return { errors: [scriptProblem(source, `${op}: ${e instanceof Error ? e.message : String(e)}`, e)] };
  }
}

/** The object whose apiVersion and kind select the customization; missing inputs are usage errors. */
function inputsFor(op: InterpreterOperation, desired: KubeObject | undefined, observed: KubeObject | undefined): KubeObject {
  if (op === 'Retain') {
    if (desired === undefined || observed === undefined) throw new UsageError('Retain needs --desired-file and --observed-file');
    return desired;
  }
  const object = op === 'InterpretStatus' || op === 'InterpretHealth' ? (observed ?? desired) : (desired ?? observed);
  if (object === undefined) throw new UsageError(`${op} needs --desired-file or --observed-file`);
  return object;
}

/** Karmada's choice: customizations sorted by name, the first with a script for the operation wins. */
function scriptFor(all: InterpreterCustomization[], op: InterpreterOperation, subject: KubeObject): LuaScriptSource | { problem: Problem } {
  const matching = all
    .filter((c) => c.target.apiVersion === subject.apiVersion && c.target.kind === subject.kind)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const withScript = matching.find((c) => c.scripts[op] !== undefined);
  if (withScript !== undefined) return withScript.scripts[op]!;
  const what = `${String(subject.apiVersion)} ${String(subject.kind)}`;
  const file = all[0]?.file ?? '';
  const message = matching.length === 0 ? `no customization targets ${what}` : `no customization for ${what} defines ${OPERATIONS[op].field}`;
  return { problem: { file, line: 1, column: 1, message } };
}

function run(op: InterpreterOperation, script: string, desired: KubeObject | undefined, observed: KubeObject | undefined, opts: InterpretOptions): Record<string, unknown> {
  const one = (desired ?? observed)!;
  switch (op) {
    case 'Retain':
      return { retained: retain(script, desired!, observed!) };
    case 'InterpretReplica': {
      const { replica, requires } = getReplicas(script, one);
      return { replica, requires };
    }
    case 'ReviseReplica':
      return { revised: reviseReplica(script, one, desiredReplica(opts.desiredReplica)) };
    case 'InterpretStatus':
      return { status: reflectStatus(script, observed ?? one) };
    case 'AggregateStatus':
      return { aggregatedStatus: aggregateStatus(script, one, statusItems(opts.statusFile)) };
    case 'InterpretHealth':
      return { healthy: interpretHealth(script, observed ?? one) };
    case 'InterpretDependency':
      return { dependencies: mergeDependencies([getDependencies(script, one)]) };
    case 'InterpretComponent':
      return { components: getComponents(script, one) };
  }
}

function desiredReplica(value: string | undefined): number {
  if (value === undefined) throw new UsageError('ReviseReplica needs --desired-replica');
  if (!/^\d+$/.test(value)) throw new UsageError(`--desired-replica: expected a non-negative integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

/**
 * The items of --status-file: a YAML list, or (as karmadactl reads the file) a stream of documents with one item
 * each; empty documents are skipped. No file: nil.
 */
function statusItems(file: string | undefined): AggregatedStatusItem[] | null {
  // Without the flag karmadactl hands the script nil, which scripts test for (`if statusItems == nil`).
  if (file === undefined) return null;
  const docs = parseDocumentsAsGo(readText(file, '--status-file'));
  const error = docs.flatMap(({ doc }) => doc.errors)[0];
  if (error !== undefined) throw new UsageError(`--status-file ${file}: ${error.message.split('\n')[0]}`);
  const values: unknown[] = [];
  for (const { doc } of docs) {
    let value: unknown;
    try {
      value = doc.toJS();
    } catch (e) {
      throw new UsageError(`--status-file ${file}: ${(e as Error).message.split('\n')[0]}`);
    }
    if (value !== null && value !== undefined) values.push(value);
  }
  const items = values.length === 1 && Array.isArray(values[0]) ? (values[0] as unknown[]) : values;
  if (items.some((i) => i === null || typeof i !== 'object' || Array.isArray(i))) {
    throw new UsageError(`--status-file ${file}: expected a list of AggregatedStatusItem mappings (or one per YAML document)`);
  }
  return items.map((i) => asStatusItem(i as Record<string, unknown>));
}

/** An item as Go decodes it into AggregatedStatusItem: its fields only, clusterName "" when absent. */
function asStatusItem(raw: Record<string, unknown>): AggregatedStatusItem {
  const item: AggregatedStatusItem = { clusterName: typeof raw.clusterName === 'string' ? raw.clusterName : '' };
  if (raw.status !== undefined && raw.status !== null) item.status = raw.status as AggregatedStatusItem['status'];
  if (raw.applied === true) item.applied = true;
  if (typeof raw.appliedMessage === 'string') item.appliedMessage = raw.appliedMessage;
  if (typeof raw.health === 'string' && raw.health !== '') item.health = raw.health as AggregatedStatusItem['health'];
  return item;
}

function readObject(file: string, flag: string): KubeObject {
  readText(file, flag);
  const input = readHealthInput([file]);
  const [first] = input.objects;
  if (input.problems.length > 0 || first === undefined) {
    const why = input.problems[0] ? formatProblem(input.problems[0]) : 'no object in the file';
    throw new UsageError(`${flag} ${file}: ${why}`);
  }
  return first as unknown as KubeObject;
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`${flag}: cannot read ${file}: ${(e as Error).message}`);
  }
}
