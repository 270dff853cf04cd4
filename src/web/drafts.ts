/**
 * Local drafts of forms being filled in, per user and per task (or start form), so that an
 * expired session or a closed tab does not lose what the user typed. Drafts are removed when
 * the form is submitted and expire after 14 days.
 */

const PREFIX = 'pcp-draft:';
const MAX_AGE = 14 * 86_400_000;

export interface Draft {
  data: Record<string, unknown>;
  savedAt: number;
}

function key(userId: string, scope: string): string {
  return `${PREFIX}${userId}:${scope}`;
}

/** Usage: `saveDraft('staff', 'task:123', data)`. */
export function saveDraft(userId: string, scope: string, data: Record<string, unknown>): void {
  try {
    localStorage.setItem(key(userId, scope), JSON.stringify({ data, savedAt: Date.now() }));
  } catch {
    /* storage full or disabled: drafts are a convenience */
  }
}

export function loadDraft(userId: string, scope: string): Draft | null {
  try {
    const raw = localStorage.getItem(key(userId, scope));
    if (!raw) return null;
    const d = JSON.parse(raw) as Draft;
    if (!d || typeof d.savedAt !== 'number' || Date.now() - d.savedAt > MAX_AGE) {
      localStorage.removeItem(key(userId, scope));
      return null;
    }
    return d;
  } catch {
    return null;
  }
}

export function clearDraft(userId: string, scope: string): void {
  try {
    localStorage.removeItem(key(userId, scope));
  } catch {
    /* ignore */
  }
}

/** Removes expired drafts (called once at start-up). */
export function pruneDrafts(): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (!k?.startsWith(PREFIX)) continue;
      const d = JSON.parse(localStorage.getItem(k) ?? 'null');
      if (!d || Date.now() - d.savedAt > MAX_AGE) localStorage.removeItem(k);
    }
  } catch {
    /* ignore */
  }
}

/** Whether a draft differs from the values the server has. */
export function differs(draft: Record<string, unknown>, current: Record<string, unknown>): boolean {
  return Object.entries(draft).some(([k, v]) => v !== undefined && v !== '' && v !== null && JSON.stringify(v) !== JSON.stringify(current[k]));
}

/**
 * Removes every draft of a user: on an explicit sign-out the user has chosen to leave, and on a
 * shared office computer nothing they typed should stay behind (a session timeout keeps them).
 */
export function clearDraftsOf(userId: string): void {
  try {
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const k = localStorage.key(i);
      if (k?.startsWith(`${PREFIX}${userId}:`)) localStorage.removeItem(k);
    }
  } catch {
    /* ignore */
  }
}
