import { z } from 'zod';
import { contract, isoTime, pathParam, q, type ResponseOf } from '../contract.ts';

/** Deployed forms (form-js JSON). */
export const form = contract({
  method: 'get',
  path: '/forms/:key',
  summary: '表单（form-js JSON），最新版或 ?version=n',
  tags: ['forms'],
  params: z.object({ key: pathParam('表单标识') }),
  query: z.object({ version: q.int('版本号（默认最新版）', 1, 1_000_000, 0) }),
  responses: {
    200: {
      schema: z
        .object({ key: z.string(), version: z.number().int(), versions: z.array(z.number().int()), deployedAt: isoTime(), deployedBy: z.string().nullable(), schema: z.unknown().meta({ description: 'form-js JSON' }) })
        .meta({ id: 'FormVersion' }),
    },
  },
  errors: { 404: '表单或该版本不存在（FORM_NOT_FOUND）' },
});

export const formContracts = [form];

export type FormBody = ResponseOf<typeof form>;
