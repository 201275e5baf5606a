// Follows the card PDFs being made (GET /lists/batches/:id, once a second) until each is ready.
// Text is only ever inserted with textContent; the texts come from the page.
(function () {
  const items = Array.from(document.querySelectorAll('[data-batch]'));
  const list = document.getElementById('batch-list');
  const texts = JSON.parse((list && list.dataset.texts) || '{}');
  function fill(template, vars) {
    return String(template || '').replace(/\{(\w+)\}/g, function (whole, name) { return name in vars ? String(vars[name]) : whole; });
  }
  function poll(li) {
    const id = li.dataset.batch;
    fetch('/lists/batches/' + encodeURIComponent(id), { headers: { accept: 'application/json' }, credentials: 'same-origin' })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b) return;
        li.dataset.status = b.status;
        const bar = li.querySelector('progress');
        if (bar) { bar.max = b.total || 1; bar.value = b.status === 'ready' ? b.total : b.done; }
        const label = li.querySelector('[data-batch-status]');
        if (label) label.textContent = b.status === 'rendering' ? fill(texts.rendering, b) : texts[b.status] || b.status;
        const link = li.querySelector('[data-batch-download]');
        if (link) link.hidden = b.status !== 'ready';
        if (b.status === 'queued' || b.status === 'rendering') setTimeout(function () { poll(li); }, 1000);
      })
      .catch(function () { setTimeout(function () { poll(li); }, 3000); });
  }
  items.forEach(function (li) { if (li.dataset.status === 'queued' || li.dataset.status === 'rendering') poll(li); });
})();
