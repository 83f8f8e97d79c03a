#!/usr/bin/env node
// Karmada's third-party ResourceInterpreterCustomizations and their own test cases, run through
// `flotilla interpret` (the CLI users have; inputs written to files, one process per case). Results are compared
// the way Karmada's thirdparty_test.go compares them: objects deeply, requirements, components and dependencies
// as the typed Go structs would hold them, everything else as the JSON Go would print.
//
//   npm run build && node scripts/compat/karmada-customizations.mjs --karmada <karmada checkout or git dir> [--rev HEAD]
//
// Not part of `npm test`: it needs a copy of Karmada, which the repository does not carry. FILTER=<text> runs the
// cases whose file or name contains it.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const argv = process.argv.slice(2);
const option = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const GITDIR = option('--karmada');
const REV = option('--rev', 'HEAD');
if (!GITDIR) {
  console.error('usage: node scripts/compat/karmada-customizations.mjs --karmada <karmada checkout> [--rev HEAD]');
  process.exit(2);
}
const WT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ROOT = 'pkg/resourceinterpreter/default/thirdparty/resourcecustomizations';
const FILTER = process.env.FILTER ?? '';

// Test files are read as Go reads them (quoted values wrapped at the key's column, a key given twice).
const { parseDocumentsAsGo } = await import(pathToFileURL(join(WT, 'dist/load/index.js')).href);
const work = mkdtempSync(join(tmpdir(), 'karmada-cli-'));
let serial = 0;
/** `flotilla interpret` on one case: the result object, or an error with what the CLI printed. */
function interpret(customizationText, op, t) {
  const dir = join(work, String(serial++));
  mkdirSync(dir, { recursive: true });
  const f = join(dir, 'customizations.yaml');
  writeFileSync(f, customizationText);
  const args = ['interpret', '-f', f, '--operation', op, '-o', 'json'];
  if (t.desiredObj != null) { writeFileSync(join(dir, 'desired.json'), JSON.stringify(t.desiredObj)); args.push('--desired-file', join(dir, 'desired.json')); }
  if (t.observedObj != null) { writeFileSync(join(dir, 'observed.json'), JSON.stringify(t.observedObj)); args.push('--observed-file', join(dir, 'observed.json')); }
  if (t.statusItems != null) { writeFileSync(join(dir, 'status.json'), JSON.stringify(t.statusItems)); args.push('--status-file', join(dir, 'status.json')); }
  if (t.inputReplicas != null) args.push('--desired-replica', String(t.inputReplicas));
  let out;
  try {
    out = execFileSync('node', [`${WT}/bin/flotilla.js`, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    throw new Error(`exit ${e.status}: ${(e.stdout || '') + (e.stderr || '')}`.slice(0, 400), { cause: e });
  }
  const r = JSON.parse(out);
  if (r.errors) throw new Error(JSON.stringify(r.errors));
  return r;
}

const git = (...args) => execFileSync('git', ['-C', GITDIR, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const files = git('ls-tree', '-r', '--name-only', REV, ROOT).split('\n').filter(Boolean);

function parseDocs(text) {
  return parseDocumentsAsGo(text, { uniqueKeys: false })
    .map(({ doc }) => {
      if (doc.errors.length > 0) throw new Error(doc.errors[0].message);
      return doc.toJS();
    })
    .filter((d) => d !== null && d !== undefined);
}

// ---------- Go-side normalisations ----------
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** encoding/json's float64 formatting. */
function goNumber(n) {
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return n.toExponential().replace(/e([+-])(\d)$/, 'e$10$2');
  }
  return String(n);
}
/** encoding/json Marshal (sorted keys, HTML escaping). */
function goJSON(v) {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') return goNumber(v);
  if (typeof v === 'string') return JSON.stringify(v).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  const keys = Object.keys(v).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((key) => `${goJSON(key)}:${goJSON(v[key])}`).join(',')}}`;
}

/** Go's conversion.Equalities DeepEqual on JSON-decoded (unstructured) values; numbers by value. */
function deepEqual(a, b) {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a !== typeof b) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (typeof a === 'object') {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((key) => Object.hasOwn(b, key) && deepEqual(a[key], b[key]));
  }
  return false;
}

const EXCLUDE = '{{EXCLUDE}}';
function withExclusion(obj, path, paths, collecting) {
  if (Array.isArray(obj)) return obj.map((v, i) => withExclusion(v, [...path, String(i)], paths, collecting));
  if (!isObj(obj)) return obj;
  const out = {};
  for (const [key, v] of Object.entries(obj)) {
    const p = [...path, key].join('.');
    if (collecting && v === EXCLUDE) {
      paths.add(p);
      continue;
    }
    if (!collecting && paths.has(p)) continue;
    out[key] = withExclusion(v, [...path, key], paths, collecting);
  }
  return out;
}

// resource.Quantity value as an exact rational (BigInt numerator over 10^SCALE).
const SCALE = 40n;
const SUFFIX = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN = { Ki: 10n, Mi: 20n, Gi: 30n, Ti: 40n, Pi: 50n, Ei: 60n };
function quantity(v) {
  const s = typeof v === 'number' ? goNumber(v) : String(v);
  const m = /^([+-]?)(\d*)(?:\.(\d*))?(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?)$/.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return `invalid:${s}`;
  const digits = BigInt((m[2] || '0') + (m[3] ?? ''));
  let exp10 = -(m[3] ?? '').length;
  let mul = 1n;
  if (m[4]) exp10 += Number(m[4].slice(1));
  else if (m[5] && BIN[m[5]]) mul = 1n << BIN[m[5]];
  else exp10 += SUFFIX[m[5] ?? ''];
  let num = digits * mul * 10n ** SCALE;
  num = exp10 >= 0 ? num * 10n ** BigInt(exp10) : num / 10n ** BigInt(-exp10);
  return `${m[1] === '-' ? '-' : ''}${num}`;
}

// Typed decoding: zero values equal absence, nil equals empty for maps/slices; pointers keep presence.
const POINTERS = new Set(['nodeClaim', 'hardNodeAffinity', 'replicaRequirements', 'labelSelector', 'tolerationSeconds']);
function prune(v) {
  if (Array.isArray(v)) return v.map(prune);
  if (!isObj(v)) return v;
  const out = {};
  for (const [key, x] of Object.entries(v)) {
    if (x === null || x === '' || x === false) continue;
    if (Array.isArray(x) && x.length === 0) continue;
    const p = prune(x);
    if (isObj(p) && Object.keys(p).length === 0 && !POINTERS.has(key)) continue;
    out[key] = p;
  }
  return out;
}
function pick(v, fields) {
  if (!isObj(v)) return v;
  const out = {};
  for (const f of fields) if (v[f] !== undefined) out[f] = v[f];
  return out;
}
function typedRequirements(v, fields) {
  if (v === null || v === undefined) return null;
  if (!isObj(v)) return { invalid: v };
  const r = pick(v, fields);
  if (isObj(r.nodeClaim)) r.nodeClaim = pick(r.nodeClaim, ['hardNodeAffinity', 'nodeSelector', 'tolerations']);
  if (isObj(r.resourceRequest)) r.resourceRequest = Object.fromEntries(Object.entries(r.resourceRequest).map(([n, q]) => [n, quantity(q)]));
  return prune(r);
}
const REQ_FIELDS = ['nodeClaim', 'resourceRequest', 'namespace', 'priorityClassName'];
const COMP_REQ_FIELDS = ['nodeClaim', 'resourceRequest', 'priorityClassName'];
function typedComponents(list) {
  if (!Array.isArray(list)) return list ?? [];
  return list
    .map((c) => {
      const out = { name: c?.name ?? '', replicas: c?.replicas ?? 0 };
      if (c?.replicaRequirements != null) out.replicaRequirements = typedRequirements(c.replicaRequirements, COMP_REQ_FIELDS);
      return out;
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
const cmp = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
function typedDependencies(list) {
  if (!Array.isArray(list)) return list ?? [];
  return list
    .map((d) => prune(pick(d, ['apiVersion', 'kind', 'namespace', 'name', 'labelSelector'])))
    .sort((a, b) => cmp(a.apiVersion ?? '', b.apiVersion ?? '') || cmp(a.kind ?? '', b.kind ?? '') || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name ?? '', b.name ?? ''));
}

/** Karmada's deepEqual per result name: [equal, expectedShown, actualShown]. */
function compare(name, expected, actual) {
  switch (name) {
    case 'retained':
    case 'revised':
    case 'aggregatedStatus': {
      const paths = new Set();
      const e = withExclusion(JSON.parse(JSON.stringify(expected)), [], paths, true);
      const a = withExclusion(actual, [], paths, false);
      return [deepEqual(e, a), e, a];
    }
    case 'requires': {
      const e = expected === undefined ? null : isObj(expected) ? typedRequirements(expected, REQ_FIELDS) : expected === null ? {} : expected;
      const a = actual === null ? null : typedRequirements(actual, REQ_FIELDS);
      return [deepEqual(e, a), e, a];
    }
    case 'components': {
      const e = typedComponents(expected);
      const a = typedComponents(actual);
      return [deepEqual(e, a), e, a];
    }
    case 'dependencies': {
      const e = typedDependencies(expected);
      const a = typedDependencies(actual);
      return [deepEqual(e, a), e, a];
    }
    default: {
      const e = goJSON(expected);
      const a = goJSON(actual);
      return [e === a, e, a];
    }
  }
}

// ---------- running ----------
/** Test files name operations in any case; the CLI takes Karmada's spelling. */
const OPERATIONS = new Map(['Retain', 'InterpretReplica', 'InterpretComponent', 'ReviseReplica', 'InterpretStatus', 'AggregateStatus', 'InterpretHealth', 'InterpretDependency'].map((op) => [op.toLowerCase(), op]));

const customizationFiles = files.filter((f) => f.endsWith('/customizations.yaml'));
let total = 0;
let passed = 0;
const failures = [];
for (const cf of customizationFiles) {
  const dir = cf.slice(0, -'customizations.yaml'.length);
  const configText = git('show', `${REV}:${cf}`);
  const tests = files.filter((f) => f.startsWith(`${dir}testdata/`)).flatMap((tf) => parseDocs(git('show', `${REV}:${tf}`)).map((t) => ({ ...t, file: tf.slice(ROOT.length + 1) })));
  // The whole file goes to the CLI, which picks the customization whose target matches, as karmadactl does.
  for (const t of tests) {
    const label = `${t.file} :: ${t.name}`;
    if (FILTER && !label.includes(FILTER)) continue;
    total++;
    const op = OPERATIONS.get(String(t.operation ?? '').toLowerCase());
    let problem;
    try {
      if (!op) throw new Error(`unsupported operation ${t.operation}`);
      const results = interpret(configText, op, t);
      const output = t.output ?? {};
      const checked = new Set();
      for (const [name, value] of Object.entries(results)) {
        if (!Object.hasOwn(output, name)) continue;
        checked.add(name);
        const [ok, e, a] = compare(name, output[name], value);
        if (!ok) {
          problem = `${name} differs\n  expected: ${typeof e === 'string' ? e : JSON.stringify(e)}\n  got:      ${typeof a === 'string' ? a : JSON.stringify(a)}`;
          break;
        }
      }
      if (!problem) for (const key of Object.keys(output)) if (!checked.has(key)) problem = `output key '${key}' not present in results`;
    } catch (e) {
      problem = `error: ${e?.message ?? e}`;
    }
    if (problem) failures.push(`${label}\n  ${problem}`);
    else passed++;
  }
}
for (const f of failures) console.log(`FAIL ${f}\n`);
console.log(`Karmada customizations: ${customizationFiles.length}; cases ${passed}/${total} as Karmada expects`);
rmSync(work, { recursive: true, force: true });
process.exitCode = failures.length > 0 ? 1 : 0;
