/**
 * Reads the fleet one document at a time, by the directory it is in, and collects what each yields; `finish`
 * settles what needs every file (duplicates, template scopes) into the Fleet.
 */
import type { ClusterDef, ClusterStatus, Fleet, FleetFile, FleetSettings, InvalidPolicyDoc, PlacementRecord, PropagationPolicyKind } from '../model/fleet.js';
import { compareRefs, compareStrings, identityKey, type ObjectRef } from '../model/refs.js';
import type { SourceLocation } from '../model/problem.js';
import { DocContext } from './validate/doc-context.js';
import { settleClusters, settlePlacements, settlePolicies, settleStatuses, uniqueProblems, type PolicyEntry } from './validate/duplicates.js';
import { isClusterKind, loadCluster } from './validate/load-cluster.js';
import { POLICY_GROUP, PROPAGATION_KINDS, isPolicyKind, loadPolicy, readSelectorsLeniently, type PolicyOutcome } from './validate/load-policy.js';
import { isFleetSettings, loadSettings, withDefaults } from './validate/load-settings.js';
import { loadClusterStatus, loadPlacement } from './validate/load-status.js';
import { readTemplate, type PendingTemplate } from './validate/load-template.js';
import { rememberPositions } from './parse/locate-field.js';
import { readHeader, type DocHeader } from './validate/object-header.js';
import type { FleetPathRole } from './parse/paths.js';
import { ProblemSink } from './validate/problems.js';
import { settleTemplates } from './validate/templates.js';
import { heldByInvalidOverrides } from './validate/invalid-overrides.js';
import { parseYamlDocuments, type YamlDocument } from './parse/yaml-documents.js';
import type { ParseCache } from './parse/parse-cache.js';
import { isPlainObject } from '../util/json.js';
import type { HealthScript, ScriptChecker } from '../model/interpreters.js';
import type { InterpreterCustomization } from './parse/customizations.js';
import { decodeFleetFile } from './parse/file-bytes.js';
import { readHealthScript, readInterpreterFile, settleInterpreters } from './validate/load-interpreters.js';

/** Karmada never propagates these groups (its default --skipped-propagating-apis), nor Flotilla's own kinds. */
const NEVER_TEMPLATES = new Set(['cluster.karmada.io', 'policy.karmada.io', 'work.karmada.io', 'apps.karmada.io', 'config.karmada.io', 'flotilla.dev']);

/** Files only Flotilla reads (kubectl never sees them), so YAML 1.1 readings do not matter there. */
const FLOTILLA_ONLY = new Set<FleetPathRole['role']>(['settings', 'cluster-status', 'placement', 'interpreter']);

const DIRECTORY: Record<FleetPathRole['role'], string> = {
  settings: 'fleet.yaml',
  cluster: 'clusters/',
  policy: 'policies/',
  workload: 'workloads/',
  'cluster-status': 'status/clusters/',
  placement: 'status/placements/',
  interpreter: 'interpreters/',
  'health-script': 'health/',
};

export class FleetLoader {
  readonly sink = new ProblemSink();
  readonly broken = new Set<string>();
  settings: Partial<FleetSettings> = {};
  readonly clusters: ClusterDef[] = [];
  readonly policies: PolicyEntry[] = [];
  readonly pending: PendingTemplate[] = [];
  readonly statuses: { cluster: string; status: ClusterStatus; source: SourceLocation }[] = [];
  readonly placements: { record: PlacementRecord; source: SourceLocation }[] = [];
  readonly customizations: InterpreterCustomization[] = [];
  readonly healthScripts: HealthScript[] = [];

  constructor(
    private readonly checkScripts?: ScriptChecker,
    private readonly parseCache?: ParseCache,
  ) {}

  refuse(file: string, message: string): void {
    this.sink.error({ file, line: 1, column: 1 }, message);
    this.broken.add(file);
  }

  readFile(file: FleetFile, role: FleetPathRole, maxFileBytes: number): void {
    if (role.role === 'health-script') return this.readHealthScript(file, maxFileBytes);
    const options = { maxFileBytes, yaml11Warnings: !FLOTILLA_ONLY.has(role.role) };
    const parsed = this.parseCache ? this.parseCache.parse(file.path, file.content, options) : parseYamlDocuments(file.path, file.content, options);
    this.sink.errors.push(...parsed.errors);
    this.sink.warnings.push(...parsed.warnings);
    if (!parsed.complete) this.broken.add(file.path);
    if (role.role === 'interpreter') {
      const decoded = decodeFleetFile(file.content, maxFileBytes);
      if (parsed.complete && decoded.ok) this.customizations.push(...readInterpreterFile(file.path, decoded.text, parsed.documents, this.sink));
      return;
    }
    parsed.documents.forEach((doc, i) => this.readDocument(doc, role, i));
  }

  private readHealthScript(file: FleetFile, maxFileBytes: number): void {
    const decoded = decodeFleetFile(file.content, maxFileBytes);
    if (!decoded.ok) return this.sink.error({ file: file.path, line: decoded.line, column: decoded.column }, decoded.message);
    this.healthScripts.push(readHealthScript(file.path, decoded.text));
  }

  private readDocument(doc: YamlDocument, role: FleetPathRole, position: number): void {
    const ctx = new DocContext(doc, this.sink);
    const header = readHeader(ctx, { nameRequired: role.role !== 'settings', namespaceSyntax: role.role !== 'placement' && role.role !== 'cluster-status' });
    if (!header) {
      // Nothing in it can be identified, so nothing that came from this file may be changed or pruned.
      this.broken.add(doc.file);
      if (role.role === 'policy') this.keepUnidentifiedPolicy(doc);
      return;
    }
    const single = role.role === 'settings' || role.role === 'cluster-status' || role.role === 'placement';
    if (single && position > 0) {
      ctx.error([], `${DIRECTORY[role.role]} files hold exactly one object; this extra document is ignored`);
      return;
    }
    switch (role.role) {
      case 'settings':
        this.settings = loadSettings(ctx, header);
        return;
      case 'cluster':
        if (!isClusterKind(header.group, header.kind)) return this.misplaced(ctx, header, role);
        this.addCluster(ctx, loadCluster(ctx, header));
        return;
      case 'policy':
        if (!isPolicyKind(header.group, header.kind)) return this.misplaced(ctx, header, role);
        this.addPolicy(ctx, header, loadPolicy(ctx, header));
        return;
      case 'workload':
        if (isClusterKind(header.group, header.kind) || isPolicyKind(header.group, header.kind) || isFleetSettings(header)) return this.misplaced(ctx, header, role);
        if (NEVER_TEMPLATES.has(header.group)) {
          ctx.error(['apiVersion'], `objects of API group ${header.group} are not resource templates (Karmada never propagates them); they do not belong in workloads/`);
          return;
        }
        if (header.group === '' && header.kind === 'List') {
          ctx.error(['kind'], 'a v1 List is not supported in workloads/; write one document per object (separated by ---)');
          this.broken.add(doc.file);
          return;
        }
        this.pending.push(readTemplate(ctx, header, { misplaced: false }));
        return;
      case 'cluster-status': {
        const status = loadClusterStatus(ctx, header, role.cluster);
        if (status) this.statuses.push({ cluster: role.cluster, status, source: doc.source });
        return;
      }
      case 'placement': {
        const record = loadPlacement(ctx, header);
        if (record) this.placements.push({ record, source: doc.source });
        return;
      }
    }
  }

  private addCluster(ctx: DocContext, cluster: ClusterDef | null): void {
    if (!cluster) return;
    rememberPositions(cluster, ctx.doc);
    this.clusters.push(cluster);
  }

  private addPolicy(ctx: DocContext, header: DocHeader, outcome: PolicyOutcome): void {
    if (outcome.type !== 'invalid-override' && outcome.type !== 'unused') rememberPositions(outcome.doc, ctx.doc);
    const namespace = outcome.type === 'unused' || !('namespace' in outcome.doc) ? '' : outcome.doc.namespace;
    this.policies.push({ kind: header.kind, namespace, name: header.name, source: ctx.doc.source, outcome });
  }

  /** A propagation policy whose identity could not be read still protects the resources its selectors name. */
  private keepUnidentifiedPolicy(doc: YamlDocument): void {
    const v = doc.value;
    if (!isPlainObject(v) || typeof v['kind'] !== 'string' || !PROPAGATION_KINDS.includes(v['kind'])) return;
    const kind = v['kind'] as PropagationPolicyKind;
    const meta = isPlainObject(v['metadata']) ? v['metadata'] : {};
    const name = typeof meta['name'] === 'string' ? meta['name'] : '';
    const namespace = kind === 'PropagationPolicy' ? (typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default') : '';
    const spec = isPlainObject(v['spec']) ? v['spec'] : {};
    const outcome: PolicyOutcome = { type: 'invalid-propagation', doc: { kind, name, namespace, resourceSelectors: readSelectorsLeniently(spec['resourceSelectors'], kind, namespace), source: doc.source } };
    this.policies.push({ kind, namespace, name, source: doc.source, outcome });
  }

  /** An object in the wrong directory is an error, never reclassified; what it is decides what is kept safe. */
  private misplaced(ctx: DocContext, header: DocHeader, role: FleetPathRole): void {
    const here = DIRECTORY[role.role];
    const what = `${header.apiVersion} ${header.kind}`;
    if (isClusterKind(header.group, header.kind)) {
      ctx.error(['kind'], `${what} belongs in clusters/, not in ${here}`);
    } else if (isPolicyKind(header.group, header.kind)) {
      ctx.error(['kind'], `${what} belongs in policies/, not in ${here}`);
      if (PROPAGATION_KINDS.includes(header.kind)) {
        // Left out, it would release every resource it claims; kept as invalid, they keep their placement.
        const kind = header.kind as PropagationPolicyKind;
        const namespace = kind === 'PropagationPolicy' ? (header.namespace ?? 'default') : '';
        const spec = isPlainObject(header.object['spec']) ? header.object['spec'] : {};
        const doc: InvalidPolicyDoc = { kind, name: header.name, namespace, resourceSelectors: readSelectorsLeniently(spec['resourceSelectors'], kind, namespace), source: ctx.doc.source };
        this.policies.push({ kind, namespace, name: header.name, source: ctx.doc.source, outcome: { type: 'invalid-propagation', doc } });
      }
    } else if (isFleetSettings(header)) {
      ctx.error(['kind'], `${what} belongs in fleet.yaml at the repository root, not in ${here}`);
    } else if (header.group === POLICY_GROUP) {
      ctx.error(['kind'], `${what} is not supported by Flotilla (policies/ holds PropagationPolicy, ClusterPropagationPolicy, OverridePolicy, ClusterOverridePolicy, ClusterTaintPolicy and WorkloadRebalancer)`);
    } else if (NEVER_TEMPLATES.has(header.group)) {
      ctx.error(['kind'], `${what} does not belong in ${here}`);
    } else {
      ctx.error(['kind'], `${what} is a resource template and belongs in workloads/, not in ${here}; it is neither changed nor pruned until it is moved`);
      this.pending.push(readTemplate(ctx, header, { misplaced: true }));
    }
  }

  finish(): Fleet {
    const { sink } = this;
    const clusters = settleClusters(this.clusters, sink);
    const { propagationPolicies, invalidPolicies, overridePolicies, invalidOverrides, clusterTaintPolicies, workloadRebalancers } = settlePolicies(this.policies, sink);
    const settled = settleTemplates(this.pending, sink);
    const clusterStatuses = settleStatuses(this.statuses, sink);
    const placements = settlePlacements(this.placements, sink);
    const held = new Map<string, ObjectRef>();
    for (const ref of settled.held) if (!held.has(identityKey(ref))) held.set(identityKey(ref), ref);
    for (const ref of heldByInvalidOverrides(invalidOverrides, settled.templates, sink)) if (!held.has(identityKey(ref))) held.set(identityKey(ref), ref);
    const scripts = settleInterpreters(this.customizations, this.healthScripts, settled.templates, this.checkScripts, sink);
    for (const ref of scripts.held) if (!held.has(identityKey(ref))) held.set(identityKey(ref), ref);
    return {
      settings: withDefaults(this.settings),
      clusters,
      clusterStatuses,
      propagationPolicies,
      invalidPolicies,
      overridePolicies,
      clusterTaintPolicies,
      workloadRebalancers,
      templates: settled.templates,
      placements,
      // Only a fleet with scripts carries them: most fleets have none.
      ...(scripts.interpreters.kinds.size > 0 || scripts.interpreters.health.length > 0 ? { interpreters: scripts.interpreters } : {}),
      brokenFiles: [...this.broken].sort(compareStrings),
      heldResources: [...held.values()].sort(compareRefs),
      errors: uniqueProblems(sink.errors),
      warnings: uniqueProblems(sink.warnings),
    };
  }
}
