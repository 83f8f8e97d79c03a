/** fleet.yaml: optional Flotilla settings; a field that fails validation keeps its default (and is an error). */
import { DEFAULT_FLEET_SETTINGS, type FleetSettings } from '../../model/fleet.js';
import type { DocContext } from './doc-context.js';
import type { DocHeader } from './object-header.js';
import { checkRootFields } from './root-fields.js';
import { int32, num, objectOf, readValue } from './schema.js';
import { FLOTILLA_API_VERSION } from './load-status.js';

/** Upper bound for spec.maxFileBytes: fleet files are hand-written YAML, not data dumps. */
export const MAX_FILE_BYTES_LIMIT = 64 * 1024 * 1024;

const settingsSpec = objectOf(
  {
    maxPruneFraction: num(0, 1),
    maxFileBytes: int32(1024, MAX_FILE_BYTES_LIMIT),
    pollIntervalSeconds: int32(1, 86400),
    status: objectOf({ summaryIntervalSeconds: int32(0, 86400) }, 'warning'),
    failover: objectOf({ defaultTolerationSeconds: int32(0, 86400) }, 'warning'),
  },
  'warning',
);

export function isFleetSettings(header: { apiVersion: string; kind: string }): boolean {
  return header.apiVersion === FLOTILLA_API_VERSION && header.kind === 'Fleet';
}

export function loadSettings(ctx: DocContext, header: DocHeader): Partial<FleetSettings> {
  if (!isFleetSettings(header)) {
    ctx.error(['kind'], `fleet.yaml must hold one ${FLOTILLA_API_VERSION} Fleet object, got ${header.apiVersion} ${header.kind}`);
    return {};
  }
  checkRootFields(ctx, header.object, 'warning');
  const raw = header.object['spec'];
  if (raw == null) return {};
  type Nested = { status?: { summaryIntervalSeconds?: number }; failover?: { defaultTolerationSeconds?: number } };
  const { status, failover, ...flat } = (readValue(settingsSpec, raw, ['spec'], ctx) ?? {}) as Partial<FleetSettings> & Nested;
  return {
    ...flat,
    ...(status?.summaryIntervalSeconds !== undefined ? { summaryIntervalSeconds: status.summaryIntervalSeconds } : {}),
    ...(failover?.defaultTolerationSeconds !== undefined ? { defaultTolerationSeconds: failover.defaultTolerationSeconds } : {}),
  };
}

export function withDefaults(settings: Partial<FleetSettings>): FleetSettings {
  return { ...DEFAULT_FLEET_SETTINGS, ...settings };
}
