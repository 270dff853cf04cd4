import { z } from 'zod';
import { contract, type ResponseOf } from '../contract.ts';

/** The names behind the ids other answers carry. */
export const directory = contract({
  method: 'get',
  path: '/directory',
  summary: '通讯录：用户、岗位（组）和单位的名称（不含电话和组成员）',
  tags: ['directory'],
  responses: {
    200: {
      schema: z.object({
        users: z.array(
          z.object({ id: z.string(), displayName: z.string(), title: z.string().nullable(), unitId: z.string().nullable(), unitName: z.string().nullable(), status: z.string() }),
        ),
        groups: z.array(z.object({ id: z.string(), name: z.string() })),
        units: z.array(z.object({ id: z.string(), name: z.string(), kind: z.string() })),
      }),
    },
  },
});

export const directoryContracts = [directory];

export type Directory = ResponseOf<typeof directory>;
