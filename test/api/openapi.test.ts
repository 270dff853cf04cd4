import { expect } from 'chai';
import { DEFAULT_LIMITS, type ApiDeps } from '../../src/api/context.ts';
import { openApiDocument } from '../../src/api/openapi.ts';
import { apiRouter } from '../../src/api/router.ts';
import { startServer } from '../helpers/api.ts';

/** Every route the router serves, as "get /api/tasks/{id}". */
function routesOf(deps: ApiDeps): string[] {
  const out = new Set<string>();
  for (const layer of apiRouter(deps).stack) {
    const path = String(layer.path).replace(/:(\w+)/g, '{$1}');
    for (const m of layer.methods) if (m !== 'HEAD') out.add(`${m.toLowerCase()} ${path}`);
  }
  return [...out].sort();
}

function documented(): string[] {
  const doc = openApiDocument();
  return Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`))
    .sort();
}

describe('API: the OpenAPI document', () => {
  // Routers only keep their dependencies for later calls, so empty stand-ins suffice here.
  const deps = { db: {}, engine: {}, logger: {}, auth: {}, limits: DEFAULT_LIMITS } as unknown as ApiDeps;

  it('describes every route the router serves, and nothing it does not', () => {
    const routes = routesOf(deps);
    expect(routes.length).to.be.greaterThan(25);
    expect(routes.filter((r) => !documented().includes(r)), 'routes missing from openapi.ts').to.deep.equal([]);
    expect(documented().filter((d) => !routes.includes(d)), 'documented routes that do not exist').to.deep.equal([]);
  });

  it('declares every path parameter and resolves every schema reference', () => {
    const doc = openApiDocument();
    const text = JSON.stringify(doc);
    for (const m of text.matchAll(/"\$ref":"#\/components\/schemas\/(\w+)"/g)) {
      expect(doc.components.schemas, m[1]).to.have.property(m[1]);
    }
    for (const [path, ops] of Object.entries(doc.paths)) {
      const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      for (const [method, op] of Object.entries(ops as Record<string, any>)) {
        const declared = (op.parameters ?? []).filter((p: any) => p.in === 'path').map((p: any) => p.name);
        expect(declared, `${method} ${path}`).to.deep.equal(names);
        expect(Object.keys(op.responses).length, `${method} ${path}`).to.be.greaterThan(0);
      }
    }
  });

  it('is served without signing in at GET /api/openapi.json', async () => {
    const s = await startServer();
    try {
      const res = await s.anonymous().get('/api/openapi.json');
      expect(res.status).to.equal(200);
      expect(res.body.openapi).to.match(/^3\./);
      expect(Object.keys(res.body.paths)).to.include('/api/tasks/{id}/complete');
    } finally {
      await s.close();
    }
  });
});
