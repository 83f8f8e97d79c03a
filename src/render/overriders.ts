/**
 * One rule's overriders in Karmada's fixed order: image → command → args → labels → annotations → field → plaintext.
 * The exported functions are pure (they copy their input); the `InPlace` forms are for the render loop, which already
 * works on its own copy.
 */
import type {
  CommandArgsOverrider,
  FieldOverrider,
  ImageOverrider,
  LabelAnnotationOverrider,
  Overriders,
  PlaintextOverrider,
} from '../model/karmada.js';
import type { KubeObject } from '../model/kube.js';
import { cloneJson } from './clone.js';
import { commandArgsOverriderInPlace } from './override-command-args.js';
import { fieldOverriderInPlace } from './override-field.js';
import { imageOverriderInPlace } from './override-image.js';
import { labelsAnnotationsOverriderInPlace } from './override-labels-annotations.js';
import { plaintextOverridersInPlace } from './override-plaintext.js';

/** Applies every overrider of one rule to `obj` in place and returns the result. Throws OverrideFailure. */
export function applyOverridersInPlace(obj: KubeObject, overriders: Overriders): KubeObject {
  let out = obj;
  overriders.imageOverrider?.forEach((o, i) => (out = imageOverriderInPlace(out, o, `imageOverrider[${i}]`)));
  overriders.commandOverrider?.forEach((o, i) => (out = commandArgsOverriderInPlace(out, o, 'command', `commandOverrider[${i}]`)));
  overriders.argsOverrider?.forEach((o, i) => (out = commandArgsOverriderInPlace(out, o, 'args', `argsOverrider[${i}]`)));
  overriders.labelsOverrider?.forEach((o, i) => (out = labelsAnnotationsOverriderInPlace(out, o, 'labels', `labelsOverrider[${i}]`)));
  overriders.annotationsOverrider?.forEach(
    (o, i) => (out = labelsAnnotationsOverriderInPlace(out, o, 'annotations', `annotationsOverrider[${i}]`)),
  );
  overriders.fieldOverrider?.forEach((o, i) => (out = fieldOverriderInPlace(out, o, `fieldOverrider[${i}]`)));
  if (overriders.plaintext && overriders.plaintext.length > 0) out = plaintextOverridersInPlace(out, overriders.plaintext, 'plaintext');
  return out;
}

export function applyOverriders(obj: KubeObject, overriders: Overriders): KubeObject {
  return applyOverridersInPlace(cloneJson(obj), overriders);
}

export function applyImageOverrider(obj: KubeObject, overrider: ImageOverrider): KubeObject {
  return imageOverriderInPlace(cloneJson(obj), overrider, 'imageOverrider');
}

export function applyCommandOverrider(obj: KubeObject, overrider: CommandArgsOverrider): KubeObject {
  return commandArgsOverriderInPlace(cloneJson(obj), overrider, 'command', 'commandOverrider');
}

export function applyArgsOverrider(obj: KubeObject, overrider: CommandArgsOverrider): KubeObject {
  return commandArgsOverriderInPlace(cloneJson(obj), overrider, 'args', 'argsOverrider');
}

export function applyLabelsOverrider(obj: KubeObject, overrider: LabelAnnotationOverrider): KubeObject {
  return labelsAnnotationsOverriderInPlace(cloneJson(obj), overrider, 'labels', 'labelsOverrider');
}

export function applyAnnotationsOverrider(obj: KubeObject, overrider: LabelAnnotationOverrider): KubeObject {
  return labelsAnnotationsOverriderInPlace(cloneJson(obj), overrider, 'annotations', 'annotationsOverrider');
}

export function applyFieldOverrider(obj: KubeObject, overrider: FieldOverrider): KubeObject {
  return fieldOverriderInPlace(cloneJson(obj), overrider, 'fieldOverrider');
}

export function applyPlaintextOverriders(obj: KubeObject, overriders: readonly PlaintextOverrider[]): KubeObject {
  return plaintextOverridersInPlace(cloneJson(obj), overriders, 'plaintext');
}
