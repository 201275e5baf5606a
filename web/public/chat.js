// Youngster web chat. Text is only ever inserted with textContent: nothing a
// message contains can become markup or script.
(function () {
  'use strict';
  var root = document.getElementById('chat');
  if (!root) return;
  var token = root.dataset.token;
  var lang = document.documentElement.lang === 'en' ? 'en' : 'nl';
  var base = '/k/' + encodeURIComponent(token);
  var thread = document.getElementById('thread');
  var form = document.getElementById('compose');
  var input = document.getElementById('text');
  var button = document.getElementById('send');
  var errorBox = document.getElementById('error');
  var stoppedBox = document.getElementById('stopped');
  var seen = new Set();

  function fmtTime(iso) {
    try {
      return new Date(iso).toLocaleTimeString(lang === 'en' ? 'en-GB' : 'nl-NL', { hour: '2-digit', minute: '2-digit' });
    } catch (e) { return ''; }
  }

  // The typing bar sticks to the bottom of the screen. At the very end of the page it sits
  // below the thread instead of over it, so the newest message (and its buttons) is in full view.
  function scrollToEnd() {
    window.scrollTo(0, document.documentElement.scrollHeight);
  }
  var atEnd = true;
  window.addEventListener('scroll', function () {
    atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 40;
  }, { passive: true });
  // The phone's keyboard opening or closing resizes the view: stay at the end if that is where they were.
  window.addEventListener('resize', function () { if (atEnd) scrollToEnd(); });

  var URL_PATTERN = /https?:\/\/[^\s<>"']+/g;
  var privacyUrl = root.dataset.privacyUrl;

  /**
   * The bot's texts carry full URLs (messengers link those themselves); here they become links.
   * Our own privacy page opens in the card's version, which leads back to this chat.
   */
  function linkTarget(raw) {
    var url;
    try { url = new URL(raw); } catch (e) { return null; }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
    var own = privacyUrl ? new URL(privacyUrl, location.href) : null;
    if (own && url.origin === own.origin && url.pathname === own.pathname) {
      return { href: base + '/privacy?lang=' + (url.searchParams.get('lang') === 'en' ? 'en' : lang), external: false };
    }
    return { href: url.href, external: true };
  }

  function fillBody(el, text, withLinks) {
    if (!withLinks) { el.textContent = text; return; }
    var at = 0;
    text.replace(URL_PATTERN, function (match, offset) {
      // Punctuation right after a URL ends the sentence, not the URL.
      var url = match.replace(/[.,;:!?)\]]+$/, '');
      var target = linkTarget(url);
      if (!target) return match;
      el.append(document.createTextNode(text.slice(at, offset)));
      var a = document.createElement('a');
      a.href = target.href;
      a.textContent = url;
      if (target.external) { a.target = '_blank'; a.rel = 'noopener noreferrer'; }
      el.append(a);
      at = offset + url.length;
      return match;
    });
    el.append(document.createTextNode(text.slice(at)));
  }

  function render(m) {
    if (seen.has(m.id)) return;
    seen.add(m.id);
    // The goodbye after "Ja, stop maar": nothing more can be written here.
    if (m.goodbye) setTimeout(stopped, 0);
    var li = document.createElement('li');
    li.className = 'yt-msg yt-msg-' + (m.direction === 'in' ? 'me' : 'coach');
    li.dataset.message = m.id;
    li.dataset.seq = String(m.seq);
    var who = document.createElement('span');
    who.className = 'yt-who';
    who.textContent = m.direction === 'in' ? root.dataset.you : (m.author || root.dataset.bot);
    if (m.kind === 'bot') li.classList.add('yt-msg-bot');
    var body = document.createElement('p');
    body.className = 'yt-body';
    body.dir = 'auto';
    fillBody(body, m.body, m.kind === 'bot');
    var time = document.createElement('time');
    time.dateTime = m.createdAt;
    time.textContent = fmtTime(m.createdAt);
    li.append(who, body, time);
    if (m.menu && m.menu.length) {
      // Buttons for the options; only the newest menu stays clickable.
      var menu = document.createElement('div');
      menu.className = 'yt-menu';
      m.menu.forEach(function (opt) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'yt-option';
        b.textContent = opt.label;
        b.addEventListener('click', function () { choose(opt.id, menu); });
        menu.append(b);
      });
      li.append(menu);
    }
    // Keep order by sequence even when a live push overtakes the history load.
    var after = Array.prototype.find.call(thread.children, function (el) { return Number(el.dataset.seq) > m.seq; });
    thread.insertBefore(li, after || null);
    if (!after) {
      // Only the newest message's buttons mean anything; older ones go once something follows.
      Array.prototype.forEach.call(thread.querySelectorAll('.yt-menu'), function (menuEl) {
        if (!li.contains(menuEl)) menuEl.remove();
      });
      scrollToEnd();
    } else if (li.querySelector('.yt-menu')) {
      li.querySelector('.yt-menu').remove();
    }
  }

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = !text;
    if (atEnd) scrollToEnd();
  }

  /** They asked for no contact: no typing box, and a calm line why (not an error). */
  function stopped() {
    form.hidden = true;
    stoppedBox.hidden = false;
    scrollToEnd();
  }

  function loadHistory() {
    return fetch(base + '/messages', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
      .then(function (data) {
        data.messages.forEach(render);
        if (data.optedOut) stopped();
      })
      .catch(function () {});
  }

  function newClientId() {
    var a = new Uint8Array(16);
    crypto.getRandomValues(a);
    return Array.prototype.map.call(a, function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }

  function postOnce(payload) {
    return fetch(base + '/messages', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(payload),
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) { return { r: r, data: data }; });
    });
  }

  // A message waits for the chat's start (which gives this browser its chat); if the chat is gone
  // (its cookie was cleared meanwhile), it is started again and the message sent once more.
  function post(payload) {
    return started.then(function () { return postOnce(payload); }).then(function (res) {
      if (res.r.status !== 409 || res.data.error !== 'no_chat_session') return res;
      started = start();
      return started.then(function () { return postOnce(payload); });
    });
  }

  function choose(id, menuEl) {
    showError('');
    // A reason under the goodbye after an opt-out: optional, answered with nothing. The buttons go
    // once tapped, whatever the answer (after the erasure the chat is gone: not counted, no error).
    if (id.indexOf('why:') === 0) {
      if (menuEl) menuEl.remove();
      post({ choice: id, clientId: newClientId() }).catch(function () {});
      return;
    }
    post({ choice: id, clientId: newClientId() })
      .then(function (res) {
        if (res.r.ok && res.data.message) render(res.data.message);
        else if (res.r.status === 410) stopped();
        else if (!res.r.ok) showError(root.dataset.errGeneric);
      })
      .catch(function () { showError(root.dataset.errOffline); });
  }

  var pendingClientId = null;
  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var text = input.value;
    if (!text.trim()) { showError(root.dataset.errEmpty); return; }
    // The same id is reused when a send is retried, so the server stores it once.
    pendingClientId = pendingClientId || newClientId();
    button.disabled = true;
    showError('');
    post({ text: text, clientId: pendingClientId })
      .then(function (res) {
        var r = res.r;
        var data = res.data;
        if (r.ok) {
          if (data.message) render(data.message);
          input.value = '';
          pendingClientId = null;
          return;
        }
        if (r.status === 410) { stopped(); return; }
        // The text stays in the box: nothing the youngster wrote is lost.
        if (data.error === 'message_too_long') showError(root.dataset.errLong);
        else if (data.error === 'message_empty') showError(root.dataset.errEmpty);
        else if (data.error === 'rate_limited' && data.message) showError(data.message);
        else showError(root.dataset.errGeneric);
        if (r.status === 400 || r.status === 413) pendingClientId = null;
      })
      .catch(function () { showError(root.dataset.errOffline); })
      .finally(function () { button.disabled = false; if (!form.hidden) input.focus(); });
  });

  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      form.requestSubmit();
    }
  });

  function connect() {
    var es = new EventSource(base + '/events');
    es.addEventListener('ready', function () { loadHistory(); });
    es.addEventListener('message', function (ev) {
      try { render(JSON.parse(ev.data)); } catch (e) { /* ignore a malformed push; history reload covers it */ }
    });
    es.addEventListener('gone', function () { es.close(); });
  }

  // Opening the page writes nothing; this starts the chat (a new browser is greeted once, a known one gets nothing new).
  function start() {
    return fetch(base + '/start', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: '{}',
    })
      .then(function (r) { if (!r.ok) showError(root.dataset.errGeneric); })
      .catch(function () { showError(root.dataset.errOffline); });
  }

  var started = start();
  started.then(loadHistory).then(connect);
})();
