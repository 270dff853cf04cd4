import { z } from 'zod';
import { contract, handDescribed, paging, pathParam, q, totalCountHeader } from '../contract.ts';

/** Monitoring for the supervision office: src/api/monitor.ts. */

const Incident = handDescribed('Incident');

export const monitorSummary = contract({
  method: 'get',
  path: '/monitor/summary',
  summary: '运行监控汇总（监察室）',
  tags: ['monitor'],
  responses: { 200: { schema: handDescribed('MonitorSummary') } },
});

export const incidentList = contract({
  method: 'get',
  path: '/incidents',
  summary: '故障列表（监察室）',
  tags: ['monitor'],
  query: z.object({ status: q.oneOf('open | resolved', ['open', 'resolved']), instance: q.str('实例 id', 36), ...paging }),
  responses: { 200: { schema: z.object({ items: z.array(Incident), total: z.number().int(), limit: z.number().int(), offset: z.number().int() }), headers: totalCountHeader } },
});

export const incidentRetry = contract({
  method: 'post',
  path: '/incidents/:id/retry',
  summary: '重试故障（监察室、流程管理员）',
  tags: ['monitor'],
  params: z.object({ id: pathParam('故障 id') }),
  responses: { 200: { schema: Incident } },
  errors: { 404: true, 409: true },
});

export const monitorContracts = [monitorSummary, incidentList, incidentRetry];
