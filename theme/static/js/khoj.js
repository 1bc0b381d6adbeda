// The search page (/khoj/): runs the query in the address (?q=…&thana=…
// &shreni=…&varsh=…&kram=naye) with Pagefind, loaded from this host only.
// Query words are normalized with the build's rules (plugins/search/terms.py,
// handed over in data-rules): Latin words become the skeletons the note pages
// carry, Devanagari words lose plural endings Pagefind's stemmer keeps.
const PAGE = 10;
const FILTERS = ['thana', 'shreni', 'varsh'];

const root = document.getElementById('khoj');
const words = JSON.parse(root.dataset.words);
const rules = JSON.parse(root.dataset.rules);
const form = root.querySelector('form');
const status = document.getElementById('khoj-status');
const list = document.getElementById('khoj-results');
const more = document.getElementById('khoj-more');

const compile = (pairs) =>
  pairs.map(([p, r]) => [new RegExp(p, 'g'), r.replace(/\\(\d)/g, '$$$1')]);
const LATIN = compile(rules.latin);
const DEVANAGARI = compile(rules.devanagari);
const apply = (word, compiled) =>
  compiled.reduce((w, [re, r]) => w.replace(re, r), word);

export function normalizeQuery(text) {
  const tokens = text.normalize('NFC').toLowerCase()
    .match(/[\u0900-\u0963\u0971-\u097f]+|[a-z0-9]+/g) || [];
  return tokens
    .map((t) => (/[a-z]/.test(t) ? apply(t, LATIN) : apply(t, DEVANAGARI)))
    .filter(Boolean)
    .join(' ');
}

// An excerpt from Pagefind holds note text (HTML-escaped) and <mark>s: keep
// exactly those, as text nodes and <mark> elements.
function excerptNodes(html) {
  const t = document.createElement('template');
  t.innerHTML = html;
  const out = [];
  for (const n of t.content.childNodes) {
    if (n.nodeName === 'MARK') {
      const m = document.createElement('mark');
      m.textContent = n.textContent;
      out.push(m);
    } else {
      out.push(document.createTextNode(n.textContent));
    }
  }
  return out;
}

// The hidden section of a note page (#khoj-shabd) holds Latin words and the
// summary: show an excerpt from the note's own text, else its summary.
function excerptOf(data) {
  const visible = (data.sub_results || []).filter(
    (s) => !s.url.endsWith('#khoj-shabd') && s.excerpt.includes('<mark>'));
  return visible.length ? excerptNodes(visible[0].excerpt)
    : [document.createTextNode(data.meta.summary || '')];
}

function item(data) {
  const li = document.createElement('li');
  const h = document.createElement('h2');
  const a = document.createElement('a');
  a.href = data.url;
  a.textContent = data.meta.title;
  h.append(a);
  const meta = document.createElement('p');
  meta.className = 'meta';
  meta.textContent = [data.meta.date, data.meta.thana].filter(Boolean).join(' · ');
  const p = document.createElement('p');
  p.append(...excerptOf(data));
  li.append(h, meta, p);
  return li;
}

async function run() {
  const params = new URLSearchParams(location.search);
  for (const el of form.elements) {
    if (el.name && params.has(el.name)) el.value = params.get(el.name);
  }
  if (FILTERS.some((f) => params.get(f)) || params.get('kram')) {
    form.querySelector('details').open = true;
  }
  const query = normalizeQuery(params.get('q') || '');
  if (!query) {
    root.dataset.done = 'true';
    return;
  }
  status.textContent = words.searching;
  let search;
  try {
    const pagefind = await import(`${root.dataset.bundle}pagefind.js`);
    await pagefind.options({ excerptLength: 24 });
    const filters = {};
    for (const f of FILTERS) if (params.get(f)) filters[f] = params.get(f);
    const options = { filters };
    if (params.get('kram') === 'naye') options.sort = { date: 'desc' };
    search = await pagefind.search(query, options);
  } catch (e) {
    status.textContent = words.failed;
    root.dataset.done = 'true';
    throw e;
  }
  const results = search.results;
  status.textContent = results.length
    ? words.found.replace('{n}', results.length) : words.none;
  let shown = 0;
  const showMore = async () => {
    const page = await Promise.all(
      results.slice(shown, shown + PAGE).map((r) => r.data()));
    list.append(...page.map(item));
    shown += page.length;
    more.hidden = shown >= results.length;
  };
  more.addEventListener('click', showMore);
  await showMore();
  root.dataset.done = 'true';
}

document.getElementById('khoj-nojs').hidden = true;
form.hidden = false;
run();
