/**
 * Layer rules (docs/architecture.md): HTTP → api → services/domain → engine → store → db, with
 * src/lib (pure, general code) usable by all and depending on nothing in src.
 * Run: `npm run lint:deps` (part of `npm test`).
 */

/**
 * KNOWN EXCEPTIONS to "src/api does not import src/store" (issue 16, item 3): reads that still go
 * straight from a route to the store. Each should move behind a services/domain function; remove
 * the entry when it does (a stale entry is harmless, a new direct import is an error).
 * file in src/api → store modules it may still import
 */
const API_STORE_KNOWN = {
  'tasks.ts': ['inbox'],
  'supervision.ts': ['stats', 'notifications', 'exchange', 'compliance', 'cases'],
  'proposals.ts': ['proposals', 'definitions'],
  'process-instances.ts': ['visibility'],
  'process-definitions.ts': ['definitions'],
  'monitor.ts': ['monitor'],
  'attachments.ts': ['attachments', 'instances'],
};

const esc = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const knownFiles = Object.keys(API_STORE_KNOWN).map((f) => `^src/api/${esc(f)}$`);

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'No import cycles, type-only imports included.', from: {}, to: { circular: true } },
    {
      name: 'lib-is-standalone',
      severity: 'error',
      comment: 'src/lib is general code (calendar, FEEL, time limits, cycles, tickers): it imports nothing else from src.',
      from: { path: '^src/lib/' },
      to: { path: '^src/', pathNot: '^src/lib/' },
    },
    {
      name: 'store-is-the-bottom',
      severity: 'error',
      comment: 'src/store is the bottom layer: it imports no api, services, domain, engine, forms, ops or cli.',
      from: { path: '^src/store/' },
      to: { path: '^src/(api|services|domain|engine|forms|ops|cli)/' },
    },
    {
      name: 'engine-below-domain',
      severity: 'error',
      comment: 'src/engine knows nothing of the HTTP layer, the services or the domain.',
      from: { path: '^src/engine/' },
      to: { path: '^src/(api|services|domain|ops|cli)/' },
    },
    {
      name: 'domain-below-api',
      severity: 'error',
      comment: 'services and domain do not import the HTTP layer.',
      from: { path: '^src/(services|domain)/' },
      to: { path: '^src/api/' },
    },
    {
      name: 'api-not-store',
      severity: 'error',
      comment: 'src/api reads and writes through services/domain/engine, never src/store directly (naming a row type is fine).',
      from: { path: '^src/api/', pathNot: knownFiles },
      to: { path: '^src/store/', dependencyTypesNot: ['type-only'] },
    },
    ...Object.entries(API_STORE_KNOWN).map(([file, stores]) => ({
      name: 'api-not-store',
      severity: 'error',
      comment: `Known exception: src/api/${file} may still import ${stores.join(', ')} from src/store, nothing more.`,
      from: { path: `^src/api/${esc(file)}$` },
      to: { path: '^src/store/', pathNot: stores.map((s) => `^src/store/${esc(s)}\\.ts$`), dependencyTypesNot: ['type-only'] },
    })),
    {
      name: 'sql-only-in-store',
      severity: 'error',
      comment: 'Only src/store builds SQL (src/db opens connections, src/ops copies whole databases); others use the Knex type only.',
      from: { path: '^src/', pathNot: '^src/(store|db|ops)/' },
      to: { path: 'node_modules/knex/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
