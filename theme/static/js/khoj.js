// The search page (/khoj/): runs the query in the address (?q=…&thana=…
// &shreni=…&varsh=…&kram=naye) with Pagefind, loaded from this host only.
// The index is one Pagefind index a year (pagefind/<year>/, listed in
// pagefind/shards.json), merged into one search here.
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
const again = document.getElementById('khoj-again');

const compile = (pairs) =>
  pairs.map(([p, r]) => [new RegExp(p, 'g'), r.replace(/\\(\d)/g, '$$$1')]);
const [CLEAN, ...LATIN] = compile(rules.latin);
const DEVANAGARI = compile(rules.devanagari);
const SPELLING = compile(rules.spelling);
const apply = (word, compiled) =>
  compiled.reduce((w, [re, r]) => w.replace(re, r), word);

// The words as typed (cleaned) that became each skeleton (missingWords).
const typedAs = new Map();

// terms.skeleton: a skeleton shorter than latin_min is not used.
function latinWord(token) {
  const word = token.replace(...CLEAN);
  const shape = apply(word, LATIN);
  if (shape.length < rules.latin_min) return word;
  typedAs.set(shape, [...(typedAs.get(shape) || []), word]);
  return shape;
}

const asciiDigit = (d) => String(d.charCodeAt(0) - 0x966);

function queryTokens(text) {
  // As slugs.normalize on the index side: compatibility forms (fullwidth
  // letters) folded, Latin accents dropped (bilpānk), then NFC.
  const tokens = text.slice(0, MAX_CHARS).normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '').normalize('NFC')
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
// is compared here in the spelling the build's rules choose (terms.py
// SPELLING_RULES: ऐ/ए, औ/ओ, ई/इ, ऊ/उ, half nasal/anusvara, ण/न), without
// nukta, virama, anusvara and chandrabindu (गांव and गाव), long i and u signs
// as short ones, and without the vowel signs at its end (थाना, थाने, थानों):
// what is left must match.
const TRAILING_SIGNS = /[\u0900-\u0903\u093e-\u094c\u094e\u094f\u0955-\u0957\u0962\u0963]+$/u;
export const fold = (s) => apply(s.toLowerCase().normalize('NFC'), SPELLING)
  .normalize('NFD')
  .replace(/[\u093c\u094d\u0901\u0902]/g, '')
  .replace(/\u0940/g, '\u093f')
  .replace(/\u0942/g, '\u0941')
  .replace(TRAILING_SIGNS, '');

// Pagefind finds a query word in the indexed words that begin with it; when
// none does, it takes the longest indexed word the query word begins with
// instead (kidnapping found ki, हत्या found होती). It does so for every page
// alike, so the first result tells: it must hold, for every query word, a
// word that begins with it, or no note has that word.
// The words around each match (Pagefind's locations), folded; and each
// joined with its neighbour, since a note writes a compound as one word or
// two at will (नशामुक्ति, नशा मुक्ति): a query word must equal such a joined
// word, not only begin it (bilpankq would begin bilpank + kala).
function foundWords(data) {
  const text = data.content.split(/\s+/);
  const single = new Set();
  const joined = new Set();
  const parts = (raw) => {
    const word = (raw || '').toLowerCase();
    return [
      word.replace(/[^\p{L}\p{M}\p{N}]/gu, ''),
      ...word.split(/[^\p{L}\p{M}\p{N}]+/u),
    ].map(fold);
  };
  for (const i of data.locations) {
    for (const w of parts(text[i])) single.add(w);
    for (const w of parts((text[i - 1] || '') + text[i])) joined.add(w);
    for (const w of parts(text[i] + (text[i + 1] || ''))) joined.add(w);
  }
  return { single: [...single], joined };
}

// The places (in `query`, split at spaces) of the words the result `data`
// does not hold. A Latin word
// as short as the shortest skeleton is too loose to begin a note's word: it
// must be one of them, or the word as typed must begin one (bike's skeleton
// bik is not बिक्री's bikri, dowry's dor not दौरान's doran; doda begins
// डोडाचूरा's dodachura). Longer words and Devanagari ones may begin a word.
export function absentTerms(data, query) {
  const { single, joined } = foundWords(data);
  const terms = query.split(' ');
  return terms.map((_, i) => i).filter((i) => {
    const t = terms[i];
    const want = fold(t);
    const short = /^[a-z0-9]+$/.test(want) && want.length <= rules.latin_min;
    const typed = (typedAs.get(want) || []).filter((w) => w.length > want.length);
    const found = short
      ? single.some((w) => w === want || typed.some((k) => w.startsWith(k)))
      : single.some((w) => w.startsWith(want));
    return !joined.has(want) && !found;
  });
}

export const missingWords = (data, query) => absentTerms(data, query).length;

export const holdsEveryWord = (data, query) => missingWords(data, query) === 0;

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

function item(data, missing) {
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
  li.append(h, meta);
  // A note listed though it lacks a word of the query says which.
  const lacks = missing ? missing(data) : [];
  if (lacks.length) {
    const note = document.createElement('p');
    note.className = 'meta khoj-lacks';
    note.textContent = words.lacks.replace('{w}', lacks.join(', '));
    li.append(note);
  }
  li.append(p);
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

// The pager: each tap adds the next PAGE notes that pass found.check
// (Pagefind also lists, ranked lower, notes where a word only shares its
// consonants: चोरी and चार). Until every result has been read the count says
// "and more". A tap while a page is loading does nothing. A result that could
// not be read (a dropped connection) is read again on the next tap, from a
// fresh search (Pagefind keeps a failed read): nothing is skipped or listed
// twice.
function pager(found, research) {
  let { results } = found;
  let next = 0;
  let shown = 0;
  let loading = null;
  let broken = false;
  const counted = () => {
    const all = next >= results.length;
    if (found.partial) {
      const count = (all ? words.partial_found : words.partial_more);
      return `${words.partial} ${count.replace('{n}', shown)}`;
    }
    return (all ? words.found : words.found_more).replace('{n}', shown);
  };
  const readPage = async () => {
    if (broken) {
      const again = await research();
      results = again ? again.results : [];
      broken = false;
    }
    let added = 0;
    const stop = next + READ_PER_TAP;
    while (added < PAGE && next < Math.min(results.length, stop)) {
      const start = next;
      const end = Math.min(results.length, stop, start + PAGE - added);
      const batch = await Promise.allSettled(
        results.slice(start, end).map((r) => r.data()));
      const failed = batch.findIndex((b) => b.status === 'rejected');
      const read = failed < 0 ? batch : batch.slice(0, failed);
      next = start + read.length;
      const page = read.map((b) => b.value).filter(found.check);
      list.append(...page.map((data) => item(data, found.missing)));
      added += page.length;
      shown += page.length;
      if (failed >= 0) throw batch[failed].reason;
    }
  };
  const showMore = () => {
    if (loading) return loading;
    more.disabled = true;
    loading = readPage().then(
      () => { status.textContent = counted(); },
      (error) => {
        broken = true;
        status.textContent = `${counted()} ${words.broken}`;
        console.warn(error);
      },
    ).finally(() => {
      loading = null;
      more.disabled = false;
      more.hidden = !broken && next >= results.length;
      root.dataset.done = 'true';
    });
    return loading;
  };
  more.onclick = showMore;
  return showMore;
}

// The index parts Pagefind could not load: it logs such a failure and
// searches on without that part, which would read as "no note has these
// words". Pagefind runs in this page (not a worker) so its requests pass here.
const failedLoads = [];
const pageFetch = window.fetch.bind(window);
window.fetch = async (input, init) => {
  try {
    const response = await pageFetch(input, init);
    if (!response.ok) failedLoads.push(String(input));
    return response;
  } catch (error) {
    failedLoads.push(String(input));
    throw error;
  }
};

class LoadFailed extends Error {}

// The years with an index, newest first (plugins/search writes the list;
// asked of the server each time, as a new year adds one).
async function shardYears() {
  const response = await fetch(
    `${root.dataset.bundle}shards.json`, { cache: 'no-cache' });
  if (!response.ok) throw new LoadFailed(response.url);
  return (await response.json()).years;
}

// The years whose index is loaded, newest first (run: open).
let loadedYears = [];

// Pagefind lists the results of merged indexes by score, and a sorted
// search scores each index's results apart: newest first is searched one
// year (one index) at a time, newest year first.
async function searchChecked(pagefind, query, options) {
  const before = failedLoads.length;
  const parts = options.sort && loadedYears.length > 1
    ? loadedYears.map((year) => ({
      ...options, filters: { ...options.filters, varsh: year } }))
    : [options];
  const results = [];
  for (const part of parts) {
    results.push(...(await pagefind.search(query, part)).results);
  }
  if (failedLoads.length > before) throw new LoadFailed(failedLoads.at(-1));
  return results;
}

// Whether one of the first results passes `check` (Pagefind ranks a note
// whose words only begin like the query's, or share its consonants, as high
// as one that holds them).
async function anyPasses(results, check) {
  const first = await Promise.allSettled(
    results.slice(0, 5).map((r) => r.data()));
  if (first.some((b) => b.status === 'fulfilled' && check(b.value))) return true;
  const failed = first.find((b) => b.status === 'rejected');
  if (failed) throw failed.reason;
  return false;
}

// The results for the reader's query: the notes holding every word (of the
// query, or of it with two neighbouring words joined); else, for a query of
// several words, the notes holding all but one of them (partial), ranked by
// Pagefind's score, each saying which word it lacks, as the reader typed it;
// else null.
async function findResults(pagefind, typed, query, options) {
  for (const q of [query, ...joinedQueries(typed)]) {
    const check = (data) => holdsEveryWord(data, q);
    const results = await searchChecked(pagefind, q, options);
    if (await anyPasses(results, check)) return { results, check };
  }
  const terms = query.split(' ');
  if (terms.length < 2) return null;
  const byId = new Map();
  for (let i = 0; i < terms.length; i++) {
    const rest = terms.filter((_, k) => k !== i).join(' ');
    for (const r of await searchChecked(pagefind, rest, options)) {
      const kept = byId.get(r.id);
      if (!kept || kept.score < r.score) byId.set(r.id, r);
    }
  }
  const results = [...byId.values()].sort((a, b) => b.score - a.score);
  const check = (data) => missingWords(data, query) <= 1;
  const asTyped = queryTokens(typed);
  const shown = asTyped.length === terms.length ? asTyped : terms;
  const missing = (data) => absentTerms(data, query).map((i) => shown[i]);
  return (await anyPasses(results, check))
    ? { results, check, partial: true, missing } : null;
}

function finish(message, { withHelp = false, retry = false } = {}) {
  status.textContent = message;
  help.hidden = !withHelp;
  browse.hidden = false;
  again.hidden = !retry;
  root.dataset.done = 'true';
}

// A search that could not be loaded is tried again by loading the page
// again: a module or index part that failed stays failed in this page.
again.addEventListener('click', () => location.reload());

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
  const filters = {};
  for (const f of FILTERS) if (chosen[f]) filters[f] = chosen[f];
  const options = { filters };
  if (chosen.kram === 'naye') options.sort = { date: 'desc' };
  let pagefind = null;
  let years = [];
  // The index is one Pagefind index a year (plugins/search): the newest
  // year's is loaded and the others merged into it, or only the year the
  // reader filters by.
  const bundle = root.dataset.bundle;
  const open = async () => {
    const wanted = years.includes(chosen.varsh) ? [chosen.varsh] : years;
    if (!wanted.length) return null;
    loadedYears = wanted;
    const shared = { excerptLength: 24 };
    await pagefind.options({
      ...shared, noWorker: true, basePath: `${bundle}${wanted[0]}/`,
    });
    await Promise.all(wanted.slice(1).map(
      (year) => pagefind.mergeIndex(`${bundle}${year}/`, shared)));
    return findResults(pagefind, typed, query, options);
  };
  let found = null;
  try {
    [pagefind, years] = await Promise.all([
      import(`${bundle}pagefind.js`), shardYears()]);
    found = await open();
  } catch (error) {
    finish(words.failed, { retry: true });
    console.warn(error);
    return;
  }
  if (!found) {
    finish(words.none);
    return;
  }
  if (found.partial) root.dataset.partial = 'true';
  const research = async () => {
    await pagefind.destroy();
    return open();
  };
  await pager(found, research)();
}

document.getElementById('khoj-nojs').hidden = true;
form.hidden = false;
run();
