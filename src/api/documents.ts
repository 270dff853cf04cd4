import Router from '@koa/router';
import { attachmentDisposition } from '../domain/documents/pdf.ts';
import { flowDiagramOf, flowDiagramPdf } from '../domain/documents/flow-diagram.ts';
import { me, type ApiDeps } from './context.ts';
import { iso } from './present.ts';

/**
 * Published documents: the 权力运行流程图 of a catalog item with its 廉政风险点 (issue 18, item 1),
 * as JSON for the page and as PDF; every signed-in person may read what the bureau publishes.
 */
export function documentRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const { db, engine } = deps;
  r.get('/power-items/:code/flow-diagram', async (ctx) => {
    me(ctx);
    const f = await flowDiagramOf(db, engine, ctx.params.code);
    ctx.body = { ...f, process: { ...f.process, deployedAt: iso(f.process.deployedAt) } };
  });
  r.get('/power-items/:code/flow-diagram.pdf', async (ctx) => {
    me(ctx);
    const f = await flowDiagramOf(db, engine, ctx.params.code);
    const bytes = await flowDiagramPdf(f, engine, engine.clock.now());
    ctx.set('Content-Disposition', attachmentDisposition(`权力运行流程图-${f.item.code}-${f.item.name}.pdf`, `flow-diagram-${f.item.code}.pdf`));
    ctx.set('Cache-Control', 'no-store');
    ctx.type = 'application/pdf';
    ctx.body = bytes;
  });
  return r;
}
