/** Real `git` for interop checks and for playing the human who pushes to the fleet repository. */
import { execFileSync } from 'node:child_process';

export function gitCmd(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Human',
      GIT_AUTHOR_EMAIL: 'human@example.com',
      GIT_COMMITTER_NAME: 'Human',
      GIT_COMMITTER_EMAIL: 'human@example.com',
      GIT_CONFIG_NOSYSTEM: '1',
      HOME: cwd,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  }).trim();
}

/** A bare repository `<root>/<name>.git` that accepts pushes over http-backend. */
export function createBareRepo(root: string, name: string, branch = 'main'): string {
  const path = `${root}/${name}.git`;
  execFileSync('git', ['init', '--bare', '-q', `--initial-branch=${branch}`, path]);
  execFileSync('git', ['-C', path, 'config', 'http.receivepack', 'true']);
  return path;
}
