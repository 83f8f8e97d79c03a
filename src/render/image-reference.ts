/**
 * Container image references as Karmada's image overrider sees them (`pkg/util/imageparser`): the grammar of
 * distribution/reference, then `[host[:port]/]repository[:tag][@digest]` where the first path segment is a host only
 * if it contains "." or ":" or is "localhost".
 */

export interface ImageComponents {
  hostname: string;
  repository: string;
  tag: string;
  digest: string;
}

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}';

const REFERENCE = new RegExp(`^(${NAME})(?::(${TAG}))?(?:@(${DIGEST}))?$`);
const ANCHORED_TAG = new RegExp(`^${TAG}$`);
const ANCHORED_DIGEST = new RegExp(`^${DIGEST}$`);
const NAME_MAX_LENGTH = 255;

/** Hex lengths of the digest algorithms Karmada's parser registers (crypto/sha256 and crypto/sha512). */
const DIGEST_HEX_LENGTH = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);

export function parseImage(image: string): ImageComponents {
  const m = REFERENCE.exec(image);
  if (!m) {
    if (image === '') throw new Error('image reference is empty');
    if (REFERENCE.test(image.toLowerCase())) throw new Error(`image reference ${JSON.stringify(image)} must be lower-case`);
    throw new Error(`${JSON.stringify(image)} is not a valid image reference`);
  }
  const name = m[1]!;
  if (name.length > NAME_MAX_LENGTH) throw new Error(`image name is longer than ${NAME_MAX_LENGTH} characters`);
  const digest = m[3] ?? '';
  if (digest) checkDigest(digest);
  const [hostname, repository] = splitHostname(name);
  return { hostname, repository, tag: m[2] ?? '', digest };
}

export function splitHostname(name: string): [string, string] {
  const slash = name.indexOf('/');
  if (slash < 0) return ['', name];
  const first = name.slice(0, slash);
  if (!first.includes('.') && !first.includes(':') && first !== 'localhost') return ['', name];
  return [first, name.slice(slash + 1)];
}

/** A tagged image that also pins a digest keeps both; Karmada's newer parser does too. */
export function formatImage(c: ImageComponents): string {
  const repository = c.hostname ? `${c.hostname}/${c.repository}` : c.repository;
  return repository + (c.tag ? `:${c.tag}` : '') + (c.digest ? `@${c.digest}` : '');
}

export function tagOrDigest(c: ImageComponents): string {
  return c.tag || c.digest;
}

/** A value that is neither a valid tag nor a digest leaves the image as it was (Karmada's SetTagOrDigest). */
export function setTagOrDigest(c: ImageComponents, value: string): ImageComponents {
  if (ANCHORED_TAG.test(value)) return { ...c, tag: value, digest: '' };
  if (ANCHORED_DIGEST.test(value)) return { ...c, tag: '', digest: value };
  return c;
}

function checkDigest(digest: string): void {
  const colon = digest.indexOf(':');
  const algorithm = digest.slice(0, colon);
  const hex = digest.slice(colon + 1);
  const length = DIGEST_HEX_LENGTH.get(algorithm);
  if (length === undefined) throw new Error(`unsupported digest algorithm ${JSON.stringify(algorithm)}`);
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) throw new Error(`invalid ${algorithm} digest`);
}
