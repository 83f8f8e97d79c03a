/**
 * The load + validate stage: a snapshot of the fleet repository in, the Fleet model out (docs/fleet-repository.md).
 * Pure and total: bad input never throws, it becomes a Problem; a file that cannot be read completely is listed
 * in `brokenFiles` and every other file is still loaded. Output does not depend on the order of `files`.
 */
import { DEFAULT_FLEET_SETTINGS, type Fleet, type FleetFile } from '../model/fleet.js';
import { compareStrings } from '../model/refs.js';
import { FleetLoader } from './fleet-loader.js';
import type { ParseCache } from './parse/parse-cache.js';
import type { ScriptChecker } from '../model/interpreters.js';
import { withDefaults } from './validate/load-settings.js';
import { fleetPathRole, unsafePathProblem, type FleetPathRole } from './parse/paths.js';

export interface LoadOptions {
  /** Overrides fleet.yaml's spec.maxFileBytes (e.g. a controller-wide cap). */
  maxFileBytes?: number;
  /** Parsed files shared with other loads (e.g. the base and head of a plan). */
  parseCache?: ParseCache;
  /**
   * Compiles interpreter and health scripts (from src/interpret: the Lua VM is not pure). Without it scripts are
   * loaded unchecked, and a broken one fails when it runs.
   */
  checkScripts?: ScriptChecker;
}

const SYMLINK_IGNORED = 'a symbolic link; ignored, because Flotilla never follows symbolic links (one could point outside the repository): put the file itself here';

function compareFiles(a: FleetFile, b: FleetFile): number {
  return compareStrings(a.path, b.path);
}

export function loadFleet(files: FleetFile[], options: LoadOptions = {}): Fleet {
  const loader = new FleetLoader(options.checkScripts, options.parseCache);
  const copies = new Map<string, number>();
  // Only the type system promises string paths; a caller's bug must not throw here.
  const given = files.map((f) => (typeof f.path === 'string' ? f : { ...f, path: String(f.path) }));
  for (const file of given) copies.set(file.path, (copies.get(file.path) ?? 0) + 1);
  const accepted: { file: FleetFile; role: FleetPathRole }[] = [];
  for (const file of given.sort(compareFiles)) {
    const path = file.path;
    const unsafe = unsafePathProblem(path);
    if (unsafe) {
      loader.refuse(path, `${unsafe}; file refused`);
      continue;
    }
    if (file.symlink) {
      loader.sink.warning({ file: path, line: 1, column: 1 }, SYMLINK_IGNORED);
      continue;
    }
    const role = fleetPathRole(path);
    if (!role) continue;
    if ((copies.get(path) ?? 0) > 1) {
      // Which copy is right cannot be told; the order they came in must not decide.
      if (!loader.broken.has(path)) loader.refuse(path, 'the same path was given more than once; the file is refused');
      continue;
    }
    accepted.push({ file, role });
  }

  const settingsFiles = accepted.filter((f) => f.role.role === 'settings');
  for (const f of settingsFiles.slice(1)) loader.sink.error({ file: f.file.path, line: 1, column: 1 }, `both ${settingsFiles[0]!.file.path} and ${f.file.path} exist; ${f.file.path} is ignored`);
  const first = settingsFiles[0];
  if (first) readSafely(loader, first.file, first.role, options.maxFileBytes ?? DEFAULT_FLEET_SETTINGS.maxFileBytes);
  const maxFileBytes = options.maxFileBytes ?? withDefaults(loader.settings).maxFileBytes;
  for (const { file, role } of accepted) {
    if (role.role !== 'settings') readSafely(loader, file, role, maxFileBytes);
  }
  return loader.finish();
}

/** A defect in a parser must cost one file, not the whole fleet. */
function readSafely(loader: FleetLoader, file: FleetFile, role: FleetPathRole, maxFileBytes: number): void {
  try {
    loader.readFile(file, role, maxFileBytes);
  } catch (err) {
    loader.refuse(file.path, `internal error while reading the file: ${err instanceof Error ? err.message : String(err)}`);
  }
}
