/**
 * Publishing one commit over smart HTTP at the cost of what it adds. The caller knows exactly which objects are
 * new (status-tree.ts returns them) and that the server holds the parent, so there is nothing to discover:
 * - the advertisement (GET info/refs) is read first; if the branch is no longer at the parent, nothing is sent
 *   and the caller fetches (a push could only be refused);
 * - otherwise one POST carries the ref update, guarded by the old id (the server's compare-and-swap, so a push
 *   that lands in between is never overwritten), and a pack of the new objects, each deflated on its own with no
 *   deltas (small status files gain nothing from them).
 * isomorphic-git's own push walks the whole tree of both commits to find the same objects, re-reads each from
 * disk and deflates it through web streams: several times the cost of the change for a large fleet.
 * Authentication and the HTTP client are isomorphic-git's, so credentials behave exactly as for fetch.
 */
import { createHash } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { AuthCallback, AuthFailureCallback, HttpClient } from 'isomorphic-git';
import { GitRemoteHTTP } from 'isomorphic-git/managers';

export type PackObjectType = 'commit' | 'tree' | 'blob';

export interface PackObject {
  type: PackObjectType;
  /** The object's content, without the `<type> <size>\0` header of loose objects. */
  content: Uint8Array;
}

export interface PushRequest {
  http: HttpClient;
  url: string;
  onAuth: AuthCallback;
  onAuthFailure: AuthFailureCallback;
  /** Full ref name, e.g. refs/heads/main. */
  ref: string;
  /** The commit the branch must still be at (the new commit's parent). */
  oldOid: string;
  newOid: string;
  /** Everything the server lacks once it has `oldOid`; called only when the push is actually sent. */
  objects: () => Promise<PackObject[]>;
}

export type PushResult =
  | { kind: 'pushed' }
  /** The branch was elsewhere when we asked: nothing was sent. */
  | { kind: 'moved' }
  /** The server refused the update (it moved between the two requests, a hook, permissions…). */
  | { kind: 'refused'; reason: string };

const TYPE_CODES: Record<PackObjectType, number> = { commit: 1, tree: 2, blob: 3 };
/** Status files are small: the fastest level compresses them about as well as the best. */
const PACK_COMPRESSION_LEVEL = 1;
const FLUSH = Buffer.from('0000');

/** What isomorphic-git's discovery returns (typed `any` there). */
interface Advertisement {
  refs: Map<string, string>;
  capabilities: Set<string>;
  /** The credentials that worked, for the second request. */
  auth: unknown;
}

export async function pushCommit(req: PushRequest): Promise<PushResult> {
  const remote: Advertisement = await GitRemoteHTTP.discover({
    http: req.http,
    onAuth: req.onAuth,
    onAuthFailure: req.onAuthFailure,
    service: 'git-receive-pack',
    url: req.url,
    headers: {},
    protocolVersion: 1,
  });
  if (remote.refs.get(req.ref) !== req.oldOid) return { kind: 'moved' };
  if (!remote.capabilities.has('report-status')) throw new Error('the server does not report the outcome of a push (no report-status capability)');
  const sideBand = remote.capabilities.has('side-band-64k');
  const command = pktLine(`${req.oldOid} ${req.newOid} ${req.ref}\0report-status${sideBand ? ' side-band-64k' : ''}\n`);
  const res = await GitRemoteHTTP.connect({
    http: req.http,
    service: 'git-receive-pack',
    url: req.url,
    auth: remote.auth,
    headers: {},
    body: [command, FLUSH, buildPack(await req.objects())],
  });
  const chunks: Uint8Array[] = [];
  for await (const chunk of res.body ?? []) chunks.push(chunk);
  return readReport(Buffer.concat(chunks), sideBand, req.ref);
}

/** A version-2 pack of whole objects, in the given order, with its SHA-1 trailer. */
export function buildPack(objects: readonly PackObject[]): Buffer {
  const header = Buffer.alloc(12);
  header.write('PACK', 0, 'latin1');
  header.writeUInt32BE(2, 4);
  header.writeUInt32BE(objects.length, 8);
  const parts: Buffer[] = [header];
  for (const o of objects) parts.push(objectHeader(TYPE_CODES[o.type], o.content.byteLength), deflateSync(o.content, { level: PACK_COMPRESSION_LEVEL }));
  const body = Buffer.concat(parts);
  return Buffer.concat([body, createHash('sha1').update(body).digest()]);
}

/** Type in bits 4–6 of the first byte, the size below it 4 bits then 7 bits at a time, high bit = more follows. */
function objectHeader(type: number, size: number): Buffer {
  const bytes: number[] = [];
  let byte = (type << 4) | (size & 0x0f);
  let rest = Math.floor(size / 16);
  while (rest > 0) {
    bytes.push(byte | 0x80);
    byte = rest & 0x7f;
    rest = Math.floor(rest / 128);
  }
  bytes.push(byte);
  return Buffer.from(bytes);
}

function pktLine(text: string): Buffer {
  const payload = Buffer.from(text);
  return Buffer.concat([Buffer.from((payload.byteLength + 4).toString(16).padStart(4, '0')), payload]);
}

/** The pkt-line payloads of `data` (flush packets skipped). */
function pktLines(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let at = 0; at + 4 <= data.byteLength; ) {
    const length = parseInt(data.subarray(at, at + 4).toString('latin1'), 16);
    if (Number.isNaN(length)) throw new Error(`malformed reply from the server: ${JSON.stringify(data.subarray(at, at + 40).toString())}`);
    if (length < 4) {
      at += 4;
      continue;
    }
    out.push(data.subarray(at + 4, at + length));
    at += length;
  }
  return out;
}

/** The report-status of a push: `unpack ok` then `ok <ref>` or `ng <ref> <reason>`, side-band framed or not. */
export function readReport(body: Buffer, sideBand: boolean, ref: string): PushResult {
  let report = body;
  const messages: string[] = [];
  if (sideBand) {
    const data: Buffer[] = [];
    for (const line of pktLines(body)) {
      if (line[0] === 1) data.push(line.subarray(1));
      else messages.push(line.subarray(1).toString().trim());
    }
    report = Buffer.concat(data);
  }
  const lines = pktLines(report).map((l) => l.toString().replace(/\n$/, ''));
  const said = messages.filter(Boolean).join('; ');
  const unpack = lines.find((l) => l.startsWith('unpack '));
  if (unpack !== 'unpack ok') return { kind: 'refused', reason: [unpack ?? 'no report from the server', said].filter(Boolean).join('; ') };
  if (lines.includes(`ok ${ref}`)) return { kind: 'pushed' };
  const ng = lines.find((l) => l.startsWith(`ng ${ref} `));
  return { kind: 'refused', reason: [ng ? ng.slice(`ng ${ref} `.length) : `no status for ${ref}`, said].filter(Boolean).join('; ') };
}
