// OrleansDist trace dashboard: the trace list (/) and one trace as a waterfall (/trace/{id}), drawn from the JSON API.
// Everything received over OTLP is untrusted text, so it only ever reaches the page through textContent.
'use strict';

(() => {
  const LIST_REFRESH_MS = 2000;
  const TRACE_REFRESH_MS = 3000;
  const TRACE_PATH = /^\/trace\/([0-9a-fA-F]{32})\/?$/;

  const state = {
    listEtag: null,
    traces: [],
    traceId: null,
    traceEtag: null,
    trace: null,
    expanded: new Set(),
    timer: null,
  };

  const byId = (id) => document.getElementById(id);

  // Creates an element; props: id, className, text, title, href, dataset, attrs. Children: nodes or strings (as text).
  function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    if (props.id) node.id = props.id;
    if (props.className) node.className = props.className;
    if (props.text !== undefined) node.textContent = String(props.text);
    if (props.title) node.title = props.title;
    if (props.href) node.setAttribute('href', props.href);
    for (const [key, value] of Object.entries(props.dataset || {})) node.dataset[key] = String(value);
    for (const [key, value] of Object.entries(props.attrs || {})) node.setAttribute(key, String(value));
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(typeof child === 'string' ? document.createTextNode(child) : child);
    }
    return node;
  }

  // One stable colour per service name, the same on every page and every refresh.
  function serviceColor(name) {
    let hash = 2166136261;
    for (let i = 0; i < name.length; i++) {
      hash ^= name.charCodeAt(i);
      hash = Math.imul(hash, 16777619);
    }
    const hue = (hash >>> 0) % 360;
    return `hsl(${hue} 62% 42%)`;
  }

  function serviceChip(name) {
    const chip = el('span', { className: 'service-chip', text: name, dataset: { service: name } });
    chip.style.backgroundColor = serviceColor(name);
    return chip;
  }

  function formatDuration(ms) {
    if (!Number.isFinite(ms) || ms <= 0) return '0 ms';
    if (ms < 1) return `${Math.round(ms * 1000)} µs`;
    if (ms < 10) return `${ms.toFixed(2)} ms`;
    if (ms < 1000) return `${ms.toFixed(1)} ms`;
    if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
    const minutes = Math.floor(ms / 60000);
    return `${minutes} min ${((ms - minutes * 60000) / 1000).toFixed(1)} s`;
  }

  // "2026-11-22T00:47:19.4404014Z" -> "2026-11-22 00:47:19.440" (UTC, as the API sends it).
  function formatTime(iso) {
    const match = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso || '');
    if (!match) return iso || '';
    const fraction = ((match[3] || '.') + '000').slice(0, 4);
    return `${match[1]} ${match[2]}${fraction}`;
  }

  function formatValue(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'string') return value;
    return JSON.stringify(value);
  }

  function setStatus(text) {
    byId('status').textContent = text;
  }

  async function fetchJson(url, etag) {
    const headers = etag ? { 'If-None-Match': etag } : {};
    const response = await fetch(url, { headers, cache: 'no-cache' });
    if (response.status === 304) return { notModified: true };
    const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
    return { status: response.status, etag: response.headers.get('etag'), body };
  }

  // ---- routing ----------------------------------------------------------------------------------------------------

  function navigate(path) {
    if (location.pathname !== path) history.pushState(null, '', path);
    route();
  }

  function route() {
    clearTimeout(state.timer);
    const match = TRACE_PATH.exec(location.pathname);
    if (match) {
      showTrace(match[1].toLowerCase());
    } else {
      showList();
    }
  }

  function schedule(refresh, delay) {
    clearTimeout(state.timer);
    state.timer = setTimeout(async () => {
      if (byId('auto-refresh').checked && !document.hidden) await refresh();
      schedule(refresh, delay);
    }, delay);
  }

  // ---- trace list -------------------------------------------------------------------------------------------------

  function showList() {
    byId('trace-view').hidden = true;
    byId('list-view').hidden = false;
    document.title = 'OrleansDist traces';
    state.traceId = null;
    renderList();
    refreshList();
    schedule(refreshList, LIST_REFRESH_MS);
  }

  async function refreshList() {
    try {
      const result = await fetchJson('/api/traces', state.listEtag);
      if (!result.notModified) {
        if (result.status !== 200) throw new Error(`HTTP ${result.status}`);
        state.traces = result.body;
        state.listEtag = result.etag;
        if (state.traceId === null) renderList();
      }
      setStatus(`updated ${new Date().toLocaleTimeString()}`);
    } catch (error) {
      setStatus(`cannot reach the dashboard: ${error.message}`);
    }
  }

  function matchesFilter(trace, filter) {
    if (!filter) return true;
    const haystack = [trace.rootName, trace.id, ...trace.services].join('\n').toLowerCase();
    return haystack.includes(filter);
  }

  function renderList() {
    const filter = byId('filter').value.trim().toLowerCase();
    const shown = state.traces.filter((trace) => matchesFilter(trace, filter));
    const rows = shown.map((trace) => {
      const link = el('a', { className: 'trace-link', href: `/trace/${trace.id}`, text: trace.rootName || '(unnamed span)' });
      const root = el('td', { className: 'root' }, link,
        trace.errorCount > 0 ? el('span', { className: 'error-badge', text: `${trace.errorCount} error${trace.errorCount === 1 ? '' : 's'}` }) : null,
        el('span', { className: 'trace-id', text: trace.id }));
      const services = el('td', { className: 'services' }, ...trace.services.map(serviceChip));
      const row = el('tr', { className: 'trace-row', dataset: { traceId: trace.id, rootName: trace.rootName, spanCount: trace.spanCount } },
        root,
        services,
        el('td', { className: 'num span-count', text: trace.spanCount }),
        el('td', { className: 'num duration', text: formatDuration(trace.durationMs) }),
        el('td', { className: 'start', text: formatTime(trace.start) }));
      row.addEventListener('click', (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return; // let the browser open a tab
        event.preventDefault();
        navigate(`/trace/${trace.id}`);
      });
      return row;
    });
    byId('trace-list').tBodies[0].replaceChildren(...rows);
    byId('trace-count').textContent = filter
      ? `${shown.length} of ${state.traces.length} traces`
      : `${state.traces.length} trace${state.traces.length === 1 ? '' : 's'}`;
    byId('empty-list').hidden = state.traces.length > 0;
  }

  // ---- one trace --------------------------------------------------------------------------------------------------

  function showTrace(id) {
    byId('list-view').hidden = true;
    byId('trace-view').hidden = false;
    if (state.traceId !== id) {
      state.traceId = id;
      state.trace = null;
      state.traceEtag = null;
      state.expanded.clear();
      byId('trace-header').replaceChildren(el('p', { className: 'none', text: 'Loading…' }));
      byId('service-legend').replaceChildren();
      byId('waterfall').replaceChildren();
    }
    byId('trace-missing').hidden = true;
    refreshTrace();
    schedule(refreshTrace, TRACE_REFRESH_MS);
  }

  async function refreshTrace() {
    const id = state.traceId;
    if (id === null) return;
    try {
      const result = await fetchJson(`/api/traces/${id}`, state.traceEtag);
      if (state.traceId !== id || result.notModified) return;
      // A missing trace may still arrive (spans are exported in batches), so polling goes on either way.
      const missing = result.status === 404;
      byId('trace-missing').hidden = !missing;
      byId('waterfall').hidden = missing;
      if (missing) {
        byId('trace-header').replaceChildren(el('h1', { text: `Trace ${id}` }));
        byId('service-legend').replaceChildren();
        byId('waterfall').replaceChildren();
        return;
      }
      if (result.status !== 200) throw new Error(`HTTP ${result.status}`);
      state.trace = result.body;
      state.traceEtag = result.etag;
      renderTrace(state.trace);
      setStatus(`updated ${new Date().toLocaleTimeString()}`);
    } catch (error) {
      setStatus(`cannot reach the dashboard: ${error.message}`);
    }
  }

  // Orders spans depth-first, children by start; a span whose parent is absent is drawn as a root.
  function treeOrder(spans) {
    const byIdMap = new Map(spans.map((span) => [span.spanId, span]));
    const children = new Map();
    const roots = [];
    for (const span of spans) {
      const parent = span.parentSpanId && span.parentSpanId !== span.spanId ? byIdMap.get(span.parentSpanId) : undefined;
      if (parent) {
        if (!children.has(parent.spanId)) children.set(parent.spanId, []);
        children.get(parent.spanId).push(span);
      } else {
        roots.push(span);
      }
    }
    const byStart = (a, b) => a.startOffsetMs - b.startOffsetMs;
    const ordered = [];
    const visited = new Set();
    const visit = (rootSpans) => {
      const stack = rootSpans.slice().sort(byStart).reverse().map((span) => ({ span, depth: 0 }));
      while (stack.length > 0) {
        const { span, depth } = stack.pop();
        if (visited.has(span.spanId)) continue;
        visited.add(span.spanId);
        ordered.push({ span, depth });
        const kids = (children.get(span.spanId) || []).slice().sort(byStart).reverse();
        for (const kid of kids) stack.push({ span: kid, depth: depth + 1 });
      }
    };
    visit(roots);
    // Spans caught in a parent cycle are unreachable from any root; show them rather than lose them.
    visit(spans.filter((span) => !visited.has(span.spanId)));
    return ordered;
  }

  function renderTrace(trace) {
    document.title = `${trace.rootName || trace.id} · OrleansDist traces`;
    const facts = el('div', { className: 'facts' },
      el('span', { text: `Trace ${trace.id}` }),
      el('span', { text: `Started ${formatTime(trace.start)} UTC` }),
      el('span', { text: `Duration ${formatDuration(trace.durationMs)}` }),
      el('span', { id: 'trace-span-count', text: `${trace.spanCount} spans` }),
      trace.errorCount > 0 ? el('span', { className: 'error-badge', text: `${trace.errorCount} error${trace.errorCount === 1 ? '' : 's'}` }) : null,
      trace.droppedSpanCount > 0 ? el('span', { text: `${trace.droppedSpanCount} spans dropped (trace full)` }) : null);
    byId('trace-header').replaceChildren(el('h1', { text: trace.rootName || '(unnamed span)' }), facts);
    byId('service-legend').replaceChildren(...trace.services.map(serviceChip));

    const total = Math.max(trace.durationMs, ...trace.spans.map((s) => s.startOffsetMs + s.durationMs), 0.001);
    const axis = el('div', { className: 'axis' },
      ...[0, 0.25, 0.5, 0.75, 1].map((fraction) => {
        const tick = el('span', { className: 'axis-tick', text: formatDuration(total * fraction) });
        tick.style.left = `${fraction * 100}%`;
        return tick;
      }));
    const header = el('div', { className: 'waterfall-header' }, el('div', { text: 'Service & span' }), axis);

    const rows = [header];
    for (const { span, depth } of treeOrder(trace.spans)) {
      rows.push(spanRow(span, depth, total));
      if (state.expanded.has(span.spanId)) rows.push(spanDetails(span));
    }
    byId('waterfall').replaceChildren(...rows);
  }

  function spanRow(span, depth, total) {
    const isError = span.status.code === 'error';
    const expanded = state.expanded.has(span.spanId);
    const label = el('div', { className: 'span-label' },
      el('span', { className: 'span-toggle', text: expanded ? '▾' : '▸' }),
      serviceChip(span.service),
      el('span', { className: 'span-name', text: span.name || '(unnamed span)', title: span.name }));
    label.style.paddingLeft = `${8 + depth * 16}px`;

    const left = (span.startOffsetMs / total) * 100;
    const width = (span.durationMs / total) * 100;
    const bar = el('div', { className: 'span-bar', title: `${span.name}: ${formatDuration(span.durationMs)}` });
    bar.style.left = `${left}%`;
    bar.style.width = `${width}%`;
    bar.style.backgroundColor = serviceColor(span.service);
    const duration = el('span', { className: 'span-duration', text: formatDuration(span.durationMs) });
    // The label goes right of the bar; when the bar reaches the right edge, left of it, or inside it when it is wide.
    if (left + width <= 80) {
      duration.style.left = `${left + width + 0.5}%`;
    } else if (left >= 12) {
      duration.style.right = `${100 - left + 0.5}%`;
    } else {
      duration.classList.add('inside');
      duration.style.right = `${Math.max(0, 100 - left - width) + 0.5}%`;
    }
    const timeline = el('div', { className: 'span-timeline' }, bar, duration,
      ...span.events.map((spanEvent) => {
        const marker = el('span', { className: 'span-event', title: `${spanEvent.name} at ${formatDuration(spanEvent.offsetMs)}` });
        marker.style.left = `${(spanEvent.offsetMs / total) * 100}%`;
        return marker;
      }));

    const row = el('div', {
      className: `span-row${isError ? ' error' : ''}${expanded ? ' expanded' : ''}`,
      dataset: { spanId: span.spanId, parentId: span.parentSpanId || '', depth, service: span.service },
      attrs: { role: 'treeitem', tabindex: 0, 'aria-expanded': expanded, 'aria-level': depth + 1 },
    }, label, timeline);
    const toggle = () => {
      if (state.expanded.has(span.spanId)) state.expanded.delete(span.spanId);
      else state.expanded.add(span.spanId);
      renderTrace(state.trace);
      document.querySelector(`.span-row[data-span-id="${span.spanId}"]`)?.focus();
    };
    row.addEventListener('click', toggle);
    row.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        toggle();
      }
    });
    return row;
  }

  function attributeTable(attributes) {
    const entries = Object.entries(attributes || {});
    if (entries.length === 0) return el('p', { className: 'none', text: 'none' });
    return el('table', { className: 'attributes' },
      el('tbody', {}, ...entries.map(([key, value]) =>
        el('tr', { className: 'attribute', dataset: { key } }, el('td', { text: key }), el('td', { text: formatValue(value) })))));
  }

  function spanDetails(span) {
    const overview = {
      'span id': span.spanId,
      'parent span id': span.parentSpanId || '(root)',
      service: span.service,
      scope: span.scope,
      kind: span.kind,
      start: `${formatTime(span.start)} UTC (+${formatDuration(span.startOffsetMs)})`,
      duration: formatDuration(span.durationMs),
      status: span.status.message ? `${span.status.code}: ${span.status.message}` : span.status.code,
    };
    const events = span.events.length === 0
      ? el('p', { className: 'none', text: 'none' })
      : el('div', {}, ...span.events.map((spanEvent) => el('div', { className: 'span-event-details' },
        el('div', { text: `${spanEvent.name} at +${formatDuration(spanEvent.offsetMs)}` }),
        attributeTable(spanEvent.attributes))));
    return el('div', { className: 'span-details', dataset: { spanId: span.spanId } },
      el('h3', { text: 'Span' }), attributeTable(overview),
      el('h3', { text: 'Attributes' }), attributeTable(span.attributes),
      el('h3', { text: 'Events' }), events,
      el('h3', { text: 'Process (resource)' }), attributeTable(span.resource));
  }

  // ---- start ------------------------------------------------------------------------------------------------------

  document.addEventListener('DOMContentLoaded', () => {
    byId('otlp-hint').textContent = `OTEL_EXPORTER_OTLP_ENDPOINT=${location.origin}`;
    byId('filter').addEventListener('input', renderList);
    byId('back').addEventListener('click', (event) => {
      event.preventDefault();
      navigate('/');
    });
    byId('home').addEventListener('click', (event) => {
      event.preventDefault();
      navigate('/');
    });
    byId('clear-traces').addEventListener('click', async () => {
      await fetch('/api/traces', { method: 'DELETE' });
      state.listEtag = null;
      await refreshList();
    });
    byId('auto-refresh').addEventListener('change', () => {
      if (byId('auto-refresh').checked) route();
    });
    window.addEventListener('popstate', route);
    route();
  });
})();
