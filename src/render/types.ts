/** The render stage's public data shapes. */
import type { OverridePolicyKind } from '../model/fleet.js';
import type { ResourceInterpreter } from '../model/interpreters.js';
import type { KubeObject } from '../model/kube.js';
import type { Problem } from '../model/problem.js';
import type { ObjectRef } from '../model/refs.js';

/**
 * One object as a cluster should run it. Rendered objects are frozen and shared: between clusters that render the
 * same thing and, through the cache, between passes.
 */
export interface RenderedObject {
  ref: ObjectRef;
  object: KubeObject;
  /** sha256 of the canonical JSON of `object` without the content-hash annotation (which carries the same value). */
  hash: string;
  /** The template's file in the fleet repository; "" for an implicit Namespace. */
  sourceFile: string;
  /** Where `flotilla render --out DIR` writes it under `DIR/<cluster>/`. */
  relPath: string;
}

export interface ClusterManifests {
  cluster: string;
  /** Sorted by compareRefs. */
  objects: RenderedObject[];
}

/** A (cluster, object) pair whose desired state is unknown this pass: the cluster keeps what it runs. */
export interface HeldObject {
  cluster: string;
  ref: ObjectRef;
}

export interface RenderStats {
  /** Distinct renderings computed this pass (clusters that render an object identically share one). */
  computed: number;
  /** Distinct renderings taken from the cache. */
  reused: number;
}

export interface RenderResult {
  /** Sorted by cluster name: every cluster of the fleet (or of `options.clusters`), even those with nothing placed. */
  clusters: ClusterManifests[];
  /** Override failures, sorted with compareProblems. */
  problems: Problem[];
  /** Sorted by cluster, then compareRefs. */
  held: HeldObject[];
  /** Pass it back to the next renderFleet call to reuse what did not change. */
  cache: RenderCache;
  stats: RenderStats;
}

export interface RenderOptions {
  cache?: RenderCache;
  /** Render only these clusters (`flotilla render --cluster`); names not in the fleet are ignored. */
  clusters?: string[];
  /** Runs the fleet's ReviseReplica scripts for divided custom resources. */
  interpreter?: ResourceInterpreter;
}

/** An override policy that changed an object, as listed in the `flotilla.dev/applied-overrides` annotation. */
export interface AppliedOverride {
  kind: OverridePolicyKind;
  /** Only for OverridePolicy. */
  namespace?: string;
  name: string;
}

export interface OverrideOutcome {
  /** The overridden copy; on error, an unmodified copy of the template. */
  object: KubeObject;
  /** Policies applied, in order (on error: those applied before the failure). */
  applied: AppliedOverride[];
  error?: Problem;
}

/** Why one rendering failed; turned into a Problem per cluster with the policy's current file and line. */
export interface RenderFailure {
  policyKey: string;
  /** Field path in the policy, e.g. `spec.overrideRules[0].overriders.plaintext[1]`. */
  field: string;
  message: string;
  /** A failing script: the Problem is at the script itself (policyKey and field are then ""). */
  problem?: Problem;
}

export type VariantResult = { rendered: RenderedObject; failure?: undefined } | { rendered?: undefined; failure: RenderFailure };

export interface TemplateCacheEntry {
  /** Hash of the template's file, scope and content. */
  readonly fingerprint: string;
  /** Keyed by everything else a rendering depends on: policy annotation, replica revision, override rules applied. */
  readonly variants: ReadonlyMap<string, VariantResult>;
  /**
   * The template's renderings on the clusters of its decision, valid while the decision, the override policies and
   * the clusters are unchanged: then the template costs nothing per cluster.
   */
  readonly placement?: PlacementMemo;
}

export interface PlacementMemo {
  /** Fingerprint of the override policies and the rendered clusters. */
  readonly environment: string;
  /** The decision's `flotilla.dev/policy` value and its clusters (sorted, without duplicates). */
  readonly policy: string;
  readonly names: readonly string[];
  readonly replicas: readonly number[];
  /** Per decision cluster; undefined for clusters not rendered (not in the fleet). */
  readonly results: readonly (VariantResult | undefined)[];
}

/** Renderings of the previous pass, keyed by template identity; treat it as opaque. */
export interface RenderCache {
  readonly templates: ReadonlyMap<string, TemplateCacheEntry>;
  readonly implicitNamespaces: ReadonlyMap<string, RenderedObject>;
}

export function emptyRenderCache(): RenderCache {
  return { templates: new Map(), implicitNamespaces: new Map() };
}
