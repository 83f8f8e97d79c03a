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
      const message = err instanceof Error ? err.message.split('\n', 1)[0] : String(err);
      console.error(`flotilla: cannot start: ${message}${debugHint}`);
      if (process.env.FLOTILLA_DEBUG && err instanceof Error) console.error(err.stack);
      process.exitCode = 2;
    },
  );
