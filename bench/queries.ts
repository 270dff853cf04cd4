/**
 * `npm run bench:queries`: how many SQL statements each request of a case costs, as a client
 * drives it through the HTTP API (start, claim, complete, inbox read), on SQLite or on PostgreSQL
 * (TEST_DB=pg DATABASE_URL=…). Counts, not times: the round trips issue 15 asks to cut, stable on
 * a busy machine. Prints one line per request with its statements, grouped by table and verb
 * (BENCH_SQL=1 also lists each statement).
 */
import { deployViaApi, startServer } from '../test/helpers/api.ts';
import { approvalFiles } from '../test/api/fixtures.ts';

const s = await startServer();
await deployViaApi(s, approvalFiles);
const staff = await s.login('staff');
const head = await s.login('head');
const seen: string[] = [];
s.db.on('query', (q: { sql: string }) => seen.push(q.sql));

function shape(sql: string): string {
  const verb = /^\s*(\w+)/.exec(sql)?.[1]?.toLowerCase() ?? '?';
  const table = /(?:from|into|update)\s+[`"]?(\w+)/i.exec(sql)?.[1] ?? '';
  return `${verb} ${table}`.trim();
}

async function measure(label: string, fn: () => Promise<unknown>): Promise<void> {
  seen.length = 0;
  await fn();
  const groups = new Map<string, number>();
  for (const q of seen) groups.set(shape(q), (groups.get(shape(q)) ?? 0) + 1);
  const detail = [...groups].map(([k, n]) => (n > 1 ? `${k} ×${n}` : k)).join(', ');
  console.log(`${label.padEnd(22)} ${String(seen.length).padStart(3)} statements  (${detail})`);
  // BENCH_SQL=1 lists each statement, to see which ones a change could remove.
  if (process.env.BENCH_SQL) for (const q of seen) console.log(`    ${q.slice(0, 220)}`);
}

// Warm the caches as a running node would have them.
for (let i = 0; i < 2; i++) {
  const r = await staff.post('/api/process-definitions/api-approval/start', { businessKey: `W-${i}`, variables: { title: '预热' } });
  const t = (await head.get(`/api/tasks?candidate=me&processInstanceId=${r.body.id}`)).body.items[0];
  await head.post(`/api/tasks/${t.id}/claim`);
  await head.post(`/api/tasks/${t.id}/complete`, { variables: { decision: 'reject', comment: '预热' } });
}
let instanceId = '';
let taskId = '';
await measure('start', async () => {
  instanceId = (await staff.post('/api/process-definitions/api-approval/start', { businessKey: 'Q-1', variables: { title: '计数' } })).body.id;
});
await measure('inbox (candidate=me)', async () => {
  taskId = (await head.get(`/api/tasks?candidate=me&processInstanceId=${instanceId}`)).body.items[0].id;
});
await measure('claim', () => head.post(`/api/tasks/${taskId}/claim`));
await measure('complete', () => head.post(`/api/tasks/${taskId}/complete`, { variables: { decision: 'reject', comment: '计数' } }));
await s.close();
