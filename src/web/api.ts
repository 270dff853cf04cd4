/**
 * The typed client of the platform's HTTP API (`/api`, issue 4). The session is the HttpOnly
 * cookie set by `POST /api/auth/login`; the browser never stores the token itself.
 */
import type { Warning } from './format.ts';

export interface FieldError {
  field: string;
  message: string;
}

/** An error answer `{error: {code, message, details}}` (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get fieldErrors(): FieldError[] {
    return Array.isArray(this.details) ? (this.details as FieldError[]).filter((d) => d && typeof d.message === 'string') : [];
  }
}

export interface User {
  id: string;
  username?: string;
  displayName: string;
  unitId?: string | null;
  unitName?: string | null;
  title?: string | null;
}

export interface Me {
  user: User;
  groups: string[];
  unit?: { id: string; name: string; isHead?: boolean; isContact?: boolean } | null;
  mustChangePassword?: boolean;
}

export interface Task {
  id: string;
  instanceId: string;
  elementId: string;
  name: string | null;
  processKey: string;
  processName?: string | null;
  definitionId: string;
  businessKey: string | null;
  formKey: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  assignee: string | null;
  assigneeName?: string | null;
  status: 'open' | 'completed' | 'cancelled';
  priority?: number;
  createdAt: number | string;
  claimedAt?: number | string | null;
  dueAt: number | string | null;
  warning: Warning;
  workdaysLeft?: number | null;
  completedAt?: number | string | null;
  completedBy?: string | null;
  /** The case: 流水号, subject line, applicant. */
  caseNumber?: string | null;
  subject?: string | null;
  startedBy?: string | null;
  startedByName?: string | null;
  /** The process named the assignee (camunda:assignee): it cannot be put back for claiming. */
  assignedByProcess?: boolean;
  /** Why the signed-in user may not claim or complete it (separation of duties), or null. */
  blockedReason?: string | null;
  /** 批量审批: the form asks only for a decision and a comment, and the user may act (server-decided). */
  batchable?: boolean;
  /** The decisions a batch may record for this task. */
  batchDecisions?: Array<{ value: string; label: string }>;
  /** 已办: the case as it stands now. */
  case?: { status: string; currentSteps: string[] };
}

export interface FormSchema {
  type?: string;
  id?: string;
  components: Array<Record<string, any>>;
  [k: string]: unknown;
}

export interface HistoryEntry {
  id?: number | string;
  instanceId?: string;
  type: string;
  elementId?: string | null;
  elementName?: string | null;
  elementType?: string | null;
  taskId?: string | null;
  actor?: string | null;
  actorName?: string | null;
  at: number | string;
  data?: Record<string, any> | null;
}

export interface Incident {
  id: string;
  instanceId: string | null;
  elementId: string | null;
  type: string;
  message: string;
  status: 'open' | 'resolved';
  createdAt: number | string;
  processKey?: string;
  businessKey?: string | null;
}

export interface Definition {
  id: string;
  key: string;
  version: number;
  name: string | null;
  deployedAt?: number | string;
  deployedBy?: string | null;
  canStart?: boolean;
  /** false: stored only (isExecutable="false"): viewable and downloadable, never started. */
  executable?: boolean;
  startFormKey?: string | null;
  category?: string | null;
  description?: string | null;
  versions?: Definition[];
}

export interface Instance {
  id: string;
  definitionId: string;
  processKey: string;
  processName?: string | null;
  businessKey: string | null;
  caseNumber?: string | null;
  subject?: string | null;
  status: string;
  startedBy: string;
  startedByName?: string | null;
  startedAt: number | string;
  endedAt?: number | string | null;
  endReason?: string | null;
  variables?: Record<string, unknown>;
  tasks?: Task[];
  activeTasks?: Task[];
  /** Activities from the history: started and not ended (active), and ended (completed). */
  activities?: { active: ActivityInfo[]; completed: ActivityInfo[] };
  /** A call activity's child: the instance that called it, and the top of the call chain. */
  parentInstanceId?: string | null;
  rootInstanceId?: string | null;
  /** Multi-instance (会签/或签) progress by element id. */
  multiInstance?: Record<string, { completed: number; total: number }>;
  incidents?: Incident[];
  history?: HistoryEntry[];
  unitId?: string | null;
  unitName?: string | null;
  version?: number;
  canWithdraw?: boolean;
  withdraw?: { message: string } | null;
  personalData?: PersonalData;
  /** The submitted content (start form schema and values), read-only. */
  content?: { formKey: string; schema: FormSchema; values: Record<string, unknown> } | null;
  /** One 审批意见 per completed step. */
  opinions?: Array<{ taskId: string; elementId: string; name: string | null; by: string; byName: string | null; unitName: string | null; onBehalfOf?: string | null; onBehalfOfName?: string | null; decisionLabel: string | null; comment: string | null; at: string }>;
}

/** Whether the personal data in an answer is masked, which fields, and whether the caller (supervision) may reveal it. */
export interface PersonalData {
  masked: boolean;
  fields: string[];
  canReveal: boolean;
}

export interface ActivityInfo {
  elementId: string;
  name?: string | null;
  startedAt?: number | string | null;
  endedAt?: number | string | null;
  status?: string;
  count?: number;
}

export interface AuditRow {
  seq: number;
  at: number | string;
  actor: string | null;
  actorName?: string | null;
  action: string;
  objectType?: string | null;
  objectId?: string | null;
  instanceId?: string | null;
  ip?: string | null;
  before?: unknown;
  after?: unknown;
  requestId?: string | null;
  hash?: string;
}

export interface AuditVerify {
  ok: boolean;
  checked: number;
  firstBrokenAt?: number;
  reason?: string;
  /** Rows committed but not yet linked into the chain. */
  pending?: number;
  verifiedAt?: string;
}

export interface Page<T> {
  items: T[];
  total: number;
}

type Query = Record<string, string | number | boolean | null | undefined>;

let onUnauthorized: (err: ApiError) => void = () => {};
let onPasswordChange: () => void = () => {};

/** Registers what happens when the session is gone (401) or a password change is due. */
export function setSessionHandlers(h: { unauthorized: (err: ApiError) => void; passwordChange: () => void }): void {
  onUnauthorized = h.unauthorized;
  onPasswordChange = h.passwordChange;
}

export function qs(query: Query = {}): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '' && v !== false) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : '';
}

async function send(method: string, path: string, body?: unknown, opts: { quiet?: boolean } = {}): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body !== undefined && { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
  }
  if (res.ok) return res;
  let payload: any = null;
  try {
    payload = await res.json();
  } catch {
    /* not JSON */
  }
  const e = payload?.error ?? {};
  const err = new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? `请求失败（${res.status}）`, e.details);
  // `quiet`: the caller handles these itself (sign-in, loading the session).
  if (res.status === 401 && !opts.quiet) onUnauthorized(err);
  if (res.status === 403 && err.code === 'PASSWORD_CHANGE_REQUIRED' && !opts.quiet) onPasswordChange();
  throw err;
}

/** The file name a Content-Disposition header gives (`filename*=UTF-8''…` or `filename="…"`). */
function filenameOf(headers: Headers, fallback: string): string {
  const cd = headers.get('content-disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(cd)?.[1];
  if (star) return decodeURIComponent(star);
  return /filename="?([^";]+)"?/i.exec(cd)?.[1] ?? fallback;
}

/** A JSON request. Usage: `await api.get<Me>('/api/me')`. */
export const api = {
  async get<T>(path: string, query?: Query, opts?: { quiet?: boolean }): Promise<T> {
    const res = await send('GET', path + qs(query), undefined, opts);
    return (await res.json()) as T;
  },
  async post<T>(path: string, body: unknown = {}, opts?: { quiet?: boolean }): Promise<T> {
    const res = await send('POST', path, body, opts);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  },
  async put<T>(path: string, body: unknown = {}): Promise<T> {
    const res = await send('PUT', path, body);
    const text = await res.text();
    return (text ? JSON.parse(text) : {}) as T;
  },
  async delete(path: string): Promise<void> {
    await send('DELETE', path);
  },
  /** Uploads one file as multipart (POST /api/attachments); the server types it by its bytes. */
  async upload<T>(path: string, file: File): Promise<T> {
    const form = new FormData();
    form.append('file', file, file.name);
    let res: Response;
    try {
      res = await fetch(path, { method: 'POST', credentials: 'same-origin', headers: { Accept: 'application/json' }, body: form });
    } catch {
      throw new ApiError(0, 'NETWORK', '无法连接服务器，请检查网络后重试');
    }
    const payload: any = await res.json().catch(() => null);
    if (!res.ok) {
      const e = payload?.error ?? {};
      const err = new ApiError(res.status, e.code ?? `HTTP_${res.status}`, e.message ?? `上传失败（${res.status}）`, e.details);
      if (res.status === 401) onUnauthorized(err);
      throw err;
    }
    return payload as T;
  },
  async text(path: string, query?: Query): Promise<string> {
    const res = await send('GET', path + qs(query));
    return res.text();
  },
  /**
   * A file answer (CSV, a package) as a Blob with the name from Content-Disposition, so that a
   * failed download shows the server's message instead of saving an error as the file.
   */
  async download(path: string, query?: Query, fallbackName = 'download'): Promise<{ blob: Blob; filename: string; headers: Headers }> {
    const res = await send('GET', path + qs(query));
    return { blob: await res.blob(), filename: filenameOf(res.headers, fallbackName), headers: res.headers };
  },
  /** A file made by a POST (a district exchange file): its exact text and name. */
  async postFile(path: string, body: unknown, fallbackName = 'download'): Promise<{ text: string; filename: string }> {
    const res = await send('POST', path, body);
    return { text: await res.text(), filename: filenameOf(res.headers, fallbackName) };
  },
  /** A list with its total: accepts a bare array (+ X-Total-Count) or `{items|rows|data, total}`. */
  async page<T>(path: string, query?: Query): Promise<Page<T>> {
    const res = await send('GET', path + qs(query));
    const body: any = await res.json();
    const items: T[] = Array.isArray(body) ? body : (body.items ?? body.rows ?? body.data ?? body.tasks ?? body.instances ?? []);
    const header = Number(res.headers.get('x-total-count'));
    const total = typeof body?.total === 'number' ? body.total : Number.isFinite(header) && res.headers.has('x-total-count') ? header : items.length;
    return { items, total };
  },
};

// ---- electronic supervision (issue 6) ------------------------------------------------------------

export type Level = 'info' | 'yellow' | 'red';

export interface Notification {
  id: string;
  kind: string;
  level: Level;
  title: string;
  body: string | null;
  taskId: string | null;
  instanceId: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationPage {
  items: Notification[];
  total: number;
  unread: number;
}

export interface LoginLine {
  userId: string;
  displayName: string;
  role: 'supervision' | 'contact';
  unitId: string | null;
  unitName: string | null;
  logins: number;
  required: number;
  ok: boolean;
  /** The account was created after the week began: not counted this week. */
  exempt: boolean;
}

export interface LoginCompliance {
  week: string;
  from: string;
  to: string;
  lines: LoginLine[];
}

export type ReportStatus = 'ok' | 'attention' | 'info';

export interface ComplianceReport {
  period: { from: string; to: string };
  generatedAt: string;
  articles: Array<{ article: number; title: string; status: ReportStatus; findings: Array<{ status: ReportStatus; text: string }> }>;
}

export interface Figures {
  handled: number;
  onTime: number;
  yellow: number;
  red: number;
  avgWorkdays: number | null;
  openOverdue: number;
  /** Reminders (催办) received about tasks the person held. */
  reminded: number;
  accountability: number;
}

export interface AppraisalStats {
  from: string;
  to: string;
  people: Array<Figures & { userId: string; displayName: string; unitId: string | null }>;
  units: Array<Figures & { unitId: string; unitName: string }>;
}

export interface CaseWarning {
  instanceId: string;
  itemCode: string;
  level: 'yellow' | 'red';
  dueAt: string;
  accountabilityQueuedAt: string | null;
}

export interface Suggestion {
  id: string;
  userId: string;
  category: number;
  kind: string;
  reason: string;
  evidence: unknown;
  status: 'open' | 'confirmed' | 'dismissed';
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  instanceId: string | null;
}

export interface ProvincialUpload {
  id: string;
  month: string;
  schema: string;
  sha256: string;
  operations: number;
  trigger: 'job' | 'manual';
  createdBy: string;
  createdAt: string;
  uploadedAt: string | null;
  uploadedBy: string | null;
  receipt: string | null;
}

export interface DistrictImport {
  id: string;
  districtId: string;
  fileSha256?: string;
  keyId: string;
  periodFrom: string;
  periodTo: string;
  operations: number;
  inserted: number;
  updated: number;
  importedBy: string;
  importedAt: string;
  alreadyImported?: boolean;
}

export interface DistrictKey {
  keyId: string;
  districtId: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
}

// ---- working calendar (issue 13, item 11) ---------------------------------------------------------

export interface CalendarDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string | null;
}

/** `GET /api/calendar/:year`; the PUT answers the same plus `recomputedTasks`. */
export interface CalendarYear {
  year: number;
  /** Whether the calendar has this year's schedule at all (else Monday–Friday only). */
  known: boolean;
  source: 'admin' | 'package' | null;
  updatedAt: string | null;
  updatedBy: string | null;
  days: CalendarDay[];
  recomputedTasks?: number;
}

/** The monitor summary's `calendar`: how far the holidays are known, and the warning if short. */
export interface CalendarCoverage {
  coveredUntil: string | null;
  horizon: string;
  missingYears: number[];
  warning: string | null;
}

// ---- attachments (issue 13, item 8) --------------------------------------------------------------

/** What `POST /api/attachments` answers; a filepicker field submits `{id, name, size, sha256}` of each. */
export interface Attachment {
  id: string;
  name: string;
  size: number;
  sha256: string;
  contentType: string;
  uploadedBy: string;
  uploadedAt: string;
  instanceId: string | null;
  taskId: string | null;
}
