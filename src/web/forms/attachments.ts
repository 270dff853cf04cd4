/**
 * Attachments in forms: a form-js filepicker holds the chosen files under a `files::…` key; before
 * the form is submitted each file is uploaded (POST /api/attachments) and the field's value becomes
 * the list of `{id, name, size, sha256}` the server links to the case. And a case's attachments as
 * a list of download links (task page, instance page).
 */
import { api, type Attachment } from '../api.ts';
import { h } from '../dom.ts';
import { fmtDateTime } from '../format.ts';
import { userLabel } from '../names.ts';
import type { FormHandle } from './render.ts';

const FILES_PREFIX = 'files::';

/** The form's values with every picked file uploaded and replaced by its reference. */
export async function uploadPickedFiles(handle: FormHandle, data: Record<string, unknown>): Promise<Record<string, unknown>> {
  const registry = (handle.form as any).get('fileRegistry', false) as { getFiles(key: string): File[] } | null;
  const out: Record<string, unknown> = { ...data };
  for (const [key, value] of Object.entries(data)) {
    if (typeof value !== 'string' || !value.startsWith(FILES_PREFIX)) continue;
    const files = registry?.getFiles(value) ?? [];
    const refs = [];
    for (const file of files) {
      const a = await api.upload<Attachment>('/api/attachments', file);
      refs.push({ id: a.id, name: a.name, size: a.size, sha256: a.sha256 });
    }
    out[key] = refs.length ? refs : null;
  }
  return out;
}

const sizeText = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : `${Math.max(1, Math.round(n / 1024))} KB`);

/** The case's attachments as a card (nothing when it has none or the caller may not read them). */
export async function attachmentsCard(instanceId: string): Promise<HTMLElement | null> {
  const res = await api.get<{ items: Attachment[] }>(`/api/process-instances/${encodeURIComponent(instanceId)}/attachments`).catch(() => null);
  if (!res?.items.length) return null;
  return h(
    'div',
    { class: 'card attachments-card' },
    h('h2', `附件（${res.items.length}）`),
    h(
      'ul',
      { class: 'attachment-list' },
      res.items.map((a) =>
        h(
          'li',
          { 'data-attachment': a.id },
          h('a', { href: `/api/attachments/${encodeURIComponent(a.id)}`, download: a.name }, a.name),
          h('small', { class: 'hint' }, ` ${sizeText(a.size)} · ${userLabel(a.uploadedBy)} 上传于 ${fmtDateTime(a.uploadedAt)} · SHA-256 ${a.sha256.slice(0, 12)}…`),
        ),
      ),
    ),
  );
}
