/** Display names for process keys and user ids, cached for the session. */
import { api, type Definition } from './api.ts';

let processCache: Promise<Map<string, string>> | null = null;
const users = new Map<string, string>();

/** Process key → Chinese name (from `GET /api/process-definitions`). */
export function processNames(): Promise<Map<string, string>> {
  processCache ??= api
    .get<any>('/api/process-definitions')
    .then((body) => {
      const list: Definition[] = Array.isArray(body) ? body : (body.items ?? []);
      return new Map(list.map((d) => [d.key, d.name ?? d.key]));
    })
    .catch((err) => {
      processCache = null;
      throw err;
    });
  return processCache;
}

export function forgetProcessNames(): void {
  processCache = null;
}

/** Remembers a user's display name seen in any answer. */
export function rememberUser(id: string | null | undefined, name: string | null | undefined): void {
  if (id && name) users.set(id, name);
}

/** "张明" when the name is known, else the user id. */
export function userLabel(id: string | null | undefined, name?: string | null): string {
  if (!id) return '—';
  if (name) {
    users.set(id, name);
    return name;
  }
  if (id === 'system') return '系统';
  return users.get(id) ?? id;
}

/** The platform's standard groups (the candidate groups BPMN files name); others show their id. */
const GROUPS: Record<string, string> = {
  staff: '工作人员',
  'unit-heads': '处室负责人',
  'unit-contacts': '单位联络员',
  leaders: '分管局领导',
  supervision: '监察室',
  legal: '政策法规处',
  'info-centre': '指挥信息保障中心',
  vendor: '软件公司',
  'party-committee': '局党委',
  'discipline-committee': '局纪委',
  engineering: '工程处',
  'process-owners': '流程管理员',
  'district-reporters': '辖市（区）报送员',
};

export function rememberGroup(id: string, name: string | null | undefined): void {
  if (name) GROUPS[id] = name;
}

export function groupLabel(id: string): string {
  return GROUPS[id] ?? id;
}

export function groupsLabel(ids: string[] | null | undefined): string {
  return (ids ?? []).map(groupLabel).join('、');
}
