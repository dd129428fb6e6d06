(function () {
  'use strict';
  /* The timeline view: every event of timeline.csv (and the alerts, merged
     at their time) from the JSON block #vg-data, filtered by module, level
     and text, drawn as a virtual list: only the rows in view exist in the
     DOM, so a million events scroll as fast as ten. Text is only ever set
     with textContent: nothing from the evidence becomes markup. */
  var ROW = 26;          /* px, as .tl-row in the style sheet */
  var MAXPX = 8000000;   /* browsers cap an element's height; past it, scroll maps proportionally */

  function byId(id) { return document.getElementById(id); }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = text;
    return e;
  }
  function option(sel, value, label) {
    var o = el('option', null, label);
    o.value = value;
    sel.appendChild(o);
  }
  function escapeRe(s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

  function init() {
    var src = byId('vg-data'), root = byId('tl');
    var data, ev, mods, lvls;
    if (!src || !root) return;
    try {
      data = JSON.parse(src.textContent);
    } catch (e) {
      root.textContent = 'The timeline data in this report could not be read.';
      return;
    }
    ev = data.events || [];
    mods = data.modules || [];
    lvls = data.levels || [];
    root.textContent = '';
    if (!ev.length) {
      root.appendChild(el('p', 'muted', 'This results folder has no timeline events.'));
      document.documentElement.setAttribute('data-vg-ready', '1');
      return;
    }

    var bar = el('div', 'tl-bar');
    var modSel = el('select'), lvSel = el('select'), search = el('input'), count = el('span', 'tl-count');
    modSel.setAttribute('aria-label', 'Module');
    lvSel.setAttribute('aria-label', 'Level');
    search.type = 'search';
    search.placeholder = 'Search time, module, event or description';
    search.setAttribute('aria-label', 'Search');
    option(modSel, '-1', 'All modules');
    mods.map(function (m, i) { return [m, i]; })
      .sort(function (a, b) { return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0; })
      .forEach(function (p) { option(modSel, String(p[1]), p[0]); });
    option(lvSel, 'all', 'All events');
    option(lvSel, 'flag', 'Alerts and the events they flag');
    option(lvSel, '2', 'Alerts, every level');
    for (var l = 1; l < lvls.length; l++) option(lvSel, String(l + 2), 'Alerts, ' + lvls[l] + ' and above');
    bar.appendChild(modSel);
    bar.appendChild(lvSel);
    bar.appendChild(search);
    bar.appendChild(count);

    var head = el('div', 'tl-head');
    ['Time (UTC)', 'Module', 'Event', 'Description'].forEach(function (h, i) {
      head.appendChild(el('div', 'tl-cell' + (i === 2 ? ' e' : ''), h));
    });
    var scroll = el('div', 'tl-scroll'), spacer = el('div'), rows = el('div', 'tl-rows');
    scroll.setAttribute('tabindex', '0');
    scroll.appendChild(spacer);
    scroll.appendChild(rows);
    var detail = el('div', 'tl-detail muted', 'Select a row to read it whole.');
    root.appendChild(bar);
    root.appendChild(head);
    root.appendChild(scroll);
    root.appendChild(detail);

    var idx = new Int32Array(0), total = 0, height = 0, selected = -1, pool = [];

    function kindText(r) { return r[2] >= 2 ? (lvls[r[2] - 2] || 'ALERT') : r[3]; }

    function makeRow() {
      var d = el('div', 'tl-row');
      for (var c = 0; c < 4; c++) d.appendChild(el('div', 'tl-cell' + (c === 0 ? ' t' : c === 2 ? ' e' : '')));
      d.addEventListener('click', function () { select(+d.getAttribute('data-i')); });
      rows.appendChild(d);
      return d;
    }

    function firstRow(viewRows) {
      if (total <= MAXPX) return Math.floor(scroll.scrollTop / ROW);
      var frac = scroll.scrollTop / Math.max(1, height - scroll.clientHeight);
      return Math.floor(frac * Math.max(0, idx.length - viewRows));
    }

    function render() {
      var viewRows = Math.ceil((scroll.clientHeight || 540) / ROW) + 1;
      var first = Math.max(0, Math.min(firstRow(viewRows), idx.length - 1));
      rows.style.top = (total <= MAXPX ? first * ROW : scroll.scrollTop) + 'px';
      while (pool.length < viewRows) pool.push(makeRow());
      for (var k = 0; k < pool.length; k++) {
        var d = pool[k], j = first + k;
        if (k >= viewRows || j >= idx.length) { d.style.display = 'none'; continue; }
        var i = idx[j], r = ev[i], cells = d.childNodes;
        d.style.display = '';
        d.setAttribute('data-i', String(i));
        d.className = 'tl-row' + (r[2] >= 2 ? ' al' : r[2] === 1 ? ' flag' : '') + (i === selected ? ' sel' : '');
        cells[0].textContent = r[0];
        cells[1].textContent = mods[r[1]] || '';
        cells[2].textContent = kindText(r);
        cells[3].textContent = r[4];
        cells[3].title = r[4].length > 80 ? r[4].slice(0, 2000) : '';
      }
    }

    var pending = false;
    function schedule() {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; render(); });
    }

    function select(i) {
      var r = ev[i];
      if (!r) return;
      selected = i;
      detail.className = 'tl-detail';
      detail.textContent = (r[0] || '(no time)') + '  \u00b7  ' + (mods[r[1]] || '') + '  \u00b7  ' +
        kindText(r) + (r[2] === 1 ? '  \u00b7  flagged by an alert' : '') + '\n\n' + r[4];
      render();
    }

    function apply() {
      var m = +modSel.value, lv = lvSel.value, q = search.value.trim();
      var minK = lv === 'all' ? 0 : lv === 'flag' ? 1 : +lv;
      var re = q ? new RegExp(escapeRe(q), 'i') : null;
      var out = new Int32Array(ev.length), n = 0;
      for (var i = 0; i < ev.length; i++) {
        var r = ev[i];
        if (m >= 0 && r[1] !== m) continue;
        if (r[2] < minK) continue;
        if (re && !(re.test(r[4]) || re.test(r[3]) || re.test(r[0]) || re.test(mods[r[1]] || '') ||
            (r[2] >= 2 && re.test(lvls[r[2] - 2] || '')))) continue;
        out[n++] = i;
      }
      idx = out.subarray(0, n);
      total = n * ROW;
      height = Math.min(total, MAXPX);
      spacer.style.height = height + 'px';
      count.textContent = n.toLocaleString('en') + ' of ' + ev.length.toLocaleString('en') + ' events';
      rows.style.display = n ? '' : 'none';
      scroll.scrollTop = 0;
      render();
    }

    function scrollToPos(j) {
      var viewRows = Math.ceil((scroll.clientHeight || 540) / ROW);
      var target = Math.max(0, j - 3);
      if (total <= MAXPX) scroll.scrollTop = target * ROW;
      else scroll.scrollTop = target / Math.max(1, idx.length - viewRows) * (height - scroll.clientHeight);
      render();
    }

    /* "Show in the timeline" on an alert: every event, scrolled to the
       alert's own row (same time, same message). */
    function gotoAlert(ts, msg) {
      modSel.value = '-1';
      lvSel.value = 'all';
      search.value = '';
      apply();
      var lo = 0, hi = idx.length;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (ev[idx[mid]][0] < ts) lo = mid + 1; else hi = mid;
      }
      var j = lo;
      for (var k = lo; k < idx.length && ev[idx[k]][0] === ts; k++) {
        if (ev[idx[k]][2] >= 2 && ev[idx[k]][4] === msg) { j = k; break; }
      }
      if (j < idx.length) {
        scrollToPos(j);
        select(idx[j]);
      }
      root.scrollIntoView();
    }

    var timer = 0;
    search.addEventListener('input', function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(apply, 180);
    });
    modSel.addEventListener('change', apply);
    lvSel.addEventListener('change', apply);
    scroll.addEventListener('scroll', schedule);
    window.addEventListener('resize', schedule);
    Array.prototype.forEach.call(document.querySelectorAll('a.goto'), function (a) {
      a.addEventListener('click', function (e) {
        e.preventDefault();
        gotoAlert(a.getAttribute('data-ts') || '', a.getAttribute('data-msg') || '');
      });
      a.hidden = false;
    });
    apply();
    document.documentElement.setAttribute('data-vg-ready', '1');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', init);
  else init();
})();
