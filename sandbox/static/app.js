// The sandbox page: draws the channel's messages as Slack draws Block Kit, the sandbox controls and
// moto's security groups. No build step; the state comes from /api/state by long polling.
'use strict';

const $ = (id) => document.getElementById(id);
const EMOJI = {
  warning: '⚠️', white_check_mark: '✅', leftwards_arrow_with_hook: '↩️', x: '❌', information_source: 'ℹ️',
  hourglass_flowing_sand: '⏳', rotating_light: '🚨', lock: '🔒', unlock: '🔓', shield: '🛡️', eyes: '👀',
  no_entry: '⛔', heavy_check_mark: '✔️', globe_with_meridians: '🌐', key: '🔑', mute: '🔇', sound: '🔊',
  // every code sgwarden's messages use (reminders, expiries, Restore, digests), so none shows as text
  alarm_clock: '⏰', arrows_counterclockwise: '🔄', bell: '🔔', scroll: '📜', point_down: '👇',
};

const DELIVERY = { sqs: 'to the SQS queue (EventBridge envelope)', lake: 'to the Lake stand-in' };
let state = null;
const rendered = new Map(); // message id -> JSON last drawn, so unchanged messages are left alone
const clickErrors = new Map(); // message id -> error text from the last click
const collapsed = new Set(); // ts of the messages whose thread the visitor folded

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

// Slack mrkdwn, approximately: <links>, `code`, *bold*, _italic_, ~strike~, :emoji:, &amp; &lt; &gt;.
// A marker followed by a zero-width space is literal (that is how the service escapes event text).
function mrkdwn(text) {
  const parts = String(text ?? '').split(/(<[^<>\n]+>)/);
  return parts.map((part) => {
    const link = part.match(/^<([^|>]+)(?:\|([^>]+))?>$/);
    if (link) {
      const [, target, label] = link;
      // <!date^epoch^format|fallback>: Slack shows the time in the reader's time zone, as the page does
      const date = target.match(/^!date\^(\d+)\^/);
      if (date) {
        const when = new Date(Number(date[1]) * 1000);
        return `<time datetime="${when.toISOString()}" title="${escapeHtml(label || '')}">${escapeHtml(
          when.toLocaleString([], { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' }))}</time>`;
      }
      if (target.startsWith('@')) return `<span class="mention">@${escapeHtml(label || target.slice(1))}</span>`;
      if (target.startsWith('#')) return `<span class="mention">#${escapeHtml(label || target.slice(1))}</span>`;
      if (target.startsWith('!')) return `<span class="mention">@${escapeHtml(target.slice(1))}</span>`;
      return `<a href="${escapeHtml(target)}" target="_blank" rel="noopener">${escapeHtml(label || target)}</a>`;
    }
    return inline(part.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
  }).join('');
}

function inline(raw) {
  const LIT = { '*': '\u0001', '_': '\u0002', '~': '\u0003', '`': '\u0004' };
  let s = raw.replace(/([*_~`])\u200B/g, (_, c) => LIT[c] + '\u200B');
  s = escapeHtml(s);
  s = s.split(/(`[^`\n]+`)/).map((seg) => {
    if (/^`[^`\n]+`$/.test(seg)) return `<code>${seg.slice(1, -1)}</code>`;
    return seg
      .replace(/\*([^*\n]+)\*/g, '<b>$1</b>')
      .replace(/(^|[^\w])_([^_\n]+)_(?=[^\w]|$)/g, '$1<i>$2</i>')
      .replace(/~([^~\n]+)~/g, '<s>$1</s>')
      .replace(/:([a-z0-9_+-]+):/g, (m, name) => EMOJI[name] || m);
  }).join('');
  s = s.replace(/\n/g, '<br>');
  return s.replace(/[\u0001-\u0004]/g, (c) => ({ '\u0001': '*', '\u0002': '_', '\u0003': '~', '\u0004': '`' }[c]));
}

function textObject(t) {
  if (!t) return '';
  return t.type === 'mrkdwn' ? mrkdwn(t.text) : escapeHtml(t.text).replace(/\n/g, '<br>');
}

function renderBlock(block, message) {
  switch (block.type) {
    case 'section': {
      let html = '<div class="block-section">';
      if (block.text) html += `<div>${textObject(block.text)}</div>`;
      if (block.fields) html += `<div class="fields">${block.fields.map((f) => `<div>${textObject(f)}</div>`).join('')}</div>`;
      if (block.accessory && block.accessory.type === 'button') html += `<div class="block-actions">${button(block.accessory, block.block_id, message)}</div>`;
      return html + '</div>';
    }
    case 'context':
      return `<div class="block-context">${(block.elements || []).map((e) => (e.type === 'image'
        ? `<img src="${escapeHtml(e.image_url)}" alt="${escapeHtml(e.alt_text || '')}" width="16" height="16">`
        : `<span>${textObject(e)}</span>`)).join('')}</div>`;
    case 'actions':
      return `<div class="block-actions" data-block-id="${escapeHtml(block.block_id || '')}">${
        (block.elements || []).map((e) => button(e, block.block_id, message)).join('')}</div>`;
    case 'divider':
      return '<hr class="block-divider">';
    case 'header':
      return `<div class="block-header">${textObject(block.text)}</div>`;
    default:
      return `<div class="block-context">[${escapeHtml(block.type)} block]</div>`;
  }
}

function button(e, blockId, message) {
  if (e.type !== 'button') return `<span class="block-context">[${escapeHtml(e.type)}]</span>`;
  const style = e.style === 'primary' || e.style === 'danger' ? e.style : '';
  return `<button type="button" class="btn ${style}" data-message-id="${escapeHtml(message.id)}"
    data-action-id="${escapeHtml(e.action_id || '')}" data-value="${escapeHtml(e.value || '')}">${escapeHtml(e.text?.text || '')}</button>`;
}

function timeOf(ts) {
  return new Date(parseFloat(ts) * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

function renderMessage(m) {
  const body = m.blocks && m.blocks.length ? m.blocks.map((b) => renderBlock(b, m)).join('') : `<div class="block-section">${mrkdwn(m.text)}</div>`;
  const err = clickErrors.get(m.id);
  return `<div class="avatar" aria-hidden="true">SG</div><div class="content">
    ${m.ephemeral ? '<div class="ephemeral-note">👁 Only visible to you</div>' : ''}
    <div class="meta"><span class="author">sgwarden</span><span class="app-badge">APP</span>
      <span class="time">${timeOf(m.ts)}</span>${m.edited ? '<span class="edited">(edited)</span>' : ''}</div>
    ${body}${err ? `<div class="block-error">⚠ ${escapeHtml(err)}</div>` : ''}</div>`;
}

// One message's element in container (made at the end of it if new), redrawn if the message changed.
function drawMessage(container, m, className) {
  let el = container.querySelector(`:scope > .message[data-message-id="${CSS.escape(m.id)}"]`);
  const key = JSON.stringify(m) + (clickErrors.get(m.id) || '');
  if (el && rendered.get(m.id) === key) return el;
  if (!el) {
    el = document.createElement('div');
    el.className = className;
    el.dataset.messageId = m.id;
    container.appendChild(el);
  }
  el.classList.toggle('ephemeral', !!m.ephemeral);
  if (m.eventId) el.dataset.eventId = m.eventId;
  el.innerHTML = renderMessage(m);
  rendered.set(m.id, key);
  return el;
}

// The channel as Slack shows it: each message, and under it its thread ("N replies"), replies indented.
function renderMessages(messages) {
  const list = $('messages');
  $('no-messages').hidden = messages.length > 0;
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
  const tops = new Set(messages.filter((m) => !m.threadTs).map((m) => m.ts));
  const replies = new Map(); // ts of a message -> its replies, oldest first
  for (const m of messages) {
    if (m.threadTs && tops.has(m.threadTs)) {
      if (!replies.has(m.threadTs)) replies.set(m.threadTs, []);
      replies.get(m.threadTs).push(m);
    }
  }
  const seen = new Set();
  for (const m of messages) {
    if (m.threadTs && tops.has(m.threadTs)) continue;
    seen.add(m.id);
    const el = drawMessage(list, m, 'message');
    const thread = replies.get(m.ts) || [];
    let box = list.querySelector(`:scope > .thread[data-thread-ts="${CSS.escape(m.ts)}"]`);
    if (!thread.length) {
      if (box) box.remove();
      continue;
    }
    if (!box) {
      box = document.createElement('div');
      box.className = 'thread';
      box.dataset.threadTs = m.ts;
      box.innerHTML = '<button type="button" class="thread-summary"></button><div class="thread-replies"></div>';
      box.querySelector('.thread-summary').addEventListener('click', () => {
        if (collapsed.has(m.ts)) collapsed.delete(m.ts); else collapsed.add(m.ts);
        box.classList.toggle('collapsed', collapsed.has(m.ts));
      });
    }
    if (el.nextElementSibling !== box) el.after(box);
    box.querySelector('.thread-summary').textContent = `${thread.length} ${thread.length === 1 ? 'reply' : 'replies'}`;
    box.classList.toggle('collapsed', collapsed.has(m.ts));
    const inner = box.querySelector('.thread-replies');
    for (const r of thread) {
      seen.add(r.id);
      drawMessage(inner, r, 'message reply');
    }
  }
  for (const el of list.querySelectorAll('.message')) {
    if (!seen.has(el.dataset.messageId)) el.remove();
  }
  if (atBottom) list.scrollTop = list.scrollHeight;
}

function ruleRow(r, groupId) {
  const added = r.eventId ? ' sandbox-added' : '';
  return `<tr class="rule${added}" data-rule-id="${escapeHtml(r.id)}" data-group-id="${escapeHtml(groupId)}">
    <td><span class="dir ${r.egress ? 'out' : 'in'}">${r.egress ? 'egress' : 'ingress'}</span></td>
    <td>${escapeHtml(r.traffic)}</td><td>${r.egress ? 'to' : 'from'} <b>${escapeHtml(r.peer)}</b></td>
    <td class="rid" title="${escapeHtml(r.description || '')}">${escapeHtml(r.id)}${r.eventId ? ' · added here' : ''}</td></tr>`;
}

function renderAccounts(accounts, removed) {
  const html = accounts.map((a) => `<div class="account" data-account="${a.account}">
    <div class="account-title">Account ${a.account} · ${escapeHtml(a.region)} · ${escapeHtml(a.vpc)} (${escapeHtml(a.vpcId)})</div>
    ${a.groups.map((g) => `<div class="group" data-group-id="${escapeHtml(g.id)}" data-group-name="${escapeHtml(g.name)}">
      <div class="group-title">${escapeHtml(g.name)} <span class="gid">${escapeHtml(g.id)}</span></div>
      <table class="rules"><tbody>${g.rules.length ? g.rules.map((r) => ruleRow(r, g.id)).join('')
        : '<tr><td class="none">no rules</td></tr>'}</tbody></table>${(removed[g.id] || []).map((r) => `
      <div class="removed" data-removed-rule-id="${escapeHtml(r.id)}"><s>${escapeHtml(r.summary)} <span class="rid">${escapeHtml(r.id)}</span></s>
        gone from moto since ${escapeHtml(r.at.slice(11, 19))} UTC</div>`).join('')}</div>`).join('')}</div>`).join('');
  if ($('accounts').dataset.html !== html) {
    $('accounts').innerHTML = html;
    $('accounts').dataset.html = html;
  }
  const select = $('group-select');
  const options = accounts.flatMap((a) => a.groups.map((g) => ({ value: g.id, label: `${g.name} (${g.id}) · ${a.account} ${a.region}` })));
  const signature = JSON.stringify(options);
  if (select.dataset.options !== signature) {
    const current = select.value;
    select.innerHTML = options.map((o) => `<option value="${escapeHtml(o.value)}">${escapeHtml(o.label)}</option>`).join('');
    if (options.some((o) => o.value === current)) select.value = current;
    select.dataset.options = signature;
  }
}

function renderActivity(activity) {
  const html = activity.map((a) => `<li><span class="at">${escapeHtml(a.at.slice(11, 19))}</span> ${escapeHtml(a.text)}</li>`).join('');
  if ($('activity').dataset.html !== html) {
    $('activity').innerHTML = html;
    $('activity').dataset.html = html;
  }
}

function renderScenarios(scenarios) {
  const box = $('scenarios');
  if (box.childElementCount) return;
  for (const s of scenarios) {
    const b = document.createElement('button');
    b.type = 'button';
    b.className = 'btn';
    b.id = `change-${s.id}`;
    b.dataset.scenario = s.id;
    b.textContent = s.label;
    b.addEventListener('click', () => makeChange(s.id, b));
    box.appendChild(b);
  }
}

function render(s) {
  state = s;
  const status = $('service-status');
  status.dataset.ready = String(s.serviceReady);
  status.textContent = s.serviceReady ? 'sgwarden ready' : 'sgwarden starting…';
  $('intake-note').textContent = {
    sqs: 'through the SQS intake, as the EventBridge envelope the central bus delivers',
    lake: 'through the CloudTrail Lake stand-in, on the service\'s next query (every few seconds)',
    both: 'through both intakes: the SQS queue and the Lake stand-in (the ledger lets it through once)',
  }[s.intake] || 'through its intake';
  renderScenarios(s.scenarios);
  renderForwarding(s);
  renderAccounts(s.accounts, s.removed || {});
  renderMessages(s.messages);
  renderActivity(s.activity);
}

function forwardingOn(s) {
  return !s || !s.forwarding || s.forwarding[s.tamperedAccount] !== false;
}

function renderForwarding(s) {
  const b = $('forwarding-toggle');
  b.dataset.on = String(forwardingOn(s));
  b.textContent = forwardingOn(s) ? `Disable the forwarding in ${s.tamperedAccount}`
    : `Enable the forwarding in ${s.tamperedAccount} again`;
}

$('forwarding-toggle').addEventListener('click', async () => {
  const b = $('forwarding-toggle');
  const out = $('forwarding-result');
  const on = !forwardingOn(state);
  b.disabled = true;
  out.className = 'change-result';
  try {
    const r = await fetch('/api/forwarding', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ account: state.tamperedAccount, on }),
    });
    const j = await r.json();
    if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
    out.dataset.eventIds = j.eventIds.join(',');
    out.textContent = on
      ? `Done: the rules are enabled again in ${j.account} / ${j.region} (events ${j.eventIds.join(', ')}). `
        + 'sgwarden posts the calls, and that the heartbeat is back.'
      : `Done: alice disabled the rules in ${j.account} / ${j.region} (events ${j.eventIds.join(', ')}). sgwarden posts `
        + 'a tamper alert for each at once, and the silence of the heartbeat after 20 s.';
  } catch (e) {
    out.className = 'change-result error';
    out.textContent = e.message;
  } finally {
    b.disabled = false;
  }
});

async function makeChange(scenario, btn) {
  const out = $('change-result');
  btn.disabled = true;
  out.className = 'change-result';
  out.textContent = 'Changing the group in moto…';
  try {
    const r = await fetch('/api/change', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ scenario, groupId: $('group-select').value }),
    });
    const j = await r.json();
    if (!r.ok) throw new Error(j.error || `HTTP ${r.status}`);
    out.dataset.eventId = j.eventId;
    out.dataset.groupId = j.groupId;
    out.dataset.ruleIds = j.ruleIds.join(',');
    const wait = state?.groupWindow ? ` once its grouping window (${state.groupWindow}) has passed` : '';
    const delivered = j.deliveredTo.map((d) => DELIVERY[d] || d).join(' and ');
    out.textContent = j.eventIds
      ? `Done: ${j.ruleIds.length} rules added to ${j.groupId} in ${j.account}, one call and one CloudTrail event each, `
        + `delivered ${delivered}. One principal, one account, within seconds: sgwarden will post one message about them all${wait}.`
      : `Done: ${j.ruleIds.join(', ')} ${j.verb || 'added to'} ${j.groupId} in ${j.account}. CloudTrail event ${j.eventId} `
        + `delivered ${delivered}. sgwarden will post about it in the channel${wait}.`;
  } catch (e) {
    out.className = 'change-result error';
    out.textContent = e.message;
  } finally {
    btn.disabled = false;
  }
}

// Buttons in messages: confirm first where the block asks for it, then the server signs and sends the click
$('messages').addEventListener('click', (ev) => {
  const b = ev.target.closest('button[data-action-id]');
  if (!b) return;
  const message = state.messages.find((m) => m.id === b.dataset.messageId);
  const element = message?.blocks.flatMap((bl) => (bl.type === 'actions' ? bl.elements : bl.accessory ? [bl.accessory] : []))
    .find((e) => e.action_id === b.dataset.actionId);
  if (element?.confirm) {
    confirmThen(element.confirm, () => sendClick(b));
  } else {
    sendClick(b);
  }
});

function confirmThen(confirm, action) {
  const backdrop = $('confirm-backdrop');
  $('confirm-title').textContent = confirm.title?.text || 'Are you sure?';
  $('confirm-text').innerHTML = textObject(confirm.text);
  const ok = $('confirm-ok');
  const deny = $('confirm-deny');
  ok.textContent = confirm.confirm?.text || 'Yes';
  ok.className = `btn ${confirm.style === 'danger' ? 'danger' : 'primary'}`;
  deny.textContent = confirm.deny?.text || 'Cancel';
  const close = () => { backdrop.hidden = true; ok.onclick = null; deny.onclick = null; document.onkeydown = null; };
  ok.onclick = () => { close(); action(); };
  deny.onclick = close;
  backdrop.onclick = (e) => { if (e.target === backdrop) close(); };
  document.onkeydown = (e) => { if (e.key === 'Escape') close(); };
  backdrop.hidden = false;
  ok.focus();
}

async function sendClick(b) {
  const id = b.dataset.messageId;
  b.disabled = true;
  clickErrors.delete(id);
  try {
    const r = await fetch('/api/click', {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messageId: id, actionId: b.dataset.actionId }),
    });
    const j = await r.json();
    if (!r.ok) {
      clickErrors.set(id, j.error || `sgwarden answered HTTP ${j.status}: ${j.body || 'no answer'}`);
    }
  } catch (e) {
    clickErrors.set(id, e.message);
  }
  b.disabled = false;
  if (clickErrors.has(id) && state) renderMessages(state.messages);
}

async function poll() {
  let version = null;
  for (;;) {
    try {
      const r = await fetch(version === null ? '/api/state' : `/api/state?since=${version}`, { cache: 'no-store' });
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      const s = await r.json();
      version = s.version;
      render(s);
    } catch (e) {
      const status = $('service-status');
      status.dataset.ready = 'false';
      status.textContent = 'sandbox not answering';
      await new Promise((res) => setTimeout(res, 1000));
    }
  }
}

poll();
