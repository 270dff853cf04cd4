/**
 * Candidate groups and users a file names must exist in the organisation (issue 12, item 3): a
 * typo ("infocentre") would otherwise strand every task of that step. Each unknown id is a deploy
 * problem with the closest existing id suggested. Expressions (`${…}`, `=…`) are decided at run
 * time and not checked here.
 */

/** The organisation as the deploy check sees it: id → display name. */
export interface Directory {
  groups: Map<string, string>;
  users: Map<string, string>;
}

interface CheckedModel {
  processId: string;
  starterGroups?: string[];
  starterUsers?: string[];
  elements: Map<string, { id: string; name?: string; assignee?: string; candidateGroups: string[]; candidateUsers: string[] }>;
}

export interface DirectoryProblem {
  element?: string;
  message: string;
}

const isExpression = (v: string) => v.includes('${') || v.includes('#{') || v.trim().startsWith('=');

/**
 * Every literal group or user id of `model` missing from `dir`, with a suggestion.
 * Usage: `for (const p of directoryProblems(model, await opts.directory())) problems.push({ file, ...p })`.
 */
export function directoryProblems(model: CheckedModel, dir: Directory): DirectoryProblem[] {
  const out: DirectoryProblem[] = [];
  const check = (element: string | undefined, what: string, kind: 'group' | 'user', ids: string[]) => {
    for (const id of ids) {
      if (!id || isExpression(id)) continue;
      const known = kind === 'group' ? dir.groups : dir.users;
      if (known.has(id)) continue;
      const near = closest(id, known);
      const noun = kind === 'group' ? '组' : '用户';
      out.push({
        ...(element && { element }),
        message: `${what}中的${noun} "${id}" 在组织机构中不存在${near ? `，是否应为 "${near}"（${known.get(near)}）？` : `：请改用组织机构中已有的${noun}编号`}`,
      });
    }
  };
  check(undefined, `流程 ${model.processId} 的可发起组（candidateStarterGroups）`, 'group', model.starterGroups ?? []);
  check(undefined, `流程 ${model.processId} 的可发起人（candidateStarterUsers）`, 'user', model.starterUsers ?? []);
  for (const e of model.elements.values()) {
    const label = e.name ? `${e.id}（${e.name}）` : e.id;
    check(e.id, `${label} 的候选组`, 'group', e.candidateGroups);
    check(e.id, `${label} 的候选人`, 'user', e.candidateUsers);
    if (e.assignee) check(e.id, `${label} 的办理人`, 'user', [e.assignee]);
  }
  return out;
}

/** The existing id nearest to `wanted`: same letters ignoring separators and case, a name match, or edit distance ≤ 3. */
export function closest(wanted: string, known: Map<string, string>): string | undefined {
  const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9\u4e00-\u9fff]/g, '');
  const w = squash(wanted);
  let best: string | undefined;
  let bestScore = Infinity;
  for (const [id, name] of known) {
    if (squash(id) === w || name === wanted) return id;
    const s = squash(id);
    // a typo that dropped a letter ("staf2" for "staff2") beats one that changed a letter
    const d = distance(w, s) - (isSubsequence(w, s) ? 0.5 : 0);
    if (d < bestScore) {
      bestScore = d;
      best = id;
    }
  }
  return best !== undefined && Math.ceil(bestScore) <= Math.max(1, Math.min(3, Math.floor(w.length / 3))) ? best : undefined;
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const up = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = up;
    }
  }
  return prev[b.length];
}

function isSubsequence(short: string, long: string): boolean {
  let i = 0;
  for (const c of long) if (c === short[i]) i++;
  return i === short.length;
}
