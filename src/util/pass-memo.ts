/**
 * Results carried from one pass to the next. A pass that asks again for a slot with the same key gets the value
 * the last pass computed; slots no pass asked for since the previous `nextPass()` are forgotten, so the memo never
 * outgrows one pass's working set. Keys are stored as digests: a slot costs its value plus a few bytes, however
 * long the text it was computed from (a status file, say).
 */
import { createHash } from 'node:crypto';

interface Entry<V> {
  digest: string;
  value: V;
}

export class PassMemo<V> {
  private previous = new Map<string, Entry<V>>();
  private current = new Map<string, Entry<V>>();

  /** Starts a pass: what the pass before the last one used and the last one did not is dropped. */
  nextPass(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  /** The value for `slot`, computed again only when `key` differs from the one it was computed from. */
  get(slot: string, key: string, compute: () => V): V {
    const digest = createHash('sha1').update(key).digest('base64');
    const hit = this.current.get(slot) ?? this.previous.get(slot);
    if (hit && hit.digest === digest) {
      this.current.set(slot, hit);
      return hit.value;
    }
    const value = compute();
    this.current.set(slot, { digest, value });
    return value;
  }

  get size(): number {
    return this.current.size;
  }
}
