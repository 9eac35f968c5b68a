/**
 * The page's only script, plain JavaScript with no build step. It shows dates in
 * the browser's time zone, keeps the app clock ticking, refreshes the parts of
 * the page that change (new messages, a form opening) when the workspace moves,
 * and checks the matrix as it is typed. Everything else is forms and links.
 */
export const CLIENT_SCRIPT = String.raw`
(() => {
  const loadedAt = Date.now();
  const pad = (n) => String(n).padStart(2, '0');
  const fmt = (options) => new Intl.DateTimeFormat(undefined, options);
  function formatDate(date, format) {
    const today = new Date();
    const sameDay = date.toDateString() === today.toDateString();
    const pretty = sameDay ? 'Today' : fmt({ weekday: 'short', day: 'numeric', month: 'short' }).format(date);
    const tokens = {
      '{date_short_pretty}': pretty, '{date_pretty}': pretty, '{date_long_pretty}': fmt({ dateStyle: 'full' }).format(date),
      '{date}': fmt({ dateStyle: 'long' }).format(date), '{date_short}': fmt({ dateStyle: 'medium' }).format(date),
      '{date_long}': fmt({ dateStyle: 'full' }).format(date), '{date_num}': date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()),
      '{time}': pad(date.getHours()) + ':' + pad(date.getMinutes()), '{time_secs}': pad(date.getHours()) + ':' + pad(date.getMinutes()) + ':' + pad(date.getSeconds()),
    };
    return (format || '{date_short_pretty} {time}').replace(/\{[a-z_]+\}/g, (t) => tokens[t] ?? t);
  }
  function showDates(root) {
    for (const el of root.querySelectorAll('time.date')) {
      const at = new Date(el.getAttribute('datetime'));
      if (isNaN(at)) continue;
      const shown = el.hasAttribute('data-ticking') ? new Date(at.getTime() + Date.now() - loadedAt) : at;
      el.textContent = formatDate(shown, el.dataset.format);
      el.title = shown.toString();
    }
  }
  let clockLoadedAt = loadedAt;
  setInterval(() => {
    const el = document.getElementById('app-clock');
    if (!el) return;
    const shown = new Date(new Date(el.getAttribute('datetime')).getTime() + Date.now() - clockLoadedAt);
    el.textContent = formatDate(shown, el.dataset.format);
  }, 1000);

  function scrollDown() {
    for (const el of document.querySelectorAll('.messages')) el.scrollTop = el.scrollHeight;
  }

  let refreshing = false;
  async function refresh() {
    if (refreshing) return;
    refreshing = true;
    try {
      const response = await fetch(location.href, { headers: { 'x-refresh': '1' } });
      const next = new DOMParser().parseFromString(await response.text(), 'text/html');
      for (const fresh of next.querySelectorAll('[data-live]')) {
        const key = fresh.getAttribute('data-live');
        const old = document.querySelector('[data-live="' + key + '"]');
        if (!old) continue;
        // An open form being filled in stays as it is, unless another form took its place.
        if (key === 'modal-slot' && old.innerHTML.trim() && keyOf(old) === keyOf(fresh)) continue;
        const atBottom = [...old.querySelectorAll('.messages')].every((m) => m.scrollHeight - m.scrollTop - m.clientHeight < 40);
        old.replaceWith(fresh);
        showDates(fresh);
        if (atBottom) for (const m of fresh.querySelectorAll('.messages')) m.scrollTop = m.scrollHeight;
      }
      document.body.dataset.version = next.body.dataset.version;
      clockLoadedAt = Date.now();
    } finally {
      refreshing = false;
    }
  }
  const keyOf = (slot) => (slot.querySelector('.modal-backdrop') || { dataset: {} }).dataset.key || '';
  setInterval(async () => {
    try {
      const version = await (await fetch('/version')).text();
      if (version !== document.body.dataset.version) await refresh();
    } catch { /* the playground stopped */ }
  }, 700);

  document.addEventListener('change', (e) => {
    if (e.target.matches('[data-autosubmit]')) e.target.form.submit();
    if (e.target.matches('[data-dispatch]')) {
      const form = e.target.form;
      const chosen = document.createElement('input');
      chosen.type = 'hidden';
      chosen.name = 'dispatch';
      chosen.value = e.target.dataset.dispatch;
      form.appendChild(chosen);
      form.action = '/choose';
      form.submit();
    }
  });
  document.addEventListener('keydown', (e) => {
    if (e.target.matches('.composer-text') && e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      e.target.form.requestSubmit();
    }
  });

  const editor = document.getElementById('routing');
  if (editor) {
    let timer;
    editor.addEventListener('input', () => {
      clearTimeout(timer);
      timer = setTimeout(async () => {
        const body = new URLSearchParams({ routing: editor.value });
        const response = await fetch('/matrix/problems', { method: 'POST', body });
        const fragment = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('problems');
        if (fragment) document.getElementById('problems').replaceWith(fragment);
      }, 300);
    });
  }
  showDates(document);
  scrollDown();
})();
`;
