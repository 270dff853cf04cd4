import { namespacesOf, NS } from './index.ts';

/**
 * Code in the Flowable, Activiti and Camunda 8 dialects: uploaded files may run none (Camunda 7's
 * own listeners, classes and scripts are checked in model.ts). Every message names what was found
 * and says what to use instead: a handler the platform registered, reached through an external
 * topic or a job type.
 */

export const USE_HANDLER =
  '请改用平台注册的处理程序：服务任务写 camunda:type="external" camunda:topic="名称"（Camunda 7）、flowable:type="external-worker" flowable:topic="名称"（Flowable）或 zeebe:taskDefinition type="名称"（Camunda 8）';

/** Flowable/Activiti attributes that name Java code or an expression evaluated as code. */
const CODE_ATTRS = ['class', 'delegateExpression', 'expression', 'resultVariable', 'resultVariableName'];

/** Flowable/Activiti built-in service task types (mail, http, shell …) run code inside the engine. */
const BUILTIN_TYPES = new Set(['mail', 'http', 'camel', 'mule', 'shell', 'dmn', 'script', 'send-event', 'case', 'webservice']);

/** Zeebe extensions the engine does not run; the file is refused rather than run differently. */
const ZEEBE_UNSUPPORTED: Record<string, string> = {
  executionListeners: '执行监听器（zeebe:executionListeners）暂不支持',
  taskListeners: '任务监听器（zeebe:taskListeners）暂不支持',
  script: 'FEEL 脚本任务（zeebe:script）暂不支持',
};

/**
 * Problems for one element's foreign-dialect code, as messages without the element label.
 * Usage: `for (const m of foreignCode(el, ns)) problems.push({ element: el.id, message: `${label(el)} ${m}` })`.
 */
export function foreignCode(el: any, ns: Map<string, string>): string[] {
  const out: string[] = [];
  const prefixOf = (uri: string) => [...ns].filter(([, u]) => u === uri).map(([p]) => p);
  const attrs: Record<string, unknown> = el.$attrs ?? {};
  for (const uri of [NS.flowable, NS.activiti]) {
    for (const prefix of prefixOf(uri)) {
      for (const a of CODE_ATTRS) {
        const v = attrs[`${prefix}:${a}`];
        if (v !== undefined) out.push(`使用了 ${prefix}:${a}="${String(v).slice(0, 80)}"：上传的流程不允许运行代码（Java 类、委托表达式、表达式）。${USE_HANDLER}`);
      }
      const type = attrs[`${prefix}:type`];
      if (typeof type === 'string' && BUILTIN_TYPES.has(type)) out.push(`使用了内置任务类型 ${prefix}:type="${type}"：它在引擎内运行代码。${USE_HANDLER}`);
      if (typeof type === 'string' && type === 'external-worker' && !attrs[`${prefix}:topic`]) out.push(`的 ${prefix}:type="external-worker" 缺少 ${prefix}:topic`);
      const skip = attrs[`${prefix}:skipExpression`];
      if (skip !== undefined) out.push(`使用了 ${prefix}:skipExpression="${String(skip).slice(0, 80)}"：本平台不支持跳过任务，请用排他网关和条件表达 "跳过" 的路径`);
    }
  }
  for (const ext of el.extensionElements?.values ?? []) {
    const qname = String(ext.$type ?? '');
    const at = qname.indexOf(':');
    const uri = ns.get(qname.slice(0, at));
    const local = qname.slice(at + 1);
    if (uri === NS.flowable || uri === NS.activiti) {
      if (/^(executionListener|taskListener|eventListener)$/.test(local)) {
        out.push(`含有监听器 ${qname}：上传的流程不允许运行代码。${USE_HANDLER}`);
      } else if (local === 'field') {
        // fields inject values into a Java class: refused with the class itself
      }
    } else if (uri === NS.zeebe && ZEEBE_UNSUPPORTED[local]) {
      out.push(`使用了 ${qname}：${ZEEBE_UNSUPPORTED[local]}`);
    }
  }
  return out;
}

export { namespacesOf };
