import Router from '@koa/router';
import { notificationSettings, saveNotificationSettings } from '../domain/notification-delivery.ts';
import { auditHook, me, type ApiDeps } from './context.ts';
import * as api from './contracts/notifications.ts';
import { routeMounter } from './route.ts';

/** Each person's own notification channels (站内 always; e-mail and the group robot by choice). */
export function notificationPreferenceRoutes(deps: ApiDeps): Router {
  const r = new Router();
  const route = routeMounter(r, deps.limits.jsonBytes);
  const { engine, db } = deps;

  route(api.getNotificationPreferences, async (ctx) => notificationSettings(db, engine, me(ctx).id));

  route(api.putNotificationPreferences, async (ctx, { body }) => {
    const person = me(ctx);
    const audit = auditHook<{ before: unknown; after: unknown }>(ctx, deps, (e) => ({
      action: 'notification-preferences.update',
      objectType: 'user',
      objectId: person.id,
      before: e.before,
      after: e.after,
    }));
    await saveNotificationSettings(db, person.id, body, { now: engine.clock.now(), audit });
    return notificationSettings(db, engine, person.id);
  });

  return r;
}
