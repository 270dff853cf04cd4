/**
 * BPMN errors: business errors that a process models (error end events, error boundary events),
 * as opposed to technical failures, which are retried and become incidents.
 *
 * A registered service handler signals a business error by throwing `BpmnError`:
 *
 *     import { BpmnError } from '../engine/bpmn-error.ts';
 *     if (!complete) throw new BpmnError('MATERIALS_INCOMPLETE', '申请材料不全');
 *
 * The service task then ends on the error boundary whose bpmn:error has that errorCode (or on a
 * boundary without errorRef, which catches every error); it is not retried. As in Camunda 7, where a
 * BpmnError from a delegate is an ordinary path, what the handler wrote before throwing commits
 * with the step: throw before writing. An error no boundary catches opens an incident at once.
 */
export class BpmnError extends Error {
  readonly code: string;
  constructor(code: string, message?: string) {
    super(message ?? code);
    this.name = 'BpmnError';
    this.code = code;
  }
}

/** A BpmnError nothing in the process catches: an incident, without retries. */
export class UncaughtBpmnError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(`未捕获的业务错误 ${code}：${message}`);
    this.code = code;
  }
}

/** What deploy reads from an error (or escalation) event definition. */
export interface ErrorInfo {
  /** The bpmn:error's errorCode; absent on a catch-all boundary. */
  code?: string;
  /** camunda:errorCodeVariable / errorMessageVariable on a catching event. */
  codeVariable?: string;
  messageVariable?: string;
}

/**
 * Reads an error event definition of `el` and reports what cannot run.
 * Usage (model.ts): `info.error = errorInfoOf(el, def, label(el), (m) => problems.push(...))`.
 */
export function errorInfoOf(el: any, def: any, label: string, problem: (message: string) => void): ErrorInfo {
  const ref = def.errorRef;
  const info: ErrorInfo = {};
  // An error end event without errorRef (or whose error has no code) throws an error only a
  // catch-all boundary (one without errorRef) catches, as in Camunda 7.
  if (ref?.errorCode) info.code = String(ref.errorCode);
  if (el.$type === 'bpmn:BoundaryEvent' && el.cancelActivity === false) {
    problem(`错误边界事件 ${label} 必须是中断型的（错误总是中断所附着的活动）`);
  }
  for (const [attr, key] of [
    ['errorCodeVariable', 'codeVariable'],
    ['errorMessageVariable', 'messageVariable'],
  ] as const) {
    const v = def[attr];
    if (!v) continue;
    if (!/^[A-Za-z_]\w*$/.test(String(v))) problem(`${label} 的 camunda:${attr} "${v}" 不是有效的变量名`);
    else info[key] = String(v);
  }
  return info;
}

/** The code and message of an error the engine caught (a thrown end event or a handler's BpmnError). */
export function caughtError(error: any): { code: string | null; message: string | null } {
  const inner = error?.inner ?? error;
  const code = error?.code ?? inner?.code ?? null;
  const message = inner?.message ?? error?.description ?? error?.message ?? error?.name ?? null;
  return { code: code === null ? null : String(code), message: message === null ? null : String(message) };
}
