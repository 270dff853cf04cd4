/**
 * Small reads of a BPMN file in the browser (no bpmn-js needed): which messages withdraw an
 * application, and where they can be received.
 */

const WITHDRAW = /withdraw|cancel|撤回|撤销/i;

export interface WithdrawPoint {
  /** The message name to correlate. */
  message: string;
  /** Element ids where the instance must be waiting for it to be accepted. */
  waitingAt: string[];
}

/**
 * Withdraw messages the process declares: message events whose message name says "withdraw"
 * (撤回), attached to a task (boundary) or waited for by a catch event or receive task.
 * Usage: `withdrawPoints(xml)` → `[{ message: 'item-change-withdraw', waitingAt: ['Task_Review'] }]`.
 */
export function withdrawPoints(xml: string): WithdrawPoint[] {
  const doc = new DOMParser().parseFromString(xml, 'application/xml');
  if (doc.querySelector('parsererror')) return [];
  const all = (local: string) => Array.from(doc.getElementsByTagNameNS('*', local));
  const messages = new Map<string, string>();
  for (const m of all('message')) {
    const name = m.getAttribute('name');
    const id = m.getAttribute('id');
    if (id && name && (WITHDRAW.test(name) || WITHDRAW.test(id))) messages.set(id, name);
  }
  const points = new Map<string, Set<string>>();
  const add = (messageRef: string | null, at: string | null) => {
    const name = messageRef ? messages.get(messageRef) : undefined;
    if (!name || !at) return;
    if (!points.has(name)) points.set(name, new Set());
    points.get(name)!.add(at);
  };
  for (const def of all('messageEventDefinition')) {
    const event = def.parentElement;
    if (!event) continue;
    if (event.localName === 'boundaryEvent') add(def.getAttribute('messageRef'), event.getAttribute('attachedToRef'));
    else if (event.localName === 'intermediateCatchEvent') add(def.getAttribute('messageRef'), event.getAttribute('id'));
  }
  for (const task of all('receiveTask')) add(task.getAttribute('messageRef'), task.getAttribute('id'));
  return [...points].map(([message, at]) => ({ message, waitingAt: [...at] }));
}
