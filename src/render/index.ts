/** The render stage: placement decisions → the manifests each cluster should run. */
export { renderFleet } from './render-fleet.js';
export { heldResources, type HeldResources } from './held.js';
export { applyOverrides } from './apply-overrides.js';
export {
  applyOverriders,
  applyImageOverrider,
  applyCommandOverrider,
  applyArgsOverrider,
  applyLabelsOverrider,
  applyAnnotationsOverrider,
  applyFieldOverrider,
  applyPlaintextOverriders,
} from './overriders.js';
export { overrideImage } from './override-image.js';
export { parseImage, formatImage, type ImageComponents } from './image-reference.js';
export { manifestYamlWriter, toManifestYaml } from './manifest-yaml.js';
export { manifestRelPath, manifestSegments } from './rel-path.js';
export { computeContentHash, policyAnnotation } from './metadata.js';
export {
  emptyRenderCache,
  type AppliedOverride,
  type ClusterManifests,
  type HeldObject,
  type OverrideOutcome,
  type RenderCache,
  type RenderedObject,
  type RenderOptions,
  type RenderResult,
  type RenderStats,
} from './types.js';
