#!/bin/sh
# Before `npm start`: build the web bundle only when there is none (a fresh checkout). After
# changing src/web, rebuild with `npm run build` (or `npm run build:web`).
[ -f dist/web/index.html ] && exit 0
if [ -d node_modules/tsx ]; then exec node --import tsx scripts/build-web.ts; fi
echo "dist/web is missing: run \`npm run build\` (needs the dev dependencies) first" >&2
exit 1
