import type { Op, OpenApiHelpers } from './openapi-helpers.ts';

/** The OpenAPI description of the working calendar (src/api/calendar.ts). */
export function calendarPaths(h: OpenApiHelpers): Record<string, Record<string, Op>> {
  const { str, time, arr, obj, ok, jsonBody, pathParam, signedIn } = h;
  const tags = ['calendar'];
  const day = obj(
    { date: str('YYYY-MM-DD（北京时间），须在该年内'), kind: str('holiday（放假）| workday（调休上班）', { enum: ['holiday', 'workday'] }), name: str('节日名称，如 元旦', { nullable: true, maxLength: 50 }) },
    ['date', 'kind'],
  );
  const year = obj({
    year: { type: 'integer' },
    known: { type: 'boolean', description: '日历是否已有该年的节假日安排；未知年份的工作日只按周一至周五计算' },
    source: str('admin（由本单位录入）| package（chinese-days 内置数据）| null（无数据）', { nullable: true }),
    updatedAt: time('最后录入时间（仅 admin）'),
    updatedBy: str('最后录入人（仅 admin）', { nullable: true }),
    days: arr(day),
  });
  const yearParam = pathParam('year', '年份（2000–2099）');
  return {
    '/api/calendar/{year}': {
      get: signedIn({ summary: '某年的工作日历：法定节假日与调休上班日（流程管理员、监察室）', tags, parameters: [yearParam], responses: { 200: ok(year) } }, [400]),
      put: signedIn(
        {
          summary: '录入或更正某年的工作日历（整年替换；流程管理员、监察室）',
          description:
            '整年替换：未列出的日期按周一至周五计算。同一事务内重新计算涉及该年的在办任务（期限以工作日计的）的到期时间和预警时点，并写审计（calendar.update 含修改前后，每个被调整的任务一条 task.due-recomputed）。年份或日期有误时 400 INVALID_CALENDAR，details 按字段列出（year、days[3].date …），不做任何修改。',
          tags,
          parameters: [yearParam],
          requestBody: jsonBody(obj({ days: arr(day) }, ['days'])),
          responses: { 200: ok(obj({ ...(year.properties as object), recomputedTasks: { type: 'integer', description: '到期时间被重新计算的在办任务数' } })) },
        },
        [400, 413, 415],
      ),
    },
  };
}
