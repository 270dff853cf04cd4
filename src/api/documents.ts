import Router from '@koa/router';
import { attachmentDisposition } from '../domain/documents/pdf.ts';
import { flowDiagramOf, flowDiagramPdf, publishedFlows } from '../domain/documents/flow-diagram.ts';
import type { ApiDeps } from './context.ts';
import * as published from './contracts/published-flows.ts';
import { routeMounter } from './route.ts';
import { iso } from './present.ts';

/**
 * Published documents: the 权力运行流程图 of a catalog item with its 廉政风险点 (issue 18, item 1),
 * as JSON for the page and as PDF. Public: without a session only the items in force (the session
 * is optional, src/api/auth.ts); the list of them is GET /published-flows (contracts/published-flows.ts).
 */
export function documentRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db, engine } = deps;
  const route = routeMounter(r, deps.limits.jsonBytes);
  r.get('/power-items/:code/flow-diagram', async (ctx) => {
    const f = await flowDiagramOf(db, engine, ctx.params.code, { publishedOnly: !ctx.state.auth });
    ctx.body = { ...f, process: { ...f.process, deployedAt: iso(f.process.deployedAt) } };
  });
  r.get('/power-items/:code/flow-diagram.pdf', async (ctx) => {
    const f = await flowDiagramOf(db, engine, ctx.params.code, { publishedOnly: !ctx.state.auth });
    const bytes = await flowDiagramPdf(f, engine, engine.clock.now());
    ctx.set('Content-Disposition', attachmentDisposition(`权力运行流程图-${f.item.code}-${f.item.name}.pdf`, `flow-diagram-${f.item.code}.pdf`));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/pdf';
    ctx.body = bytes;
  });
  route(published.publishedFlows, async () => ({ items: await publishedFlows(db) }));
  return r;
}
