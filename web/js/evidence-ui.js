// views/evidence-ui.js: evidence on screen (R23): JPEG shown inline, DOC and RAR downloaded; a picker that checks files and uploads them with progress.
import { t, extend } from './i18n.js';
import { h, replace } from './dom.js';
import { checkEvidence, EVIDENCE_MESSAGES } from './evidence.js';
import { rules, evidenceLimitText } from './rules.js';
import { upload } from './upload.js';
import { errorText } from './shell.js';
import { api } from './api.js';
import { downloadLink } from './ui.js';

extend(EVIDENCE_MESSAGES);
extend({
  zh: {
    'ev.pick': '证明材料（DOC、RAR 或 JPG，每个不超过 {mb}，可选多个）', 'ev.download': '下载', 'ev.uploading': '正在上传 {name}',
    'ev.uploaded': '已上传', 'ev.remove': '移除', 'ev.reused_here': '注意：相同文件也被您辖区内其他 {n} 个问题学籍组引用', 'ev.group_link': '问题学籍组 #{id}', 'ev.size': '{kb} KB',
    'ev.preview': '证明材料预览：{name}', 'ev.full': '点击图片查看原图', 'ev.download_named': '下载：{name}',
    'ev.too_many_pixels': '图片过大（{w}×{h} 像素），不在页面中显示，请下载后查看',
  },
  en: {
    'ev.pick': 'Evidence (DOC, RAR or JPG, at most {mb} each, several allowed)', 'ev.download': 'Download', 'ev.uploading': 'Uploading {name}',
    'ev.uploaded': 'Uploaded', 'ev.remove': 'Remove', 'ev.reused_here': 'Note: the same file is also cited by {n} other problem groups in your jurisdiction', 'ev.group_link': 'Problem group #{id}', 'ev.size': '{kb} KB',
    'ev.preview': 'Evidence preview: {name}', 'ev.full': 'Click the image to open it full size', 'ev.download_named': 'Download: {name}',
    'ev.too_many_pixels': 'Image too large to show here ({w} × {h} pixels): download it to view',
  },
});

const tf = (k, v) => t(k).replace(/\{(\w+)\}/g, (_, x) => String(v?.[x] ?? ''));

/** Is this evidence a JPEG (by the server's type, which it took from the content)? */
const isJpeg = (e) => /jpe?g/i.test(e.mime || e.kind || '') || (!e.mime && !e.kind && /\.jpe?g$/i.test(e.orig_name || e.name || ''));

/**
 * The list item of one evidence file: a JPEG the service marks previewable (meta.preview: at most
 * rules().limits.jpeg_preview_pixels, issue 11 item 16) is shown inline and opens full size in a new tab; a
 * larger one is a download only (never decoded here); DOC and RAR are download links.
 */
function evidenceItem(e) {
  const url = `/api/v1/evidence/${encodeURIComponent(e.id)}`;
  const name = e.name || e.orig_name || e.download_name || `#${e.id}`;
  const size = e.size ? ` · ${tf('ev.size', { kb: Math.ceil(e.size / 1024) })}` : '';
  const link = downloadLink(url, e.download_name || name, tf('ev.download_named', { name }), { data: { evidenceLink: e.id } });
  // reuse check (issue 11 item 8): the other groups within the viewer's jurisdiction, linked (the service counts no others)
  const ru = e.reuse;
  const reused = ru?.cited_elsewhere ? h('span', { class: 'reuse', data: { evidenceReuse: e.id } }, h('span', { class: 'badge warn' }, tf('ev.reused_here', { n: ru.groups_total })), ' ',
    (ru.groups || []).flatMap((g) => [h('a', { href: `#/groups/${encodeURIComponent(g)}`, data: { reuseGroup: g } }, tf('ev.group_link', { id: g })), ' '])) : null;
  if (isJpeg(e) && e.preview === true) {
    const img = h('img', { src: url + '?inline=1', alt: tf('ev.preview', { name }), title: t('ev.full'), loading: 'lazy', data: { evidencePreview: e.id } });
    const full = h('a', { href: url + '?inline=1', target: '_blank', rel: 'noopener', class: 'evidence-full', data: { evidenceFull: e.id } }, img);
    return [full, link, size, reused];
  }
  if (isJpeg(e) && e.preview === false) {
    const note = e.width && e.height ? h('span', { class: 'hint', data: { evidenceNoPreview: e.id } }, tf('ev.too_many_pixels', { w: e.width, h: e.height })) : null;
    return [link, size, note, reused];
  }
  return [link, size, reused];
}

/**
 * Evidence files of a record: JPEG previews inline, DOC and RAR as download links. Items may be objects
 * {id, name, mime, kind, size} or bare ids, whose metadata is fetched (GET /api/v1/evidence/{id}/meta, leaving
 * opts.groupId, the group on screen, out of the reuse check).
 * @param {any[]} list @param {{groupId?: any}} [opts]
 */
export function evidenceList(list, opts = {}) {
  const q = opts.groupId !== undefined && opts.groupId !== null ? `?group_id=${encodeURIComponent(opts.groupId)}` : '';
  return h('ul', { class: 'evidence-list', data: { evidence: '' } }, list.map((raw) => {
    const e = typeof raw === 'object' ? raw : { id: raw };
    const li = h('li', { data: { evidenceId: e.id } }, evidenceItem(e));
    if ((!e.mime && !e.kind) || (isJpeg(e) && e.preview === undefined)) {
      api('GET', `/api/v1/evidence/${encodeURIComponent(e.id)}/meta${q}`).then((meta) => replace(li, evidenceItem({ ...meta, id: e.id }))).catch(() => { /* the link stays */ });
    }
    return li;
  }));
}

let seq = 0;

/**
 * A file picker for evidence: each chosen file is checked at once (type by content, size) and shown with
 * its verdict; uploadAll() sends the good ones one by one with a progress bar and resolves to their ids.
 */
export function evidencePicker() {
  const id = `evidence-${++seq}`;
  const input = h('input', { id, type: 'file', multiple: true, accept: '.jpg,.jpeg,.doc,.rar,image/jpeg,application/msword,application/vnd.rar,application/x-rar-compressed', data: { evidenceInput: '' } });
  const listEl = h('ul', { class: 'evidence-list', 'aria-live': 'polite', data: { evidenceFiles: '' } });
  /** @type {{file: File, ok: boolean, code: string, id?: any, row: HTMLElement, bar: HTMLProgressElement}[]} */
  let files = [];
  /** the checks of the files last chosen (a submit waits for them: a fast click must not find the list empty) */
  let checking = Promise.resolve();
  function drawRow(f) {
    const bar = /** @type {HTMLProgressElement} */ (h('progress', { class: 'progress', max: f.file.size || 1, value: 0, hidden: true, 'aria-label': tf('ev.uploading', { name: f.file.name }) }));
    const remove = h('button', { type: 'button', class: 'linkbtn dark' }, t('ev.remove'));
    remove.addEventListener('click', () => { files = files.filter((x) => x !== f); f.row.remove(); input.focus(); });
    const verdict = h('span', { class: 'hint ' + (f.ok ? 'ok' : 'bad'), data: { verdict: f.code } }, tf('ev.' + f.code, { mb: evidenceLimitText() }));
    f.bar = bar;
    f.row = h('li', { class: 'file-row', data: { file: f.file.name } },
      h('span', {}, `${f.file.name} · ${tf('ev.size', { kb: Math.ceil(f.file.size / 1024) })} · `, verdict), remove, bar);
    return f.row;
  }
  input.addEventListener('change', () => {
    const chosen = [...input.files];
    input.value = '';
    checking = checking.then(async () => {
      for (const file of chosen) {
        const r = await checkEvidence(file, (await rules()).limits.evidence_file_bytes);
        const f = { file, ok: r.ok, code: r.code, row: null, bar: null };
        files.push(f);
        listEl.append(drawRow(f));
      }
    }).catch(() => {});
  });
  const el = h('div', { class: 'field' }, h('label', { for: id }, tf('ev.pick', { mb: evidenceLimitText() })), input, listEl);
  return {
    el,
    focus: () => input.focus(),
    /** Resolves when every chosen file has been checked. */
    checked: () => checking,
    hasFiles: () => files.length > 0,
    allValid: () => files.every((f) => f.ok),
    /** Upload every file not yet uploaded; resolves to all ids (R23: the server checks again). */
    async uploadAll() {
      const ids = [];
      for (const f of files) {
        if (f.id === undefined) {
          f.bar.hidden = false;
          const fd = new FormData();
          fd.append('files', f.file, f.file.name);
          let r;
          try {
            r = await upload('POST', '/api/v1/evidence', fd, { onProgress: (sent) => { f.bar.value = sent; } });
          } catch (e) {
            const v = f.row.querySelector('[data-verdict]');
            v.textContent = errorText(e);
            v.className = 'hint bad';
            f.bar.hidden = true;
            throw e;
          }
          const got = Array.isArray(r) ? r[0] : Array.isArray(r?.items) ? r.items[0] : (r?.evidence && !Array.isArray(r.evidence) ? r.evidence : r);
          f.id = got?.id;
          f.bar.value = f.bar.max;
          const v = f.row.querySelector('[data-verdict]');
          v.textContent = t('ev.uploaded');
          v.dataset.verdict = 'uploaded';
        }
        ids.push(f.id);
      }
      return ids;
    },
    reset() { files = []; replace(listEl); },
  };
}
