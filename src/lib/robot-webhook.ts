import { createHmac } from 'node:crypto';

/**
 * Group-robot webhooks as 钉钉 (DingTalk) and 企业微信/政务微信 (WeCom) define them: a text message
 * `{msgtype: "text", text: {content}}` POSTed as JSON, and — for a DingTalk robot with 加签 —
 * `timestamp` and `sign` query parameters, sign = Base64(HMAC-SHA256(secret, `${timestamp}\n${secret}`)).
 */

/** The robot text-message body. Usage: `JSON.stringify(robotText('新待办：…'))`. */
export function robotText(content: string): { msgtype: 'text'; text: { content: string } } {
  return { msgtype: 'text', text: { content } };
}

/** The DingTalk signature of `timestamp` (ms) with `secret`, Base64 (not yet URL-encoded). */
export function robotSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`, 'utf8').digest('base64');
}

/**
 * The URL to POST to: `url` itself without a secret, else with `timestamp` and `sign` appended.
 * Usage: `signedRobotUrl('https://oapi.dingtalk.com/robot/send?access_token=x', 'SEC…', Date.now())`.
 */
export function signedRobotUrl(url: string, secret: string | null, timestamp: number): string {
  if (!secret) return url;
  const u = new URL(url);
  u.searchParams.set('timestamp', String(timestamp));
  u.searchParams.set('sign', robotSign(secret, timestamp));
  return u.toString();
}

/**
 * Whether a robot's answer says it failed although HTTP said 200: both robots answer
 * `{errcode: 0, errmsg: "ok"}` on success and a non-zero errcode otherwise (bad sign, rate limit).
 */
export function robotRefused(answer: unknown): string | null {
  if (!answer || typeof answer !== 'object') return null;
  const a = answer as { errcode?: unknown; errmsg?: unknown };
  if (a.errcode === undefined || a.errcode === 0 || a.errcode === '0') return null;
  return `errcode ${String(a.errcode)}: ${String(a.errmsg ?? '')}`;
}
