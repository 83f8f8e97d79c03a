import { createHash } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildPack, readReport } from './push.js';

const REF = 'refs/heads/main';
const pkt = (text: string) => `${(Buffer.byteLength(text) + 4).toString(16).padStart(4, '0')}${text}`;
/** Report lines framed in side-band channel 1, with progress text on channel 2. */
const sideBand = (report: string, progress = '') => Buffer.from(pkt(`\x01${report}`) + (progress ? pkt(`\x02${progress}`) : '') + '0000');

describe('readReport', () => {
  const ok = pkt('unpack ok\n') + pkt(`ok ${REF}\n`) + '0000';
  it('reads a pushed ref, plain or side-band framed', () => {
    expect(readReport(Buffer.from(ok), false, REF)).toEqual({ kind: 'pushed' });
    expect(readReport(sideBand(ok), true, REF)).toEqual({ kind: 'pushed' });
  });

  it('gives the reason of a refused ref, with what the server said', () => {
    const ng = pkt('unpack ok\n') + pkt(`ng ${REF} pre-receive hook declined\n`) + '0000';
    expect(readReport(sideBand(ng, 'remote: no pushes on Fridays\n'), true, REF)).toEqual({ kind: 'refused', reason: 'pre-receive hook declined; remote: no pushes on Fridays' });
  });

  it('refuses when the server could not unpack or reported nothing for the ref', () => {
    expect(readReport(Buffer.from(pkt('unpack index-pack abnormal exit\n') + '0000'), false, REF)).toEqual({ kind: 'refused', reason: 'unpack index-pack abnormal exit' });
    expect(readReport(Buffer.from(pkt('unpack ok\n') + '0000'), false, REF)).toEqual({ kind: 'refused', reason: `no status for ${REF}` });
  });
});

describe('buildPack', () => {
  it('writes the header, each object as type-and-size bytes then its deflated content, and the SHA-1 trailer', () => {
    const small = new TextEncoder().encode('hi\n');
    const big = new Uint8Array(300).fill(97);
    const pack = buildPack([{ type: 'blob', content: small }, { type: 'tree', content: big }]);
    const header = Buffer.from([...Buffer.from('PACK'), 0, 0, 0, 2, 0, 0, 0, 2]);
    // A blob (3) of 3 bytes fits in one byte; a tree (2) of 300 bytes takes two: low 4 bits first, then 300 >> 4.
    const body = Buffer.concat([header, Buffer.from([(3 << 4) | 3]), inflatable(small), Buffer.from([0x80 | (2 << 4) | (300 & 15), 300 >> 4]), inflatable(big)]);
    expect(pack.subarray(0, -20)).toEqual(body);
    expect(pack.subarray(-20)).toEqual(createHash('sha1').update(body).digest());
  });
});

/** What the pack must carry for `content`: a zlib stream that inflates back to it (checked, then returned). */
function inflatable(content: Uint8Array): Buffer {
  const deflated = deflateSync(content, { level: 1 });
  expect(inflateSync(deflated)).toEqual(Buffer.from(content));
  return deflated;
}
