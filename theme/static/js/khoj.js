// The search page (/khoj/): runs the query in the address (?q=…&thana=…
// &shreni=…&varsh=…&kram=naye) with Pagefind, loaded from this host only.
// Query words are normalized with the build's rules (plugins/search/terms.py,
// handed over in data-rules): Latin words become the skeletons the note pages
// carry, Devanagari words lose plural endings Pagefind's stemmer keeps,
// Devanagari digits become ASCII ones (the note pages carry both) and
// invisible format characters (ZWJ, ZWNJ, direction marks) are dropped.
const PAGE = 10;
const FILTERS = ['thana', 'shreni', 'varsh'];
// A longer query is no search a reader types; every word makes Pagefind
// fetch a part of the index, so a pasted page would stall the phone.
const MAX_CHARS = 200;
const MAX_WORDS = 8;
// Results read (one fragment each) at most per tap of More results, however
// many of them turn out not to hold the query's words.
const READ_PER_TAP = 5 * PAGE;

const root = document.getElementById('khoj');
const words = JSON.parse(root.dataset.words);
const rules = JSON.parse(root.dataset.rules);
const form = root.querySelector('form');
const status = document.getElementById('khoj-status');
const help = document.getElementById('khoj-help');
const browse = document.getElementById('khoj-browse');
const list = document.getElementById('khoj-results');
const more = document.getElementById('khoj-more');

const compile = (pairs) =>
  pairs.map(([p, r]) => [new RegExp(p, 'g'), r.replace(/\\(\d)/g, '$$$1')]);
const [CLEAN, ...LATIN] = compile(rules.latin);
const DEVANAGARI = compile(rules.devanagari);
const apply = (word, compiled) =>
  compiled.reduce((w, [re, r]) => w.replace(re, r), word);

// terms.skeleton: a skeleton shorter than latin_min is not used.
function latinWord(token) {
  const word = token.replace(...CLEAN);
  const shape = apply(word, LATIN);
  return shape.length >= rules.latin_min ? shape : word;
}

const asciiDigit = (d) => String(d.charCodeAt(0) - 0x966);

function queryTokens(text) {
  const tokens = text.slice(0, MAX_CHARS).normalize('NFC')
    .replace(/\p{Cf}/gu, '')
    .replace(/[\u0966-\u096f]/g, asciiDigit)
    .toLowerCase()
    .match(/[\u0900-\u0963\u0971-\u097f]+|[a-z0-9]+/g) || [];
  return tokens.slice(0, MAX_WORDS);
}

const isLatin = (token) => /[a-z0-9]/.test(token);
const queryWord = (t) => (/[a-z]/.test(t) ? latinWord(t) : apply(t, DEVANAGARI));
const asQuery = (tokens) => tokens.map(queryWord).filter(Boolean).join(' ');

export function normalizeQuery(text) {
  return asQuery(queryTokens(text));
}

// Readers write a compound name as one word or two at will (doda chura for
// डोडाचूरा, manak chowk for माणकचौक): the query again with two neighbouring
// words of one script written as one, tried when the query finds nothing.
export function joinedQueries(text) {
  const t = queryTokens(text);
  const out = [];
  for (let i = 0; i + 1 < t.length; i++) {
    if (isLatin(t[i]) !== isLatin(t[i + 1])) continue;
    out.push(asQuery([...t.slice(0, i), t[i] + t[i + 1], ...t.slice(i + 2)]));
  }
  return out;
}

// Pagefind folds a word by dropping every mark: vowel signs, nukta,
// virama. That keeps nukta, chandrabindu and NFD variants together, but also
// makes बाढ़ (flood) and बढ़ (rise), हत्या and होती the same letters. A word
// is compared here without nukta and virama, chandrabindu as anusvara, long
// i and u as short ones (a common typing slip), and without the vowel signs
// at its end (थाना, थाने, थानों): what is left must match.
const TRAILING_SIGNS = /[\u0900-\u0903\u093e-\u094c\u094e\u094f\u0955-\u0957\u0962\u0963]+$/u;
const fold = (s) => s.toLowerCase().normalize('NFD')
  .replace(/[\u093c\u094d]/g, '')
  .replace(/\u0901/g, '\u0902')
  .replace(/\u0940/g, '\u093f')
  .replace(/\u0942/g, '\u0941')
  .replace(/\u0908/g, '\u0907')
  .replace(/\u090a/g, '\u0909')
  .replace(TRAILING_SIGNS, '');

// Pagefind finds a query word in the indexed words that begin with it; when
// none does, it takes the longest indexed word the query word begins with
// instead (kidnapping found ki, हत्या found होती). It does so for every page
// alike, so the first result tells: it must hold, for every query word, a
// word that begins with it, or no note has that word.
export function holdsEveryWord(data, query) {
  const text = data.content.split(/\s+/);
  const found = new Set();
  for (const i of data.locations) {
    const word = (text[i] || '').toLowerCase();
    for (const part of [
      word.replace(/[^\p{L}\p{M}\p{N}]/gu, ''),
      ...word.split(/[^\p{L}\p{M}\p{N}]+/u),
    ]) found.add(fold(part));
  }
  return query.split(' ').every((t) => {
    const want = fold(t);
    return [...found].some((w) => w.startsWith(want));
  });
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

// The address's values for the form; a filter whose value the form does not
// offer (an old or mistyped link) is left out rather than silently finding
// nothing behind a blank choice.
function chosenValues(params) {
  const chosen = {};
  for (const el of form.elements) {
    if (!el.name || !params.has(el.name)) continue;
    const value = params.get(el.name);
    if (el.tagName === 'SELECT'
        && ![...el.options].some((o) => o.value === value)) continue;
    el.value = value;
    chosen[el.name] = value;
  }
  return chosen;
}

// The pager: each tap adds the next PAGE notes that hold every query word
// (Pagefind also lists, ranked lower, notes where a word only shares its
// consonants: चोरी and चार). Until every result has been read the count says
// "and more". A tap while a page is loading does nothing.
function pager(results, first, query) {
  let next = 0;
  let shown = 0;
  let loading = null;
  const read = (i) => (i === 0 ? first : results[i].data());
  const showMore = () => {
    if (loading) return loading;
    more.disabled = true;
    loading = (async () => {
      const page = [];
      const stop = next + READ_PER_TAP;
      while (page.length < PAGE && next < Math.min(results.length, stop)) {
        const start = next;
        const end = Math.min(results.length, stop, start + PAGE - page.length);
        next = end;
        const batch = await Promise.all(
          results.slice(start, end).map((_, k) => read(start + k)));
        page.push(...batch.filter((data) => holdsEveryWord(data, query)));
      }
      list.append(...page.map(item));
      shown += page.length;
    })().finally(() => {
      loading = null;
      more.disabled = false;
      const all = next >= results.length;
      more.hidden = all;
      status.textContent = (all ? words.found : words.found_more)
        .replace('{n}', shown);
    });
    return loading;
  };
  more.addEventListener('click', showMore);
  return showMore;
}

// The results of `query` and the first one's data, or null when no note
// holds every word of it.
async function verifiedSearch(pagefind, query, options) {
  const search = await pagefind.search(query, options);
  if (!search.results.length) return null;
  const first = await search.results[0].data();
  return holdsEveryWord(first, query)
    ? { results: search.results, first, query } : null;
}

function finish(message, { withHelp = false } = {}) {
  status.textContent = message;
  help.hidden = !withHelp;
  browse.hidden = false;
  root.dataset.done = 'true';
}

async function run() {
  const params = new URLSearchParams(location.search);
  const chosen = chosenValues(params);
  if (FILTERS.some((f) => chosen[f]) || chosen.kram) {
    form.querySelector('details').open = true;
  }
  const typed = params.get('q') || '';
  const query = normalizeQuery(typed);
  if (!query) {
    finish(typed.trim() ? words.rejected : words.empty, { withHelp: true });
    return;
  }
  browse.hidden = true;
  status.textContent = words.searching;
  let found = null;
  try {
    const pagefind = await import(`${root.dataset.bundle}pagefind.js`);
    await pagefind.options({ excerptLength: 24 });
    const filters = {};
    for (const f of FILTERS) if (chosen[f]) filters[f] = chosen[f];
    const options = { filters };
    if (chosen.kram === 'naye') options.sort = { date: 'desc' };
    for (const q of [query, ...joinedQueries(typed)]) {
      found = await verifiedSearch(pagefind, q, options);
      if (found) break;
    }
  } catch (e) {
    finish(words.failed);
    throw e;
  }
  if (!found) {
    finish(words.none);
    return;
  }
  try {
    await pager(found.results, found.first, found.query)();
  } finally {
    root.dataset.done = 'true';
  }
}

document.getElementById('khoj-nojs').hidden = true;
form.hidden = false;
run();
