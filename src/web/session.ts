/** Who is signed in: loaded from `GET /api/me`, cleared on sign-out or when the session expires. */
import { api, ApiError, type Me } from './api.ts';
import { rememberGroup, rememberUser } from './names.ts';

let current: Me | null = null;

export function me(): Me | null {
  return current;
}

/** The signed-in user (pages behind sign-in only run when there is one). */
export function user(): Me {
  if (!current) throw new Error('not signed in');
  return current;
}

export function inGroup(group: string): boolean {
  return Boolean(current?.groups.includes(group));
}

/** Whether the user is in `group`, or in any one of `groups`. */
export function inAnyGroup(groups: string | string[]): boolean {
  return (Array.isArray(groups) ? groups : [groups]).some(inGroup);
}

/**
 * Where the signed-in user starts: their role's main page. A district reporter (报送员), who
 * handles no tasks, starts on 交换文件导出; everyone else on 待办. Usage: `navigate(homePath())`.
 */
export function homePath(): string {
  if (inGroup('district-reporters') && !inGroup('staff')) return '/exchange/export';
  return '/inbox';
}

/** Normalises `/api/me` answers: `{user, groups, unit}` or a flat user object. */
export function normaliseMe(body: any): Me {
  const u = body?.user ?? body;
  const unit = body?.unit ?? (u?.unitId ? { id: u.unitId, name: u.unitName ?? u.unitId } : null);
  const groups: string[] = (body?.groups ?? u?.groups ?? []).map((g: any) => {
    if (typeof g === 'string') return g;
    rememberGroup(g.id, g.name);
    return g.id;
  });
  rememberUser(u?.id, u?.displayName);
  return {
    user: { ...u, id: u?.id ?? u?.username, displayName: u?.displayName ?? u?.name ?? u?.id },
    groups,
    unit,
    mustChangePassword: Boolean(body?.mustChangePassword ?? u?.mustChangePassword),
  };
}

/** Loads the session; null when not signed in. */
export async function loadMe(): Promise<Me | null> {
  try {
    current = normaliseMe(await api.get('/api/me', undefined, { quiet: true }));
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) current = null;
    else if (err instanceof ApiError && err.code === 'PASSWORD_CHANGE_REQUIRED') {
      // Signed in, but nothing (not even /me) is served until the password is changed.
      current = current ? { ...current, mustChangePassword: true } : { user: { id: '', displayName: '' }, groups: [], unit: null, mustChangePassword: true };
    } else throw err;
  }
  return current;
}

export interface LoginResult {
  mustChangePassword: boolean;
}

/** Signs in; the server sets the session cookie. */
export async function login(username: string, password: string): Promise<LoginResult> {
  const res: any = await api.post('/api/auth/login', { username, password }, { quiet: true });
  current = normaliseMe({ ...res, user: res.user });
  if (!current.groups.length && !res.mustChangePassword) await loadMe();
  current = current && { ...current, mustChangePassword: Boolean(res.mustChangePassword) };
  return { mustChangePassword: Boolean(res.mustChangePassword) };
}

export async function logout(): Promise<void> {
  try {
    await api.post('/api/auth/logout', {}, { quiet: true });
  } catch {
    /* the session may already be gone */
  }
  current = null;
}

/** Marks the session as gone (401 from any call). */
export function forget(): void {
  current = null;
}

export function passwordChanged(): void {
  if (current) current = { ...current, mustChangePassword: false };
}
