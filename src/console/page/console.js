// The operator console's page (issue 11): plain DOM, no framework, no inline script (the CSP
// allows none). Everything it shows comes from /api/ (docs/console.md); it listens to
// /api/events and reloads what it shows when the state changes, without reloading the page.

const STATES = ['discovered', 'extracted', 'rejected', 'queued', 'uploading', 'processing', 'ready', 'errored', 'failed', 'deleting', 'gone', 'duplicate'];
const CONDITIONS = {
  'waiting-for-budget': '⏳ waiting for budget',
  'rate-limited': '⛔ rate-limited (429)',
  'quota-paused': '⏸ quota paused',
  'source-paused': '⏸ source paused',
  retrying: '↻ retrying',
  failed: '✖ failed',
  'previous-live': '✖ failed, previous version live',
};

const view = {
  csrf: '',
  carriedOut: 'now',
  query: { q: '', state: '', source: '', sort: 'path', order: 'asc', offset: 0, limit: 50 },
  total: 0,
  selected: null,
  sources: [],
};

const $ = (id) => document.getElementById(id);

/** Builds an element; text children are text nodes (never parsed as HTML). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else node.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS('http://www.w3.org/2000/svg', tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  for (const child of children.flat()) if (child) node.append(child);
  return node;
}

// ── time ────────────────────────────────────────────────────────────────────
const absolute = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const clockTime = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'short' });

function relativeTime(iso) {
  const seconds = Math.round((Date.parse(iso) - Date.now()) / 1000);
  const abs = Math.abs(seconds);
  if (abs < 45) return seconds >= 0 ? relative.format(seconds, 'second') : relative.format(seconds, 'second');
  if (abs < 3600) return relative.format(Math.round(seconds / 60), 'minute');
  if (abs < 86400) return relative.format(Math.round(seconds / 3600), 'hour');
  return relative.format(Math.round(seconds / 86400), 'day');
}

function timeEl(iso) {
  if (!iso) return '–';
  return el('time', { datetime: iso, title: absolute.format(new Date(iso)) }, relativeTime(iso));
}

function size(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

// ── API ─────────────────────────────────────────────────────────────────────
async function api(path, options = {}) {
  const response = await fetch(path, { credentials: 'same-origin', ...options, headers: { Accept: 'application/json', ...options.headers } });
  if (response.status === 401) {
    window.location.assign('/');
    throw new Error('signed out');
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new Error(body.error?.message ?? `HTTP ${response.status}`);
    error.code = body.error?.code;
    throw error;
  }
  return body;
}

async function loadSession() {
  const session = await api('/api/session');
  view.csrf = session.csrfToken;
  view.carriedOut = session.carriedOut;
  view.sources = session.sources;
}

async function act(name, body, confirmText) {
  if (confirmText && !window.confirm(confirmText)) return null;
  const send = () => api(`/api/actions/${name}`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': view.csrf }, body: JSON.stringify(body) });
  try {
    let result;
    try {
      result = await send();
    } catch (error) {
      if (error.code !== 'CSRF_REFUSED') throw error;
      await loadSession();
      result = await send();
    }
    notify(describeAction(name, result));
    await refresh();
    return result;
  } catch (error) {
    notify(`${name} failed: ${error.message}`, true);
    return null;
  }
}

function describeAction(name, result) {
  const later = result.carriedOut === 'next-run' ? ' The next run carries it out (no daemon serves this console).' : '';
  switch (name) {
    case 'retry': return `Re-queued ${result.requeued.length} document(s).${later}`;
    case 'approve-deletes': return `Approved ${result.approved.reduce((n, a) => n + a.documents, 0)} held delete(s).${later}`;
    case 'pause': return `Paused ${result.source}: it is scanned, but nothing is uploaded or deleted for it.`;
    case 'resume': return `Resumed ${result.source}.${later}`;
    case 'sync-now': return `Rescan requested.${later}`;
    default: return 'Done.';
  }
}

function notify(text, error = false) {
  const notice = $('notice');
  notice.textContent = text;
  notice.className = error ? 'notice notice-error' : 'notice';
  notice.hidden = false;
}

// ── totals ──────────────────────────────────────────────────────────────────
async function loadTotals() {
  const data = await api('/api/totals');
  const body = $('totals').tBodies[0];
  const rows = data.sources.map((s) =>
    el('tr', {},
      el('th', { scope: 'row' }, s.name, holderLabel(s.holder), s.paused ? el('span', { class: 'cond cond-source-paused' }, '⏸ paused') : null),
      ...['ready', 'processing', 'queued', 'failed', 'rejected'].map((k) => el('td', { class: 'num', 'data-label': k }, String(s.totals[k]))),
      el('td', {}, s.paused
        ? el('button', { type: 'button', onclick: () => act('resume', { source: s.name }) }, `Resume ${s.name}`)
        : el('button', { type: 'button', onclick: () => act('pause', { source: s.name }) }, `Pause ${s.name}`)),
    ));
  rows.push(el('tr', {}, el('th', { scope: 'row' }, 'All'), ...['ready', 'processing', 'queued', 'failed', 'rejected'].map((k) => el('td', { class: 'num' }, String(data.totals[k]))), el('td')));
  body.replaceChildren(...rows);
  renderHosts(data.hosts);
  const pending = data.pendingActions.map((a) => `${a.kind}${a.source ? ` of ${a.source}` : ''} (asked ${relativeTime(a.requestedAt)})`);
  $('pending').textContent = pending.length ? `Waiting for the next run: ${pending.join(', ')}` : '';
  const select = document.querySelector('#filters select[name=source]');
  if (select.options.length === 1) for (const s of data.sources) select.append(el('option', { value: s.name }, s.name));
}

/** Which host holds a source, once several hosts share the state. */
function holderLabel(holder) {
  if (!holder || !holder.host) return null;
  const standby = holder.standbyFor ? ` (standby for ${holder.standbyFor})` : '';
  return el('span', { class: 'host' }, ` on ${holder.host}${standby}${holder.live ? '' : ', not running'}`);
}

/** Totals per host: shown only when more than one host has held a source of this state. */
function renderHosts(hosts) {
  const list = $('hosts');
  list.hidden = hosts.length < 2;
  list.replaceChildren(...hosts.map((h) => el('li', {},
    el('strong', {}, h.name), h.live ? '' : ' (not running)',
    `: ${h.sources.join(', ')}: ${h.totals.ready} ready, ${h.totals.processing} processing, ${h.totals.queued} queued, ${h.totals.failed} failed`)));
}

// ── budget ──────────────────────────────────────────────────────────────────
async function loadBudget() {
  const b = await api('/api/budget');
  const now = Date.parse(b.now);
  const start = now - b.windowMs;
  const lastQueued = b.queue.documents.length ? Date.parse(b.queue.documents[b.queue.documents.length - 1].startsAt) : now;
  const end = Math.max(now + b.windowMs, Math.min(lastQueued, now + 24 * 3600e3), b.blockedUntil ? Date.parse(b.blockedUntil) : 0);
  const W = 640, H = 150, left = 10, right = W - 10;
  const x = (t) => left + ((t - start) / (end - start)) * (right - left);
  const parts = [];
  for (const pause of b.quotaPauses) {
    const until = pause.until ? Date.parse(pause.until) : end;
    parts.push(svg('rect', { x: x(now), y: 20, width: Math.max(2, x(until) - x(now)), height: 80, fill: '#6b3fa0', opacity: 0.18 }),
      svg('text', { x: x(now) + 4, y: 34, 'font-size': 11, fill: '#6b3fa0' }, document.createTextNode(`quota paused: ${pause.reason}`)));
  }
  if (b.blockedUntil) {
    parts.push(svg('rect', { x: x(now), y: 20, width: Math.max(2, x(Date.parse(b.blockedUntil)) - x(now)), height: 80, fill: '#b34700', opacity: 0.25 }),
      svg('text', { x: x(now) + 4, y: 48, 'font-size': 11, fill: '#b34700' }, document.createTextNode(`429 until ${clockTime.format(new Date(b.blockedUntil))}`)));
  }
  parts.push(svg('line', { x1: left, x2: right, y1: 100, y2: 100, stroke: '#8a96a6' }));
  for (const iso of b.slots) parts.push(svg('rect', { class: 'slot-used', x: x(Date.parse(iso)) - 3, y: 60, width: 6, height: 40, fill: '#1f5fbf' }));
  for (const iso of b.nextFreeSlots) parts.push(svg('circle', { class: 'slot-free', cx: x(Date.parse(iso)), cy: 80, r: 5, fill: '#fff', stroke: '#1e7a3c', 'stroke-width': 2 }));
  for (const q of b.queue.documents) parts.push(svg('rect', { class: 'slot-queued', x: x(Date.parse(q.startsAt)) - 1, y: 104, width: 2, height: 10, fill: '#8fa3bf' }));
  parts.push(svg('line', { x1: x(now), x2: x(now), y1: 14, y2: 118, stroke: '#16202c', 'stroke-dasharray': '3 3' }),
    svg('text', { x: x(now) + 3, y: 14, 'font-size': 11, fill: '#16202c' }, document.createTextNode('now')));
  for (const t of ticks(start, end)) {
    parts.push(svg('line', { x1: x(t), x2: x(t), y1: 100, y2: 124, stroke: '#d8dde4' }),
      svg('text', { x: x(t), y: 138, 'font-size': 11, 'text-anchor': 'middle', fill: '#5b6675' }, document.createTextNode(clockTime.format(new Date(t)))));
  }
  const summary = budgetSentence(b);
  const picture = svg('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': summary }, svg('title', {}, document.createTextNode(summary)), ...parts);
  $('budget-picture').replaceChildren(picture);
  $('budget-summary').textContent = summary;
  $('queue-list').replaceChildren(...b.queue.documents.map((q) => el('li', {}, `${q.source}/${q.path} — `, timeEl(q.startsAt))));
}

function budgetSentence(b) {
  const parts = [`${b.used} of ${b.limit} creates used in the last hour.`];
  parts.push(b.remaining > 0 ? 'A slot is free now.' : `Next free slot ${relativeTime(b.nextFreeAt)}.`);
  if (b.blockedUntil) parts.push(`Rate-limited (429) until ${clockTime.format(new Date(b.blockedUntil))} (${relativeTime(b.blockedUntil)}).`);
  for (const p of b.quotaPauses) parts.push(`Replica ${p.replicaUUID} quota-paused: ${p.reason}.`);
  if (b.queue.uploads > 0) parts.push(`${b.queue.uploads} upload(s) queued; the last should start ${relativeTime(b.queue.lastSlotAt)}.`);
  return parts.join(' ');
}

function ticks(start, end) {
  const step = end - start > 6 * 3600e3 ? 3600e3 : 15 * 60e3;
  const out = [];
  for (let t = Math.ceil(start / step) * step; t <= end; t += step) out.push(t);
  return out.length > 12 ? out.filter((_, i) => i % Math.ceil(out.length / 12) === 0) : out;
}

// ── problems ────────────────────────────────────────────────────────────────
function errorLine(e) {
  if (!e) return 'failed';
  const ids = [e.requestId && `requestId ${e.requestId}`, e.fingerprint && `fingerprint ${e.fingerprint}`].filter(Boolean).join(', ');
  return `${e.step ? `${e.step} failed: ` : ''}${e.status ? `HTTP ${e.status} ` : ''}${e.code ? `${e.code}: ` : ''}${e.message}${ids ? ` (${ids})` : ''}`;
}

async function loadProblems() {
  const p = await api('/api/problems');
  $('failed-count').textContent = `(${p.failed.total})`;
  $('retry-all').disabled = p.failed.total === 0;
  $('failed-list').replaceChildren(...p.failed.documents.map((d) =>
    el('li', { class: 'failed-item' },
      el('div', { class: 'what' }, `${d.source}/${d.path}`, condition(d)),
      el('div', { class: 'why' }, errorLine(d.lastError)),
      el('div', { class: 'muted' }, `${d.attempts} attempt(s); failed `, timeEl(d.stateSince)),
      el('button', { type: 'button', onclick: () => act('retry', { documentIds: [d.id] }) }, `Retry ${d.path}`))),
  );
  $('rejected-count').textContent = `(${p.rejected.total})`;
  $('rejected-list').replaceChildren(...p.rejected.documents.map((d) =>
    el('li', {}, el('div', { class: 'what' }, `${d.source}/${d.path}`), el('div', { class: 'why' }, `${d.rejectReason}: ${d.rejectDetail}`), el('div', {}, `What to do: ${d.advice}`))));
  $('held-list').replaceChildren(...(p.heldDeletes.length ? p.heldDeletes.map(heldItem) : [el('li', { class: 'muted none' }, 'No deletes are held.')]));
}

function heldItem(h) {
  const label = `Approve ${h.documents} delete(s) of ${h.source}`;
  return el('li', { class: 'held-item' },
    el('div', { class: 'what' }, `${h.source}: ${h.documents} delete(s) held (${h.reason})`),
    el('div', { class: 'why' }, h.detail),
    el('div', { class: 'muted' }, h.paths.join(', ')),
    h.approvedAt ? el('div', {}, 'Approved; the next pass deletes them.') : null,
    h.approvable
      ? el('button', { type: 'button', onclick: () => act('approve-deletes', { sources: [h.source] }, `${label}? Their entries are deleted from Sensay.`) }, label)
      : el('div', {}, 'This hold cannot be approved: the scan was incomplete. Fix the source folder first.'));
}

function condition(d) {
  return d.condition ? el('span', { class: `cond cond-${d.condition}` }, CONDITIONS[d.condition] ?? d.condition) : null;
}

// ── documents ───────────────────────────────────────────────────────────────
async function loadDocuments() {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(view.query)) if (v !== '' && v !== null) params.set(k, String(v));
  const page = await api(`/api/documents?${params}`);
  view.total = page.total;
  $('doc-table').tBodies[0].replaceChildren(...page.documents.map(documentRow));
  const first = page.total === 0 ? 0 : page.offset + 1;
  $('page-info').textContent = `${first}–${page.offset + page.documents.length} of ${page.total}`;
  $('prev-page').disabled = page.offset === 0;
  $('next-page').disabled = page.offset + page.limit >= page.total;
}

function documentRow(d) {
  const open = () => select(d.id);
  return el('tr', {
    tabindex: 0, 'data-id': d.id, 'aria-selected': String(view.selected === d.id), onclick: open,
    onkeydown: (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); open(); } },
  },
  el('td', { class: 'path' }, `${d.source}/${d.path}`),
  el('td', { 'data-label': 'state' }, el('span', { class: `badge state-${d.state}` }, d.state), condition(d)),
  el('td', { class: 'num', 'data-label': 'attempts' }, String(d.attempts)),
  el('td', { 'data-label': 'entry' }, d.entryId === null ? '–' : String(d.entryId)),
  el('td', { class: 'num', 'data-label': 'size' }, size(d.size)),
  el('td', { 'data-label': 'kind' }, d.kind ?? '–'),
  el('td', { 'data-label': 'changed' }, timeEl(d.updatedAt)),
  el('td', {}, d.state === 'failed' ? el('button', { type: 'button', onclick: (e) => { e.stopPropagation(); act('retry', { documentIds: [d.id] }); } }, 'Retry') : null));
}

async function select(id) {
  view.selected = id;
  for (const row of $('doc-table').tBodies[0].rows) row.setAttribute('aria-selected', String(Number(row.dataset.id) === id));
  await loadDetail(true);
}

async function loadDetail(focus = false) {
  if (view.selected === null) return;
  let data;
  try {
    data = await api(`/api/documents/${view.selected}`);
  } catch (error) {
    if (error.code === 'NOT_FOUND') { view.selected = null; $('detail').hidden = true; return; }
    throw error;
  }
  const d = data.document;
  $('detail-title').textContent = `History of ${d.source}/${d.path}`;
  const facts = [['State', [el('span', { class: `badge state-${d.state}` }, d.state), condition(d)]], ['Attempts', String(d.attempts)], ['Entry', d.entryId ?? '–'],
    ['Size', size(d.size)], ['Kind', d.kind ?? '–'], ['Last change', timeEl(d.updatedAt)]];
  if (d.lastError) facts.push(['Last error', errorLine(d.lastError)]);
  if (d.rejectReason) facts.push(['Rejected', `${d.rejectReason}: ${d.rejectDetail}`]);
  if (d.nextAttemptAt) facts.push(['Next attempt', timeEl(d.nextAttemptAt)]);
  $('detail-facts').replaceChildren(...facts.flatMap(([k, v]) => [el('dt', {}, k), el('dd', {}, v)]));
  $('detail-events').replaceChildren(...data.events.map((e) => el('li', {}, timeEl(e.at), ` ${e.type} `, e.detail ? el('span', { class: 'detail' }, JSON.stringify(e.detail)) : null)));
  $('detail').hidden = false;
  if (focus) $('detail').focus();
}

// ── wiring ──────────────────────────────────────────────────────────────────
async function refresh() {
  const results = await Promise.allSettled([loadTotals(), loadBudget(), loadProblems(), loadDocuments(), loadDetail()]);
  const failed = results.find((r) => r.status === 'rejected');
  if (failed) notify(`Could not load everything: ${failed.reason.message}`, true);
}

let pending = null;
function refreshSoon() {
  clearTimeout(pending);
  pending = setTimeout(() => void refresh(), 200);
}

function listen() {
  const source = new EventSource('/api/events');
  const live = $('live');
  source.addEventListener('open', () => { live.textContent = 'Live'; live.className = 'live live-on'; });
  source.addEventListener('change', refreshSoon);
  source.addEventListener('error', () => { live.textContent = 'Reconnecting…'; live.className = 'live live-off'; });
}

function wireFilters() {
  const form = $('filters');
  const stateSelect = form.elements.namedItem('state');
  for (const s of STATES) stateSelect.append(el('option', { value: s }, s));
  let typing = null;
  form.addEventListener('input', (e) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      for (const key of ['q', 'state', 'source', 'sort', 'order']) view.query[key] = form.elements.namedItem(key).value;
      view.query.offset = 0;
      void loadDocuments();
    }, e.target.name === 'q' ? 250 : 0);
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  $('prev-page').addEventListener('click', () => { view.query.offset = Math.max(0, view.query.offset - view.query.limit); void loadDocuments(); });
  $('next-page').addEventListener('click', () => { view.query.offset += view.query.limit; void loadDocuments(); });
  $('retry-all').addEventListener('click', () => act('retry', { all: true }, 'Retry every failed document? Each is queued again with its attempts reset.'));
  $('sync-now').addEventListener('click', () => act('sync-now', {}));
}

async function start() {
  wireFilters();
  await loadSession();
  await refresh();
  listen();
  // Relative times ("in 12 min") move on without any change in the state.
  setInterval(() => void refresh(), 30_000);
}

start().catch((error) => notify(`The console could not start: ${error.message}`, true));
