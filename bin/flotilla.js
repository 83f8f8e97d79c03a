#!/usr/bin/env node
// Thin launcher: the compiled CLI lives in dist/ (built by `npm ci` through the prepare script).
// main() reports every error as one line; this catches only what happens before it runs (e.g. no dist/).
const debugHint = process.env.FLOTILLA_DEBUG ? '' : ' (set FLOTILLA_DEBUG=1 for the stack)';

import('../dist/cli/main.js')
  .then(({ main }) => main(process.argv))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      const noBuild = err?.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist/cli/main.js');
      const message = noBuild ? "dist/ is missing: run 'npm run build' first" : err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
      console.error(`flotilla: cannot start: ${message}${noBuild ? '' : debugHint}`);
      if (process.env.FLOTILLA_DEBUG && err instanceof Error) console.error(err.stack);
      process.exitCode = 2;
    },
  );
