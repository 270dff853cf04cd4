import { contractPaths } from './contract-openapi.ts';
import { ALL_CONTRACTS } from './contracts/index.ts';
import { attachmentPaths } from './openapi-attachments.ts';
import { caseActionPaths } from './openapi-case-actions.ts';
import { caseRoutingPaths } from './openapi-case-routing.ts';
import { complaintPaths } from './openapi-complaints.ts';
import { documentPaths } from './openapi-documents.ts';
import { supervisionPaths } from './openapi-supervision.ts';
import { decisionPaths } from './openapi-decisions.ts';
import { ref, str, time, arr, obj, anyObject, ok, openApiHelpers, type Schema, type Op } from './openapi-helpers.ts';

/** Kept for path modules written against openapi.ts; new ones import openapi-helpers.ts. */
export { openApiHelpers, type OpenApiHelpers, type Op } from './openapi-helpers.ts';

/**
 * The OpenAPI 3 description of every route under /api (served at GET /api/openapi.json). A test
 * enumerates the router's routes and checks each is described here, and the reverse.
 */

const paths: Record<string, Record<string, Op>> = {
  '/api/health': {
    get: { summary: '健康检查', tags: ['system'], security: [], responses: { 200: ok(obj({ status: str(), database: str(), time: time() })) } },
  },
  '/api/health/live': {
    get: { summary: '存活检查：进程在响应', tags: ['system'], security: [], responses: { 200: ok(obj({ status: str() })) } },
  },
  '/api/health/ready': {
    get: {
      summary: '就绪检查：数据库可用且迁移已全部执行；否则 503',
      tags: ['system'],
      security: [],
      responses: {
        200: ok(obj({ status: str(undefined, { enum: ['ready'] }), checks: anyObject })),
        503: ok(obj({ status: str(undefined, { enum: ['not-ready'] }), checks: anyObject }), '未就绪'),
      },
    },
  },
  '/api/openapi.json': {
    get: { summary: '本 OpenAPI 文档', tags: ['system'], security: [], responses: { 200: ok(anyObject) } },
  },
};

const schemas: Record<string, Schema> = {
  Error: obj(
    {
      error: obj(
        {
          code: str('稳定的错误代码'),
          message: str('给用户看的中文说明'),
          details: { description: '422：[{field, message}]；部署：[{file, element?, line?, column?, message}]' },
        },
        ['code', 'message'],
      ),
    },
    ['error'],
  ),
  Task: obj({
    id: str(),
    name: str(),
    elementId: str(),
    processKey: str(),
    definitionId: str(),
    instanceId: str(),
    businessKey: str(undefined, { nullable: true }),
    formKey: str(undefined, { nullable: true }),
    assignee: str(undefined, { nullable: true }),
    candidateGroups: arr(str()),
    candidateUsers: arr(str()),
    status: str(undefined, { enum: ['open', 'completed', 'cancelled'] }),
    priority: { type: 'integer' },
    createdAt: time(),
    claimedAt: time(),
    dueAt: time('办理期限'),
    followUpAt: time(),
    completedAt: time(),
    completedBy: str(undefined, { nullable: true }),
    warning: str('预警：green 正常，yellow 已用 80% 时限，red 超期，none 无期限', { enum: ['green', 'yellow', 'red', 'none'] }),
    workdaysLeft: { type: 'number', nullable: true, description: '办理中任务剩余的工作日（一位小数；负数为已超期）' },
    caseNumber: str('案件流水号，如 常民防变〔2026〕0007号', { nullable: true }),
    subject: str('案件标题', { nullable: true }),
    startedBy: str('申请人用户名', { nullable: true }),
    startedByName: str('申请人姓名', { nullable: true }),
    assignedByProcess: { type: 'boolean', description: '办理人由流程指定（不能放回待认领）' },
    blockedReason: str('职责分离不允许本人认领或办理时的原因，如“您是本事项申请人，不能审批”', { nullable: true }),
    batchable: { type: 'boolean', description: '办理中任务：表单只需审批结论和意见、本人不受职责分离限制，可在待办中批量审批（POST /api/tasks/batch-complete）' },
    batchDecisions: arr(obj({ value: str('审批结论的取值，如 approve'), label: str('表单上的名称，如 同意') })),
    case: obj({ status: str(undefined, { enum: ['running', 'completed', 'cancelled'] }), currentSteps: arr(str()) }),
  }),
  TaskDetail: obj({
    task: ref('Task'),
    form: ref('Form'),
    variables: anyObject,
    formData: anyObject,
    instance: ref('Instance'),
    actions: obj({
      claim: { type: 'boolean' },
      unclaim: { type: 'boolean', description: '放回待认领；流程指定办理人的任务为 false' },
      complete: { type: 'boolean' },
      assign: { type: 'boolean' },
      reason: str('职责分离不允许本人办理时的原因（此时 claim、complete 为 false）', { nullable: true }),
    }),
    assignable: arr(obj({ id: str(), displayName: str(), unitId: str() })),
  }),
  Instance: obj({
    id: str(),
    processKey: str(),
    definitionId: str(),
    businessKey: str(undefined, { nullable: true }),
    caseNumber: str('案件流水号：发起时按流程的 caseNumberPattern 编号（年度流水）', { nullable: true }),
    subject: str('案件标题：流程的 subjectExpression，缺省为发起表单第一个文本字段', { nullable: true }),
    status: str(undefined, { enum: ['running', 'completed', 'cancelled'] }),
    startedBy: str(),
    startedByName: str('申请人姓名', { nullable: true }),
    startedAt: time(),
    endedAt: time(),
    endedBy: str(undefined, { nullable: true }),
    endReason: str(undefined, { nullable: true }),
    parentInstanceId: str('调用活动启动的子流程：上级流程实例', { nullable: true }),
    rootInstanceId: str('调用树的根流程实例（自身为根时为 null）', { nullable: true }),
  }),
  Activity: obj({ elementId: str(), elementType: str(), name: str(), startedAt: time(), endedAt: time() }),
  InstanceDetail: {
    allOf: [
      ref('Instance'),
      obj({
        version: { type: 'integer' },
        variables: anyObject,
        activities: obj({ active: arr(ref('Activity')), completed: arr(ref('Activity')) }),
        multiInstance: { type: 'object', description: '多实例（会签/或签）进度，按元素 id：{completed, total}，如 2/3', additionalProperties: obj({ completed: { type: 'integer' }, total: { type: 'integer' } }) },
        tasks: arr(ref('Task')),
        incidents: arr(ref('Incident')),
        history: arr(obj({ id: { type: 'integer' }, type: str(), elementId: str(), elementName: str(), actor: str(), at: time(), data: anyObject })),
      }),
    ],
  },
  Definition: obj({
    id: str(),
    key: str(),
    name: str(),
    version: { type: 'integer' },
    resourceName: str(),
    deploymentId: str(),
    deployedAt: time(),
    deployedBy: str(),
    starterGroups: arr(str()),
    starterUsers: arr(str()),
    startFormKey: str(undefined, { nullable: true }),
    executable: { type: 'boolean', description: 'false：非可执行流程（isExecutable="false"），已保存、可查看下载，不能发起（409 PROCESS_NOT_EXECUTABLE）' },
    canStart: { type: 'boolean' },
  }),
  Form: obj({ key: str(), version: { type: 'integer' }, schema: anyObject }),
  /** What starting a case answers (power items, process definitions). */
  StartedInstance: { allOf: [ref('Instance'), obj({ variables: anyObject, tasks: arr(ref('Task')) })] },
  Deployment: obj({
    id: str(undefined, { nullable: true }),
    items: arr(obj({ file: str(), kind: str(), key: str(), version: { type: 'integer' }, id: str(), unchanged: { type: 'boolean' } })),
    notes: arr(obj({ file: str(), message: str() })),
  }),
  Incident: obj({ id: str(), instanceId: str(), elementId: str(), type: str(), message: str(), status: str(), createdAt: time(), resolvedAt: time(), resolvedBy: str() }),
  MonitorSummary: obj({
    at: time(),
    running: { type: 'integer' },
    processes: arr(obj({ processKey: str(), running: { type: 'integer' } })),
    activities: arr(obj({ processKey: str(), elementId: str(), name: str(), kind: str(), count: { type: 'integer' } })),
    tasks: obj({ open: { type: 'integer' }, green: { type: 'integer' }, yellow: { type: 'integer' }, red: { type: 'integer' }, none: { type: 'integer' } }),
    incidents: obj({ open: { type: 'integer' }, perProcess: arr(obj({ processKey: str(), open: { type: 'integer' } })) }),
    units: arr(obj({ unitId: str(), unitName: str(), running: { type: 'integer' }, openTasks: { type: 'integer' }, tasks: anyObject, incidents: { type: 'integer' } })),
    calendar: obj({
      coveredUntil: str('工作日历连续覆盖到的日期（YYYY-MM-DD）', { nullable: true }),
      horizon: str('今天起 90 天后的日期'),
      missingYears: arr({ type: 'integer' }),
      warning: str('日历未覆盖未来 90 天时的提示，否则 null', { nullable: true }),
    }),
  }),
};

/** Hand-written paths (routes not yet schema-first) joined with the generated ones, per method. */
function mergePaths(hand: Record<string, Record<string, unknown>>, gen: Record<string, Record<string, unknown>>) {
  const out: Record<string, Record<string, unknown>> = { ...hand };
  for (const [path, ops] of Object.entries(gen)) out[path] = { ...out[path], ...ops };
  return out;
}

export function openApiDocument() {
  const generated = contractPaths(ALL_CONTRACTS);
  return {
    openapi: '3.0.3',
    info: {
      title: '权力内控机制网上运行平台 API',
      version: '1.0.0',
      description:
        '所有接口位于 /api。除登录、健康检查和本文档外都需要登录：Authorization: Bearer <token> 或登录时设置的 HttpOnly 会话 Cookie。错误一律为 {error: {code, message, details?}}。时间为 ISO 8601（UTC）。',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }, { cookie: [] }],
    tags: ['system', 'auth', 'tasks', 'process-definitions', 'decision-definitions', 'power-items', 'process-instances', 'deployments', 'forms', 'monitor', 'audit', 'supervision', 'calendar', 'attachments'].map((name) => ({ name })),
    paths: mergePaths({ ...paths, ...supervisionPaths(openApiHelpers), ...caseActionPaths(openApiHelpers), ...caseRoutingPaths(openApiHelpers), ...attachmentPaths(openApiHelpers), ...complaintPaths(openApiHelpers), ...documentPaths(openApiHelpers), ...decisionPaths(openApiHelpers) }, generated.paths),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        cookie: { type: 'apiKey', in: 'cookie', name: 'pcp_session' },
      },
      schemas: { ...schemas, ...generated.schemas },
    },
  };
}
