#!/bin/sh
# `npm start`: the compiled server (dist/main.js, from `npm run build`) when it is current, else the
# TypeScript sources through tsx (a development checkout). Production installs with
# `npm ci --omit=dev` after `npm run build`, and has no tsx: there dist/ must be current.
# `exec` keeps one process, so signals reach the server itself (graceful shutdown).
if [ -f dist/main.js ] && [ -z "$(find src -name '*.ts' ! -path 'src/web/*' -newer dist/main.js -print -quit)" ]; then
  exec node dist/main.js "$@"
fi
if [ -d node_modules/tsx ]; then
  exec node --import tsx src/main.ts "$@"
fi
echo "dist/main.js is missing or older than src/: run \`npm run build\` (needs the dev dependencies) first" >&2
exit 1
