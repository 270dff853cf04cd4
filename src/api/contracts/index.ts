import type { RouteContract } from '../contract.ts';
import { auditContracts } from './audit.ts';
import { authContracts } from './auth.ts';
import { calendarContracts } from './calendar.ts';
import { directoryContracts } from './directory.ts';
import { formContracts } from './forms.ts';
import { monitoringRuleChoiceContracts } from './monitoring-rule-choices.ts';
import { powerItemContracts } from './power-items.ts';
import { publishedFlowContracts } from './published-flows.ts';
import { processInstanceContracts } from './process-instances.ts';
import { processDefinitionContracts } from './process-definitions.ts';
import { deploymentContracts } from './deployments.ts';
import { monitorContracts } from './monitor.ts';
import { taskContracts } from './tasks.ts';
import { notificationContracts } from './notifications.ts';

/**
 * Every schema-first route's contract, for the OpenAPI document (openapi.ts). Routes not listed
 * here are still described by hand in openapi*.ts.
 */
export const ALL_CONTRACTS: readonly RouteContract[] = [
  ...authContracts,
  ...directoryContracts,
  ...formContracts,
  ...auditContracts,
  ...calendarContracts,
  ...powerItemContracts,
  ...taskContracts,
  ...notificationContracts,
  ...processInstanceContracts,
  ...publishedFlowContracts,
  ...processDefinitionContracts,
  ...deploymentContracts,
  ...monitorContracts,
  ...monitoringRuleChoiceContracts,
];
