/** Display names for process keys and user ids, cached for the session. */
import { api, type Definition } from './api.ts';

let processCache: Promise<Map<string, string>> | null = null;
const users = new Map<string, string>();
const userUnits = new Map<string, string>();
const units = new Map<string, { name: string; kind: string }>();
let directory: Promise<void> | null = null;

/**
 * Loads the names of users, groups and units once per session (`GET /api/directory`); pages then
 * show 张明 instead of `staff`. Failing to load leaves ids on screen, nothing more (quietly: the
 * boot asks for it while the session is still being checked, and asks again once signed in).
 */
export function loadDirectory(): Promise<void> {
  directory ??= api
    .get<{ users: Array<{ id: string; displayName: string; unitName?: string | null }>; groups: Array<{ id: string; name: string }>; units?: Array<{ id: string; name: string; kind: string }> }>('/api/directory', undefined, { quiet: true })
    .then((d) => {
      for (const u of d.users) {
        users.set(u.id, u.displayName);
        if (u.unitName) userUnits.set(u.id, u.unitName);
      }
      for (const g of d.groups) GROUPS[g.id] = g.name;
      for (const u of d.units ?? []) units.set(u.id, { name: u.name, kind: u.kind });
    })
    .catch(() => {
      directory = null;
    });
  return directory;
}

export function forgetDirectory(): void {
  directory = null;
}

/**
 * Process key → Chinese name (from `GET /api/process-definitions`), cached for the session; asked
 * for a key the cache lacks (a process deployed since), it reads the list again once.
 */
export async function processNames(need?: string): Promise<Map<string, string>> {
  if (need && processCache && !(await processCache.catch(() => new Map())).has(need)) processCache = null;
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

/** Group id → name, from the directory and from /api/me. */
const GROUPS: Record<string, string> = {};

export function rememberGroup(id: string, name: string | null | undefined): void {
  if (name) GROUPS[id] = name;
}

export function groupLabel(id: string): string {
  return GROUPS[id] ?? id;
}

export function groupsLabel(ids: string[] | null | undefined): string {
  return (ids ?? []).map(groupLabel).join('、');
}

/** Unit id → name (武进区民防局), from the directory. */
export function unitLabel(id: string | null | undefined): string {
  if (!id) return '—';
  return units.get(id)?.name ?? id;
}

/** The district bureaus (辖市（区）), for choosing whose key or file. */
export function districtUnits(): Array<{ id: string; name: string }> {
  return [...units].filter(([, u]) => u.kind === 'district').map(([id, u]) => ({ id, name: u.name }));
}

/** Every unit (offices, centres, district bureaus) in directory order, for filters. */
export function allUnits(): Array<{ id: string; name: string }> {
  return [...units].map(([id, u]) => ({ id, name: u.name }));
}

/** The unit a user belongs to (监察大队), from the directory; a dash when unknown. */
export function userUnitLabel(id: string | null | undefined): string {
  return (id && userUnits.get(id)) || '—';
}

/** Who may take an unclaimed task: its groups' names and its candidate users' names. */
export function candidatesLabel(t: { candidateGroups?: string[] | null; candidateUsers?: string[] | null }): string {
  return [...(t.candidateGroups ?? []).map(groupLabel), ...(t.candidateUsers ?? []).map((u) => userLabel(u))].join('、');
}

/** Users and groups of the organisation, for pickers that search by Chinese name (modeler). */
export async function orgEntries(): Promise<{ users: Array<{ id: string; name: string; unit?: string }>; groups: Array<{ id: string; name: string }> }> {
  await loadDirectory();
  return {
    users: [...users].map(([id, name]) => ({ id, name, ...(userUnits.get(id) && { unit: userUnits.get(id) }) })),
    groups: Object.entries(GROUPS).map(([id, name]) => ({ id, name })),
  };
}
