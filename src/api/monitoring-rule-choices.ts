import Router from '@koa/router';
import { RULE_KINDS } from '../domain/supervision/rule-kinds.ts';
import { ruleChoices } from '../domain/supervision/rule-steps.ts';
import { ForbiddenError } from '../errors.ts';
import { me, type ApiDeps } from './context.ts';
import * as api from './contracts/monitoring-rule-choices.ts';
import { routeMounter } from './route.ts';

/** Who may see which rules exist (names and steps, never parameters): whoever marks risk points, and the overseers. */
const CHOOSERS = ['process-owners', 'supervision', 'discipline-committee'];

/** GET /monitoring-rule-choices: the modeler's pick-list of monitoring rules for a 廉政风险点. */
export function monitoringRuleChoiceRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  route(api.monitoringRuleChoices, async (ctx, { query }) => {
    if (!me(ctx).groups.some((g) => CHOOSERS.includes(g))) throw new ForbiddenError('仅流程管理员、监察室或局纪委可以查看可选的监察规则', 'FORBIDDEN', { requiredGroups: CHOOSERS });
    return { items: await ruleChoices(deps.db, deps.engine, query.processKey), kinds: Object.entries(RULE_KINDS).map(([kind, k]) => ({ kind, name: k.name })) };
  });
  return r;
}
