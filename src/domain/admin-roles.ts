/**
 * 三员分立 (等保 2.0, GB/T 22239-2019 8.1.4.x): the platform's administration is split into three
 * roles no single account holds together —
 * - system administrator `system-admins`: configuration, the working calendar, processes (with the
 *   process owners' group), backups;
 * - security administrator `security-admins`: accounts, roles and password resets, always through
 *   the Art. 9 procedure and its four eyes;
 * - security auditor `security-auditors`: reads the audit trail, sign-in records and the
 *   administrators' own actions; changes nothing.
 * Usage: `const clash = adminRoleClash(['staff', 'system-admins', 'security-auditors'])`.
 */
export const ADMIN_ROLES = {
  'system-admins': '系统管理员',
  'security-admins': '安全管理员',
  'security-auditors': '安全审计员',
} as const;

export type AdminRole = keyof typeof ADMIN_ROLES;

/** The administrator roles among `groups` when there are two or more of them, else []. */
export function adminRoleClash(groups: Iterable<string>): AdminRole[] {
  const held = [...new Set(groups)].filter((g): g is AdminRole => g in ADMIN_ROLES);
  return held.length >= 2 ? held : [];
}

/** The refusal text for a clash. */
export function adminClashMessage(userId: string, roles: AdminRole[]): string {
  return `三员分立：${userId} 将同时担任${roles.map((r) => ADMIN_ROLES[r]).join('和')}，系统管理员、安全管理员、安全审计员不得由同一人兼任`;
}
