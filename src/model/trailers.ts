/**
 * Git trailers Flotilla writes in its commits. `Flotilla-Observed: <sha>` names the desired-state commit a status
 * commit observed, so the history pairs intent with outcome (a status commit's parent may itself be a status
 * commit).
 */
export const OBSERVED_TRAILER = 'Flotilla-Observed';

/** The sha in a commit message's `Flotilla-Observed:` trailer (its last paragraph), if any. */
export function observedTrailer(message: string): string | undefined {
  const last = message.trimEnd().split(/\n\s*\n/).pop() ?? '';
  return new RegExp(`^${OBSERVED_TRAILER}: ([0-9a-f]{40})$`, 'm').exec(last)?.[1];
}
