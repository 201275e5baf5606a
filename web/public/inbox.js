// Staff inbox live updates. Text is only ever inserted with textContent.
(function () {
  'use strict';
  // The texts come from the page (templates/staff via layout.eta's data-texts), in the user's language.
  var T = {};
  try { T = JSON.parse(document.body.dataset.texts || '{}'); } catch (e) { T = {}; }
  function tx(key, fallback) { return typeof T[key] === 'string' ? T[key] : fallback; }
  var STATUS = { queued: tx('queued', 'in wachtrij'), sending: tx('sending', 'wordt verstuurd'), sent: tx('sent', 'verstuurd'), failed: tx('failed', 'mislukt'), cancelled: tx('cancelled', 'niet verstuurd'), in_doubt: tx('in_doubt', 'misschien niet aangekomen') };
  var CHANNEL = { web: tx('web', 'web'), telegram: 'Telegram', whatsapp: 'WhatsApp' };
  var CONV_STATUS = { open: tx('open', 'Open'), waiting: tx('waiting', 'Wacht op jongere'), closed: tx('closed', 'Afgesloten') };
  var LOCALE = tx('locale', 'nl-NL');
  var list = document.getElementById('conversation-list');
  var conv = document.getElementById('conversation');
  var thread = document.getElementById('thread');
  var inbox = document.getElementById('inbox');

  function fmt(iso) {
    return new Date(iso).toLocaleString(LOCALE, { timeZone: 'Europe/Amsterdam', dateStyle: 'short', timeStyle: 'short' });
  }

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }

  function renderRow(c) {
    var li = el('li', 'st-row' + (c.lastDirection === 'in' && !c.optedOut ? ' st-unanswered' : '') + (c.urgent ? ' st-urgent' : '') + (c.escalatedAt ? ' st-escalated' : ''));
    li.dataset.conversation = c.id;
    var a = el('a');
    a.href = '/inbox/c/' + c.id;
    var name = el('span', 'st-row-name');
    name.append(el('bdi', null, c.youngsterName || tx('unknownYoungster', 'Onbekend (zonder kaart)')));
    var preview = el('span', 'st-row-preview', c.lastPreview || '');
    preview.dir = 'auto';
    var time = el('time', 'st-row-time', fmt(c.lastMessageAt));
    time.dateTime = c.lastMessageAt;
    var meta = el('span', 'st-row-meta', c.municipalityName + ' · ' + (c.assigneeName || tx('unassigned', 'niet toegewezen')));
    if (c.status !== 'open') meta.append(document.createTextNode(' · '), el('span', 'st-row-status', c.status === 'waiting' ? tx('rowWaiting', 'wacht op jongere') : tx('rowClosed', 'afgesloten')));
    if (c.optedOut) meta.append(document.createTextNode(' · '), el('span', 'st-row-optedout', tx('rowOptedOut', 'afgemeld')));
    if (c.escalatedAt) meta.append(document.createTextNode(' · '), el('strong', 'st-row-escalated', tx('escalated', 'wacht te lang')));
    a.append(name, meta, preview, time);
    li.append(a);
    return li;
  }

  /** Does a conversation belong in the view on screen (the same rules as the server's views)? */
  function belongs(c, view, me) {
    var notClosed = c.status !== 'closed';
    switch (view) {
      case 'mine': return c.assignedTo === me && notClosed;
      case 'unassigned': return !c.assignedTo && notClosed;
      case 'team': return notClosed;
      case 'urgent': return c.urgent && notClosed;
      case 'waiting': return c.status === 'waiting';
      case 'closed': return c.status === 'closed';
      default: return false;
    }
  }

  function upsertRow(c) {
    if (!list || !inbox) return;
    var old = list.querySelector('[data-conversation="' + c.id + '"]');
    // Search results are a snapshot: existing rows are refreshed, nothing new drops in.
    var fits = inbox.dataset.view === 'search' ? !!old : belongs(c, inbox.dataset.view, inbox.dataset.me);
    if (old) old.remove();
    if (!fits) return;
    var row = renderRow(c);
    row.classList.add('st-new');
    list.prepend(row);
    var empty = document.getElementById('empty');
    if (empty) empty.hidden = true;
  }

  function renderMessage(m) {
    var li = el('li', 'st-msg st-msg-' + m.direction + ' st-msg-' + m.kind);
    li.dataset.message = m.id;
    li.dataset.seq = String(m.seq);
    var body = el('div', 'st-msg-body', m.body);
    body.dir = 'auto';
    var meta = el('div', 'st-msg-meta');
    meta.append(el('span', 'st-badge st-badge-' + m.channel, CHANNEL[m.channel] || m.channel), document.createTextNode(' ' + (m.kind === 'bot' ? tx('bot', 'automatisch (bot)') : m.direction === 'out' ? (m.authorName || '') : m.kind === 'choice' ? tx('chose', 'koos') : '') + ' '));
    var time = el('time', null, fmt(m.createdAt));
    time.dateTime = m.createdAt;
    meta.append(time);
    if (m.direction === 'out' && (m.status === 'failed' || m.status === 'in_doubt')) meta.append(retryForm(m));
    if (m.direction === 'out') {
      var st = el('span', 'st-status', STATUS[m.status] || m.status);
      st.dataset.status = m.status;
      meta.append(document.createTextNode(' '), st);
    }
    li.append(body, meta);
    return li;
  }

  function csrfToken() {
    var input = document.querySelector('input[name=_csrf]');
    return input ? input.value : '';
  }

  function retryForm(m) {
    var f = el('form', 'st-retry');
    f.method = 'post';
    f.action = '/inbox/c/' + m.conversationId + '/messages/' + m.id + '/retry';
    var t = el('input');
    t.type = 'hidden';
    t.name = '_csrf';
    t.value = csrfToken();
    var b = el('button', 'st-link-button', tx('retry', 'Opnieuw versturen'));
    b.type = 'submit';
    f.append(t, b);
    return f;
  }

  // A browser notification for the assigned casemanager when the tab is in the background.
  // Deliberately without name or text: a notification shows on a screen others may see.
  var notifyButton = document.getElementById('notify');
  if (notifyButton && 'Notification' in window && Notification.permission === 'default') {
    notifyButton.hidden = false;
    notifyButton.addEventListener('click', function () {
      Notification.requestPermission().then(function () { notifyButton.hidden = true; });
    });
  }
  function notify(data) {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    if (!data.forMe || !data.message || data.message.direction !== 'in' || !document.hidden) return;
    var n = new Notification('Lijntje', { body: tx('notification', 'Nieuw bericht in je inbox'), tag: 'lijntje-' + data.conversation.id });
    n.onclick = function () { window.focus(); location.href = '/inbox/c/' + data.conversation.id; };
  }

  // The conversation opens at the newest message, right above the reply box, and stays there as
  // messages arrive - unless the person scrolled up to read; then nothing moves under their eyes.
  // The reply box sticks to the bottom of wide screens, so its place in the page is what counts:
  // the element after it (without a reply box: the notes form) marks where "the newest" ends.
  var FOLLOW_SLACK_PX = 80;
  function endMark() {
    var reply = document.getElementById('reply');
    return reply ? reply.nextElementSibling : document.getElementById('note');
  }
  /** How far below the bottom of the screen the newest message (and the reply box) still is. */
  function belowNewest() {
    var mark = endMark();
    return mark ? mark.getBoundingClientRect().top - window.innerHeight : 0;
  }
  function showNewest() {
    var gap = belowNewest();
    if (gap > 0) window.scrollBy(0, gap);
  }
  // Not when the address names a place on the page (the panel after one of its forms).
  if (thread && conv && !location.hash) {
    if ('scrollRestoration' in history) history.scrollRestoration = 'manual';
    showNewest();
    window.addEventListener('load', showNewest, { once: true });
  }

  function upsertMessage(m, own) {
    if (!thread || !conv || m.conversationId !== conv.dataset.conversation) return;
    var existing = thread.querySelector('[data-message="' + m.id + '"]');
    var fresh = renderMessage(m);
    if (existing) { existing.replaceWith(fresh); return; }
    var follow = own || belowNewest() <= FOLLOW_SLACK_PX;
    var after = Array.prototype.find.call(thread.children, function (e) { return Number(e.dataset.seq) > m.seq; });
    thread.insertBefore(fresh, after || null);
    if (follow) showNewest();
  }

  /** Someone else assigned or changed this conversation: show it in the header. */
  function updateHead(c) {
    if (!conv || c.id !== conv.dataset.conversation) return;
    var who = document.getElementById('conv-assignee');
    if (who) who.textContent = c.assigneeName || tx('unassigned', 'niet toegewezen');
    var st = document.getElementById('conv-status');
    if (st) st.textContent = CONV_STATUS[c.status] || c.status;
  }

  /** A note as the server renders it (conversation.eta), built with textContent only. */
  function renderNote(n) {
    var li = el('li', 'st-note st-note-' + n.kind);
    li.dataset.note = n.id;
    var label = (n.kind === 'handover' ? tx('handover', 'Overdracht') : tx('internalNote', 'Interne notitie')) +
      (n.kind === 'handover' && n.toStaffName ? tx('handoverTo', ' aan {name}').replace('{name}', n.toStaffName) : '') +
      ' · ' + tx('notSent', 'niet verstuurd');
    var body = el('div', 'st-msg-body', n.body);
    body.dir = 'auto';
    var meta = el('div', 'st-msg-meta', (n.authorName || '') + ' ');
    var time = el('time', null, fmt(n.createdAt));
    time.dateTime = n.createdAt;
    meta.append(time);
    li.append(el('div', 'st-note-label', label), body, meta);
    return li;
  }

  /** A colleague's note in the open conversation: the newest thing in it, so it goes at the end of the thread. */
  function upsertNote(n) {
    if (!thread || !conv || n.conversationId !== conv.dataset.conversation) return;
    if (thread.querySelector('[data-note="' + n.id + '"]')) return;
    thread.append(renderNote(n));
  }

  /** The view counts in the navigation (mine, unassigned, team, ...), as the server counted them for this person. */
  function updateCounts(counts) {
    if (!counts) return;
    Object.keys(counts).forEach(function (view) {
      var span = document.querySelector('[data-count="' + view + '"]');
      if (span && typeof counts[view] === 'number') span.textContent = String(counts[view]);
    });
  }

  var es = new EventSource('/inbox/events' + (conv ? '?conversation=' + encodeURIComponent(conv.dataset.conversation) : ''));
  es.addEventListener('inbox', function (ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    if (data.conversation) { upsertRow(data.conversation); updateHead(data.conversation); }
    if (data.message) upsertMessage(data.message);
    if (data.note) upsertNote(data.note);
    notify(data);
  });
  function onCounts(ev) {
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    updateCounts(data.counts);
  }
  es.addEventListener('counts', onCounts);
  // A (re)connected stream starts with the current counts and the open conversation's newest messages:
  // nothing that changed while it was down (or before it first connected) stays wrong.
  es.addEventListener('ready', function (ev) {
    onCounts(ev);
    var data;
    try { data = JSON.parse(ev.data); } catch (e) { return; }
    (data.messages || []).forEach(function (m) { upsertMessage(m); });
  });

  // Canned replies: the server fills in name, coach and date; the result goes into the textarea as plain text.
  var canned = document.getElementById('canned');
  if (canned) {
    var fillCanned = function (ev) {
      if (ev) ev.preventDefault();
      var id = canned.querySelector('[name=canned]').value;
      if (!id) return;
      var params = new URLSearchParams({ canned: id, datum: canned.querySelector('[name=datum]').value });
      fetch(canned.dataset.endpoint + '?' + params.toString(), { credentials: 'same-origin', headers: { accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) {
          var textarea = document.getElementById('reply-text');
          if (!data || typeof data.text !== 'string' || !textarea) return;
          textarea.value = data.text;
          textarea.focus();
        })
        .catch(function () { canned.submit(); });
    };
    canned.addEventListener('submit', fillCanned);
  }

  // Reply without reload; the form still works without JavaScript.
  var form = document.getElementById('reply');
  if (form) {
    var clientId = null;
    var errorBox = document.getElementById('reply-error');
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var textarea = form.querySelector('textarea');
      var text = textarea.value;
      if (!text.trim()) return;
      clientId = clientId || (crypto.randomUUID ? crypto.randomUUID().replace(/-/g, '') : String(Date.now()) + 'abcdefgh');
      var button = form.querySelector('button');
      button.disabled = true;
      errorBox.hidden = true;
      fetch(form.action, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': form.querySelector('[name=_csrf]').value },
        body: JSON.stringify({ text: text, clientId: clientId }),
      })
        .then(function (r) {
          return r.json().catch(function () { return {}; }).then(function (data) {
            if (r.ok && data.message) {
              upsertMessage(data.message, true);
              textarea.value = '';
              clientId = null;
            } else {
              errorBox.textContent = data.message || tx('sendFailed', 'Versturen lukte niet. Je tekst staat er nog.');
              errorBox.hidden = false;
            }
          });
        })
        .catch(function () {
          errorBox.textContent = tx('offline', 'Geen verbinding. Je tekst staat er nog; probeer het zo opnieuw.');
          errorBox.hidden = false;
        })
        .finally(function () { button.disabled = false; });
    });
    form.querySelector('textarea').addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); form.requestSubmit(); }
    });
  }
})();
