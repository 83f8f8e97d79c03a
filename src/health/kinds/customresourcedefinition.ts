/** apiextensions.k8s.io/v1 CustomResourceDefinition (gitops-engine's rules): usable once Established. */
import type { KubeObject } from '../../model/kube.js';
import { conditions } from '../fields.js';
import { degraded, healthy, progressing, type HealthAssessment } from '../types.js';

export function customResourceDefinitionHealth(obj: KubeObject): HealthAssessment {
  const conds = conditions(obj);
  if (conds.length === 0) return progressing('Status conditions not found');
  let established = false;
  let terminating: string | undefined;
  let namesRejected: string | undefined;
  let notEstablished = '';
  let nonStructural: string | undefined;
  for (const c of conds) {
    const message = c.message ?? '';
    if (c.type === 'Terminating' && c.status === 'True') terminating = message;
    else if (c.type === 'NamesAccepted' && c.status === 'False') namesRejected = message;
    else if (c.type === 'Established') {
      if (c.status === 'True') established = true;
      else notEstablished = message;
    } else if (c.type === 'NonStructuralSchema' && c.status === 'True') nonStructural = message;
  }
  if (terminating !== undefined) return progressing(`CRD is being terminated: ${terminating}`);
  // A name clash with another CRD does not resolve itself: someone has to rename one of them.
  if (namesRejected !== undefined) return degraded(`CRD names have not been accepted: ${namesRejected}`);
  if (!established) return degraded(`CRD is not established: ${notEstablished}`);
  if (nonStructural !== undefined) return degraded(`Schema violations found: ${nonStructural}`);
  return healthy('CRD is healthy');
}
