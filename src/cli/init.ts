/** `flotilla init DIR`: a new fleet repository from fleet-repo-template/, committed, ready for `flotilla run`. */
import fs from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../model/errors.js';

export const TEMPLATE_DIR = fileURLToPath(new URL('../../fleet-repo-template', import.meta.url));

export async function initFleetRepo(dir: string, branch = 'main'): Promise<string> {
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(dir, { throwIfNoEntry: false });
  } catch (err) {
    throw new UsageError(`cannot create ${dir}: ${(err as Error).message}`);
  }
  if (st && !st.isDirectory()) throw new UsageError(`${dir} exists and is not a directory; choose a new directory`);
  if (st && fs.readdirSync(dir).length > 0) throw new UsageError(`${dir} exists and is not empty; choose a new directory`);
  const [{ default: git }, { BOT_IDENTITY }] = await Promise.all([import('isomorphic-git'), import('../git/repo.js')]);
  try {
    fs.mkdirSync(dir, { recursive: true });
    fs.cpSync(TEMPLATE_DIR, dir, { recursive: true });
  } catch (err) {
    throw new UsageError(`cannot create ${dir}: ${(err as Error).message}`);
  }
  await git.init({ fs, dir, defaultBranch: branch });
  const files = listFiles(dir).map((f) => relative(dir, f));
  for (const filepath of files) await git.add({ fs, dir, filepath });
  const now = { timestamp: Math.floor(Date.now() / 1000), timezoneOffset: 0 };
  return git.commit({ fs, dir, message: 'Initial fleet from flotilla init\n', author: { ...BOT_IDENTITY, ...now }, committer: { ...BOT_IDENTITY, ...now } });
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...listFiles(p));
    else out.push(p);
  }
  return out.sort();
}
