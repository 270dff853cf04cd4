import { z } from 'zod';
import { contract, isoTime, pathParam, type ResponseOf } from '../contract.ts';

/** The working calendar (工作日历), src/api/calendar.ts. */

const Day = z.object({
  date: z.string().meta({ description: 'YYYY-MM-DD（北京时间），须在该年内' }),
  kind: z.enum(['holiday', 'workday']).meta({ description: 'holiday（放假）| workday（调休上班）' }),
  name: z.string().max(50).nullable().meta({ description: '节日名称，如 元旦' }),
});

const Year = z.object({
  year: z.number().int(),
  known: z.boolean().meta({ description: '日历是否已有该年的节假日安排；未知年份的工作日只按周一至周五计算' }),
  source: z.enum(['admin', 'package']).nullable().meta({ description: 'admin（由本单位录入）| package（chinese-days 内置数据）| null（无数据）' }),
  updatedAt: isoTime('最后录入时间（仅 admin）'),
  updatedBy: z.string().nullable().meta({ description: '最后录入人（仅 admin）' }),
  days: z.array(Day),
});

const yearParams = z.object({ year: pathParam('年份（2000–2099）') });

export const calendarGet = contract({
  method: 'get',
  path: '/calendar/:year',
  summary: '某年的工作日历：法定节假日与调休上班日（流程管理员、监察室）',
  tags: ['calendar'],
  params: yearParams,
  responses: { 200: { schema: Year } },
  errors: { 400: '年份有误（INVALID_CALENDAR）' },
});

export const calendarPut = contract({
  method: 'put',
  path: '/calendar/:year',
  summary: '录入或更正某年的工作日历（整年替换；流程管理员、监察室）',
  description:
    '整年替换：未列出的日期按周一至周五计算。同一事务内重新计算涉及该年的在办任务（期限以工作日计的）的到期时间和预警时点，并写审计（calendar.update 含修改前后，每个被调整的任务一条 task.due-recomputed）。年份或日期有误时 400 INVALID_CALENDAR，details 按字段列出（year、days[3].date …），不做任何修改。',
  tags: ['calendar'],
  params: yearParams,
  body: z.object({ days: z.array(Day.extend({ name: Day.shape.name.optional() })) }),
  bodyCheck: 'handler',
  responses: { 200: { schema: Year.extend({ recomputedTasks: z.number().int().meta({ description: '到期时间被重新计算的在办任务数' }) }) } },
  errors: { 400: '年份或日期有误（INVALID_CALENDAR），details 按字段列出' },
});

export const calendarContracts = [calendarGet, calendarPut];

export type CalendarYearBody = ResponseOf<typeof calendarGet>;
