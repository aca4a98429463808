// help.js: the help page: the process description of the 2017 help document (问题学籍处理流程帮助) and its flow chart (SPEC §6).
import { t, currentLang, extend } from './i18n.js';
import { h, replace } from './dom.js';
import { rules, rulesNow, evidenceLimitText } from './rules.js';
import { label } from './ui.js';

extend({
  zh: {
    'help.title': '问题学籍处理流程帮助',
    'help.flow': '问题学籍处理流程图',
    'help.flow.desc': '下表以文字列出流程图中的每一步：从哪个状态、经过什么操作、由谁办理、到哪个状态。',
    'help.table.caption': '流程步骤（文字说明）', 'help.table.from': '当前状态', 'help.table.action': '操作', 'help.table.who': '办理人', 'help.table.to': '之后状态',
    'help.toc': '目录', 'help.back': '返回',
  },
  en: {
    'help.title': 'Help: handling problem student records',
    'help.flow': 'Flow chart of problem-record handling',
    'help.flow.desc': 'The table lists every step of the chart in words: from which state, by which action, by whom, to which state.',
    'help.table.caption': 'The steps in words', 'help.table.from': 'State', 'help.table.action': 'Action', 'help.table.who': 'Who', 'help.table.to': 'Next state',
    'help.toc': 'Contents', 'help.back': 'Back',
  },
});

/* The process description, after the April 2017 help document and its annex (SPEC.md restates it as R1–R30); {mb} and
 * {days} are the service's own limits (GET /api/v1/rules), filled in when drawn. */
const TEXT = {
  zh: [
    ['h2', '一、概述'],
    ['p', '全国中小学生学籍信息管理系统自 2014 年起全国联网运行，各类问题学籍已大幅减少，但仍有少量遗留问题学籍需要限期消化处理。本帮助说明问题学籍的处理流程。'],
    ['p', '问题学籍类型：身份证件号重复、身份证件号错误（件号不存在、件号与姓名不匹配）、身份证件号已发生变更、姓名性别出生日期重复。'],
    ['p', '处理方式：佐证、变更、删除。'],
    ['ul', [
      '删除：确认录入的学籍信息是重复的或虚假的。',
      '变更：确认是由于疏忽录入错误而造成问题学籍。',
      '佐证：确认录入的学籍信息是真实的，但在系统中确实与其他学生重复。',
    ]],
    ['h2', '二、2017 年起变化的处理规则'],
    ['h3', '1. L、G 字头学籍号学生均可进行佐证'],
    ['p', 'L 字头学籍号学生与 G 字头学籍号学生重复时，如果 L 学籍号学生信息无误，可以上传证明材料进行佐证；双 G 学籍号学生重复时处理类似。随后由学校主管教育局按常规流程审核学校提出的佐证。'],
    ['h3', '2. G 字头学籍号学生可删除'],
    ['p', '如果 G 学籍号学生经确认已不在本校实际就读，可以进行删除：提示“确认删除？”后需再次确认。学校主管教育局在问题学籍处理审核界面审核学校的删除申请。'],
    ['h3', '3. 问题学籍佐证后发起重新处理'],
    ['p', '一组问题学籍处理完毕后（含跨省问题学籍单方处理完毕），如发现佐证有问题需要重新处理（例如应删除却错误地进行了佐证并已审核通过），可对本校的记录“发起重新处理”。'],
    ['p', '如果“是否需要仲裁”处显示“等待”，说明该组问题学籍尚未处理完毕，不能发起重新处理：需要先联系对方学校进行处理，或联系主管教育局完成审核或仲裁。'],
    ['p', '发起重新处理需确认两次。成功后，本校会看到一条新的待处理问题学籍，由本校发起处理申请、本校主管教育局审核；另一方学校及其主管教育局无需操作。'],
    ['h3', '4. 身份证件号已发生变更的处理'],
    ['p', '人口库认证后反馈提交的身份证件号为旧号、人口库记录的号码已变更的，学校需先进行确认，然后按实际情况进行佐证、变更或删除。'],
    ['h2', '三、问题学籍处理流程总体说明'],
    ['p', '根据学籍管理办法，学校不得以虚假信息建立学生学籍，不得重复建立学籍。系统对学校录入的学生信息自动查重，生成问题学籍。'],
    ['ul', [
      '身份证件号错误：处理方式为变更和删除。',
      '有身份证件号的学籍重复（两个以上学生的身份证件号完全一致）：处理方式为佐证、变更和删除。',
      '无身份证件号的学籍重复（两个以上学生的姓名、性别、出生日期完全一致）：处理方式为佐证、变更和删除。',
    ]],
    ['h3', '删除'],
    ['p', '第一种情况：学籍尚未经主管部门核办，确认需要删除的：学校学籍管理员提交删除申请，学校学籍主管领导确认，即完成删除。'],
    ['p', '第二种情况：与已核办通过的学生重复，且已核办通过的学生确认需要删除的：该生所在学校的学籍管理员提交删除申请，学校学籍主管领导确认，学籍主管部门再进行核办，核办同意后完成删除。'],
    ['h3', '变更'],
    ['p', '学校学籍管理员提交学生信息变更申请，并上传学生或家长提供的证明材料；学籍主管部门核办通过后，学生信息即发生变化；核办不通过则被驳回，学校需按核办意见重新处理。'],
    ['h3', '佐证'],
    ['p', '身份证件号重复、双方学校都认为本校学生正确的：'],
    ['ul', [
      '同一区县的学校：双方提交佐证申请及证明材料，学籍主管部门核办，只能通过一个，另一个自动不通过。',
      '不同区县的学校：两个学籍主管部门分别核办，原则上只能通过一个；如双方都核办通过，则由两个主管部门的共同上级进行仲裁，仲裁只能通过一个，另一个自动不通过。因公安户籍部门原因造成身份证件号重复的，其中一个学生需到公安户籍部门变更身份证件号。',
    ]],
    ['p', '无身份证件号重复（姓名性别出生日期重复）、双方都认为本校学生正确的：各自提交佐证申请，核办时可以都通过。'],
    ['p', '学校和学籍主管部门须严格核实学生相关材料，对学生信息的真实性负责。'],
    ['h2', '四、注意事项'],
    ['h3', '查重规则'],
    ['p', '身份证件类型为居民身份证且有证件号的，按身份证件号查重；选择其他证件类型的，无论是否填写证件号，均按姓名、性别、出生日期组合查重。非居民身份证的学生需提供相关证明材料，由学校和学籍主管部门留存。'],
    ['h3', '证明材料'],
    ['p', '证明材料只能是 DOC、RAR、JPG 文件，每个文件不超过 {mb}，可以上传多个文件。'],
    ['h3', '仲裁'],
    ['p', '仲裁主要针对身份证件号重复：双方学校、学籍主管部门都认为本辖区学生信息真实且都核办通过时，由共同上级根据双方证明材料进行最后认定，只能核准一个，其余驳回，由学校重新处理。'],
    ['h2', '五、操作说明'],
    ['ul', [
      '打开“问题学籍处理”，可按类型和状态查询本校所有问题学籍。',
      '点击“查看”，可以看到与该学生重复的其他学生的简要信息（问题类型、所在学校等）和本组“是否需要仲裁”的状态。',
      '变更：填写变更后的信息，上传变更材料（每个不超过 {mb}，可多个），保存后提交主管部门核办。',
      '佐证：填写学校意见，上传佐证材料，保存后上报主管部门核办。',
      '删除：点击删除，确认两次后提交；由学校学籍主管领导确认。',
      '核办不通过的记录会显示不通过的原因，学校必须按核办意见重新处理。',
      '每一步应在 {days} 个工作日内办理，超期的记录会醒目显示。',
    ]],
  ],
  en: [
    ['h2', '1. Overview'],
    ['p', 'The national student registry has run nationwide since 2014; problem records have fallen sharply, but some legacy problem records remain and must be cleared by a deadline. This help describes how they are handled.'],
    ['p', 'Problem types: ID number duplicate; ID number error (number does not exist, number does not match the name); ID number changed; name-gender-birth duplicate.'],
    ['p', 'Handling: corroborate, change, delete.'],
    ['ul', [
      'Delete: the record is a duplicate or false.',
      'Change: the record was entered wrongly by mistake.',
      'Corroborate: the record is true, although it clashes with another student in the registry.',
    ]],
    ['h2', '2. Rules changed in 2017'],
    ['h3', '2.1 Students with L and G numbers may both corroborate'],
    ['p', 'When a student with an L number clashes with one with a G number and the L record is correct, the school may corroborate it with evidence; two G numbers are handled alike. The school\'s bureau then reviews the corroboration as usual.'],
    ['h3', '2.2 A student with a G number may be deleted'],
    ['p', 'If a G-number student no longer attends the school, the school may delete the record: it confirms "delete?" and then confirms again. The bureau reviews the deletion request.'],
    ['h3', '2.3 Re-opening a corroborated record'],
    ['p', 'After a group is done (or, across provinces, once the school\'s own side is done), a school that finds its handling was wrong (e.g. it corroborated a record that should have been deleted, and the bureau approved it) may re-open its own record.'],
    ['p', 'While "Arbitration needed" shows "Waiting", the group is not done and cannot be re-opened: contact the other school, or ask the bureau to finish its review or arbitration.'],
    ['p', 'Re-opening needs two confirmations. It creates a new problem record for this school alone: this school handles it and its bureau reviews it; the other school and its bureau are not involved.'],
    ['h3', '2.4 ID number changed'],
    ['p', 'When the population register reports that the submitted number is an old one and gives the current number, the school first confirms this finding, then corroborates, changes or deletes as the facts require.'],
    ['h2', '3. The process in general'],
    ['p', 'Schools may not register students with false information or register a student twice. The system checks every record for duplicates and opens problem records.'],
    ['ul', [
      'ID number error: change or delete.',
      'Duplicate with an ID number (two or more records share the number): corroborate, change or delete.',
      'Duplicate without an ID number (same name, gender and date of birth): corroborate, change or delete.',
    ]],
    ['h3', 'Delete'],
    ['p', 'A record never approved by the bureau: the registrar submits the deletion, the school leader confirms it, and it is deleted.'],
    ['p', 'A record already approved: the registrar submits, the school leader confirms, then the bureau reviews; its approval deletes the record.'],
    ['h3', 'Change'],
    ['p', 'The registrar submits the new values with evidence from the student or parents; when the bureau approves, the record takes the new values; when it rejects, the request returns to the school with the reason, to be handled again.'],
    ['h3', 'Corroborate'],
    ['p', 'ID number duplicates where both schools believe their record is right:'],
    ['ul', [
      'Schools in the same county: both submit corroborations with evidence; the bureau approves at most one, the others are rejected automatically.',
      'Schools in different counties: each bureau reviews its own school; if both approve, their common superior arbitrates and approves exactly one; the others are rejected. Where the police register caused the duplicate, the other student must obtain a new ID number and is handled by change.',
    ]],
    ['p', 'Name-gender-birth duplicates where both schools believe their record is right: each corroborates, and all may be approved.'],
    ['p', 'Schools and bureaus must verify the evidence and are responsible for the truth of student records.'],
    ['h2', '4. Notes'],
    ['h3', 'Duplicate rule'],
    ['p', 'A record with a resident ID card number is matched on the number; a record of any other ID type is matched on name, gender and date of birth, whether or not a number is filled in. Such students provide proof, kept by the school and the bureau.'],
    ['h3', 'Evidence'],
    ['p', 'Evidence files must be DOC, RAR or JPG, at most {mb} each; several files may be uploaded.'],
    ['h3', 'Arbitration'],
    ['p', 'Arbitration concerns ID number duplicates that both schools and both bureaus approved: the common superior decides from both sides\' evidence, approves exactly one, and the others return to their schools.'],
    ['h2', '5. Using the screens'],
    ['ul', [
      'Open "Problem records" to list all of your school\'s problem records by type and state.',
      'Click "View" to see the other clashing records (type, their school, short facts) and the group\'s "Arbitration needed" state.',
      'Change: enter the new values, upload evidence (at most {mb} each, several allowed), and submit it for review.',
      'Corroborate: enter the school\'s opinion, upload evidence, and submit it for review.',
      'Delete: click Delete and confirm twice; the school leader then confirms.',
      'A rejected request shows the reason; the school must handle the record again.',
      'Each step is due within {days} working days; overdue records stand out.',
    ]],
  ],
};

/* Flow chart of SPEC §6: member states (boxes) and the actions between them (arrows). */
const NODES = {
  unconfirmed: { x: 30, y: 20, zh: '待确认变更', en: 'Change to confirm', sub: 'unconfirmed' },
  open: { x: 400, y: 20, zh: '待处理', en: 'To handle', sub: 'open' },
  awaiting_leader: { x: 30, y: 200, zh: '待领导确认', en: 'Awaiting leader', sub: 'awaiting_leader' },
  awaiting_review: { x: 400, y: 200, zh: '待核办', en: 'Awaiting review', sub: 'awaiting_review' },
  deleted: { x: 30, y: 400, zh: '已删除', en: 'Deleted', sub: 'deleted', final: true },
  changed: { x: 270, y: 400, zh: '已变更', en: 'Changed', sub: 'changed', final: true },
  approved: { x: 510, y: 400, zh: '核办通过', en: 'Approved', sub: 'approved' },
  arbitration: { x: 790, y: 400, zh: '等待仲裁（组）', en: 'Awaiting arbitration', sub: 'group: awaiting_arbitration' },
  upheld: { x: 790, y: 560, zh: '仲裁通过', en: 'Upheld', sub: 'upheld', final: true },
  reopen: { x: 790, y: 20, zh: '发起重新处理', en: 'Re-open', sub: 'R22: group done', note: true },
};
const W = 180, H = 54;
const EDGES = [
  { from: 'unconfirmed', to: 'open', fs: 'r', ts: 'l', zh: '确认人口库结果', en: 'confirm finding', who: 'clerk', rule: 'R11' },
  { from: 'open', to: 'awaiting_leader', fs: 'b', fo: -50, ts: 't', to_: 50, zh: '提交删除', en: 'submit deletion', who: 'clerk', rule: 'R13', ly: -12 },
  { from: 'awaiting_leader', to: 'open', fs: 't', fo: -40, ts: 'l', to_: 14, curve: [110, 100], zh: '领导不同意', en: 'leader declines', who: 'leader', rule: 'R13' },
  { from: 'open', to: 'awaiting_review', fs: 'b', ts: 't', zh: '提交变更/佐证（附证明材料）', en: 'submit change / corroboration + evidence', who: 'clerk', rule: 'R15 R16', lx: -8, ly: 20, anchor: 'end' },
  { from: 'awaiting_review', to: 'open', fs: 't', fo: 60, ts: 'b', to_: 60, zh: '不通过（须写明原因）', en: 'reject (reason required)', who: 'county', rule: 'R20', lx: 8, ly: 40, anchor: 'start' },
  { from: 'awaiting_leader', to: 'awaiting_review', fs: 'r', ts: 'l', zh: '领导确认（曾核办通过）', en: 'leader confirms (approved before)', who: 'leader', rule: 'R14' },
  { from: 'awaiting_leader', to: 'deleted', fs: 'b', ts: 't', zh: '领导确认（未核办过）', en: 'leader confirms (never approved)', who: 'leader', rule: 'R13', lx: 8, anchor: 'start' },
  { from: 'awaiting_review', to: 'deleted', fs: 'b', fo: -60, ts: 't', to_: 60, zh: '通过：删除', en: 'approve: delete', who: 'county', rule: 'R14' },
  { from: 'awaiting_review', to: 'changed', fs: 'b', fo: -20, ts: 't', zh: '通过：变更', en: 'approve: change', who: 'county', rule: 'R15', lx: 12 },
  { from: 'awaiting_review', to: 'approved', fs: 'b', fo: 40, ts: 't', zh: '通过：佐证', en: 'approve: corroboration', who: 'county', rule: 'R16', lx: 10 },
  { from: 'approved', to: 'open', fs: 'r', ts: 'r', to_: 12, curve: [760, 110], zh: '同区县已通过另一个：自动不通过', en: 'another approved: auto-rejected', who: 'system', rule: 'R17', at: [712, 282] },
  { from: 'approved', to: 'arbitration', fs: 'r', ts: 'l', zh: '跨区县均通过', en: 'approved on both sides', who: 'system', rule: 'R18', ly: -8 },
  { from: 'arbitration', to: 'upheld', fs: 'b', ts: 't', zh: '仲裁选定一个', en: 'arbitrator picks one', who: 'bureau', rule: 'R18', lx: 8, anchor: 'start' },
  { from: 'arbitration', to: 'open', fs: 't', ts: 'r', to_: 22, curve: [900, 130], zh: '仲裁：其余驳回（附原因）', en: 'arbitration: others rejected', who: 'bureau', rule: 'R18 R20', lx: 10 },
  { from: 'reopen', to: 'open', fs: 'l', ts: 'r', to_: -12, dashed: true, zh: '两次确认后：本校新的问题学籍', en: 'two confirmations: a new case', who: 'clerk', rule: 'R22', ly: -8 },
];

/** Point on a node's side ('t','b','l','r') shifted by off along it. */
function anchor(n, side, off = 0) {
  if (side === 't') return [n.x + W / 2 + off, n.y];
  if (side === 'b') return [n.x + W / 2 + off, n.y + H];
  if (side === 'l') return [n.x, n.y + H / 2 + off];
  return [n.x + W, n.y + H / 2 + off];
}

const NS = 'http://www.w3.org/2000/svg';
/** An SVG element with attributes (text only via textContent). */
function s(tag, attrs = {}, ...kids) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  for (const k of kids) el.append(k);
  return el;
}
function stext(x, y, str, attrs = {}) { const el = s('text', { x, y, ...attrs }); el.textContent = str; return el; }

/** The flow chart as inline SVG, built with DOM APIs (no innerHTML). @param {'zh'|'en'} lang */
export function flowChart(lang) {
  const title = s('title', { id: 'flow-title' }); title.textContent = t('help.flow');
  const desc = s('desc', { id: 'flow-desc' }); desc.textContent = t('help.flow.desc');
  const svg = s('svg', { viewBox: '0 0 1000 630', class: 'flow', role: 'img', 'aria-labelledby': 'flow-title flow-desc' }, title, desc);
  svg.dataset.flow = '';
  svg.append(s('defs', {}, s('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: 'auto-start-reverse' },
    s('path', { d: 'M0,0 L10,5 L0,10 z', class: 'flow-head' }))));
  for (const e of EDGES) {
    const a = NODES[e.from], b = NODES[e.to];
    const [x1, y1] = anchor(a, e.fs, e.fo);
    const [x2, y2] = anchor(b, e.ts, e.to_ ?? (e.fs === e.ts ? 0 : e.fo));
    let d, mx, my;
    if (e.curve) {
      const [cx, cy] = e.curve;
      d = `M${x1},${y1} Q${cx},${cy} ${x2},${y2}`;
      mx = 0.25 * x1 + 0.5 * cx + 0.25 * x2; my = 0.25 * y1 + 0.5 * cy + 0.25 * y2;
    } else {
      d = `M${x1},${y1} L${x2},${y2}`;
      mx = (x1 + x2) / 2; my = (y1 + y2) / 2;
    }
    const g = s('g', { class: 'flow-edge' + (e.dashed ? ' dashed' : '') });
    g.append(s('path', { d, 'marker-end': 'url(#arrow)', fill: 'none' }));
    if (e.at) [mx, my] = e.at;
    g.append(stext(mx + (e.lx ?? 0), my + (e.ly ?? -6), `${e[lang]}`, { 'text-anchor': e.anchor || 'middle', class: 'flow-label', 'paint-order': 'stroke' }));
    svg.append(g);
  }
  for (const [key, n] of Object.entries(NODES)) {
    const g = s('g', { class: 'flow-node' + (n.final ? ' final' : '') + (n.note ? ' note' : ''), 'data-state': key });
    g.append(s('rect', { x: n.x, y: n.y, width: W, height: H, rx: 8 }));
    // (the state's internal code stays in data-state: a registrar reads only the name, issue 11 item 10)
    g.append(stext(n.x + W / 2, n.y + H / 2 + 5, n[lang], { 'text-anchor': 'middle', class: 'flow-name' }));
    svg.append(g);
  }
  return svg;
}

const WHO = {
  zh: { clerk: '学校学籍管理员', leader: '学校学籍主管领导', county: '区县学籍主管部门', arbiter: '共同上级（仲裁）', system: '系统自动' },
  en: { clerk: 'School registrar', leader: 'School leader', county: 'County bureau', arbiter: 'Common superior (arbitration)', system: 'System' },
};

/**
 * Every step of the workflow as a table, drawn from the service's own transition table (GET /api/v1/rules, the one
 * place of the rules: fcgi/workflow.c), for readers who cannot see the chart. @param {'zh'|'en'} lang
 */
function flowTable(lang) {
  const body = h('tbody', {});
  const table = h('table', { class: 'flow-table', data: { flowTable: '' } },
    h('caption', {}, t('help.table.caption')),
    h('thead', {}, h('tr', {}, ['help.table.from', 'help.table.action', 'help.table.who', 'help.table.to'].map((k) => h('th', { scope: 'col' }, t(k))))),
    body);
  rules().then((r) => {
    const rows = (r?.workflow?.transitions || []).map((x) => h('tr', { data: { transition: `${x.from}>${x.action}>${x.to}` } },
      // (the rule numbers are the specification's, not the registrar's: not shown, issue 11 item 10)
      h('td', {}, label('mstate', x.from)), h('td', {}, label('act', x.action)),
      h('td', {}, x.actors.map((a) => WHO[lang][a] || a).join(lang === 'en' ? ', ' : '、')), h('td', {}, label('mstate', x.to))));
    replace(body, rows);
    table.dataset.ready = String(rows.length);
  }).catch(() => { table.dataset.ready = '0'; });
  return table;
}

/** Render the help page into main. @param {HTMLElement} main */
export function renderHelp(main) {
  const lang = currentLang() === 'en' ? 'en' : 'zh';
  const body = h('div', { class: 'help-text' });
  const vars = { mb: evidenceLimitText(), days: rulesNow().calendar.due_working_days };
  const fill = (text) => text.replace(/\{(mb|days)\}/g, (_, k) => String(vars[k]));
  for (const [tag, content] of TEXT[lang]) {
    if (tag === 'ul') body.append(h('ul', {}, content.map((li) => h('li', {}, fill(li)))));
    else body.append(h(tag, {}, fill(content)));
  }
  const back = h('button', { type: 'button', class: 'linkbtn dark', data: { helpBack: '' } }, t('help.back'));
  back.addEventListener('click', () => { if (history.length > 1) history.back(); else location.hash = '#/'; });
  replace(main, h('article', { class: 'card help', data: { help: '' } },
    h('h1', {}, t('help.title')),
    h('p', {}, back),
    h('figure', { class: 'flowfig' }, flowChart(lang), h('figcaption', {}, t('help.flow'))),
    flowTable(lang),
    body));
}
