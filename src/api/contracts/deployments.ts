import { z } from 'zod';
import { contract, isoTime, optionalText, pathParam, q, text } from '../contract.ts';

/** Deployments (four eyes): src/api/deployments.ts and proposals.ts. */

const proposalProps = {
  id: z.string(),
  status: z.enum(['pending', 'active', 'rejected']),
  name: z.string(),
  source: z.string(),
  proposedBy: z.string(),
  proposedAt: isoTime(),
  approverGroup: z.string(),
  items: z.array(z.unknown()),
  instanceId: z.string().nullable(),
  taskId: z.string().nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: isoTime(),
  comment: z.string().nullable(),
  deploymentId: z.string().nullable(),
};
const Proposal = z.object(proposalProps).meta({ id: 'DeploymentProposal' });
const idParams = z.object({ id: pathParam('部署方案 id') });

export const deploymentPost = contract({
  method: 'post',
  path: '/deployments',
  summary: '部署 BPMN 与表单文件（流程管理员）',
  tags: ['deployments'],
  description:
    'multipart/form-data（任意字段名的文件）或 JSON {name?, files:[{name, content}]}。单个文件 ≤ 2 MB，最多 50 个；只接受文本文件。任何文件有问题则全部不部署（400 DEPLOYMENT_INVALID，details 按文件列出）。',
  body: z.object({ name: z.string().optional(), files: z.array(z.object({ name: z.string(), content: z.string() })) }),
  // The handler reads JSON or multipart itself and answers per file (DEPLOYMENT_INVALID).
  bodyCheck: 'handler',
  multipart: z.object({ name: z.string().optional(), files: z.array(z.string().meta({ format: 'binary' })) }),
  responses: {
    200: { description: '内容未变化，未提交审批（id 为 null）', schema: z.unknown().meta({ jsonSchema: { $ref: '#/components/schemas/Deployment' } }) },
    202: { description: '已提交审批：待分管局领导（监察室自身的流程为监察室）审批，审批前不能发起', schema: Proposal },
  },
  errors: { 409: true },
});

export const deploymentList = contract({
  method: 'get',
  path: '/deployments',
  summary: '部署方案列表（分管局领导、监察室、流程管理员）',
  tags: ['deployments'],
  query: z.object({ status: q.oneOf('pending | active | rejected', ['pending', 'active', 'rejected']), limit: q.int('条数（1–200）', 1, 200, 50) }),
  responses: { 200: { schema: z.object({ items: z.array(Proposal) }) } },
});

export const deploymentGet = contract({
  method: 'get',
  path: '/deployments/:id',
  summary: '部署方案详情：每个变更文件的新旧内容（供审批人对比）',
  tags: ['deployments'],
  params: idParams,
  responses: {
    200: {
      schema: z.object({
        ...proposalProps,
        files: z.array(z.object({ file: z.string(), kind: z.string(), key: z.string(), version: z.number().int(), content: z.string(), previous: z.string().nullable() })),
      }),
    },
  },
  errors: { 404: true },
});

export const deploymentApprove = contract({
  method: 'post',
  path: '/deployments/:id/approve',
  summary: '同意部署方案（审批人不能是提交人或与其同组的人员），新版本随即生效',
  tags: ['deployments'],
  params: idParams,
  body: z.object({ comment: optionalText(1000, '审批意见') }),
  responses: { 200: { description: 'status: active', schema: Proposal } },
  errors: { 404: true, 409: true },
});

export const deploymentReject = contract({
  method: 'post',
  path: '/deployments/:id/reject',
  summary: '驳回部署方案（须填写理由）',
  tags: ['deployments'],
  params: idParams,
  body: z.object({ comment: text(1000, '驳回理由') }),
  responses: { 200: { description: 'status: rejected', schema: Proposal } },
  errors: { 404: true, 409: true },
});

export const deploymentContracts = [deploymentPost, deploymentList, deploymentGet, deploymentApprove, deploymentReject];
