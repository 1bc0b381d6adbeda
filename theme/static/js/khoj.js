// The search page (/khoj/): runs the query in the address (?q=…&thana=…
// &shreni=…&varsh=…&kram=naye) with Pagefind, loaded from this host only.
// The index is in parts: the newest year's (its newest block of notes and
// the ones before it) and the older years' (pagefind/<part>/, listed in
// pagefind/shards.json), merged into one search here. The stations' other
// spellings are not on the note pages: the page reads them from
// pagefind/spellings.json and finds their notes by them (spelledSearch).
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
const FILLERS = new Set(rules.fillers);
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
  // A query written as a sentence loses its filler words (terms.py
  // QUERY_FILLERS: me, ka, kaise, में, कब, क्या…), unless it has no other.
  const words = tokens.filter((t) => !FILLERS.has(t));
  return (words.length ? words : tokens).slice(0, MAX_WORDS);
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
// makes बाढ़ (flood) and बढ़ (rise), हत्या and होती, चोरी and चौराहा the same
// letters, and it matches the beginning of words (ईद found इंदौर). So the
// page checks every result itself, word by whole word, with the vowel signs
// kept. A word is compared in the spelling the build's rules choose (terms.py
// SPELLING_RULES: ऐ/ए, औ/ओ, ई/इ, ऊ/उ, half nasal/anusvara, chandrabindu/
// anusvara, ण/न), in NFC, without the marks readers write or leave out at
// will (nukta, virama, anusvara: गांव and गाव, बड़ावदा and बडावदा), and
// without one inflection ending (ENDINGS): थाना, थाने and थानों are one
// word, चोरी and चौराहा two. Long i and u signs count as short ones
// (readers write दिपावली for दीपावली), unless the best note holding the
// query's words has the word as typed (findResults): then सूना (deserted,
// सूने मकान) is not सुनी (heard).
const LOOSE_MARKS = /[\u093c\u0901\u0902]/g;
const VIRAMA = /\u094d/g;
// Endings of plural and oblique forms, tried in order, the first that
// matches cut: -ियों/-ियां/-िये (समितियों, समिति), -ाओं/-ाएं (दुर्घटनाओं,
// महिलाएं), then one final vowel sign (थाने, थानों, चोरी, मोटरसाइकिलें).
// Written after LOOSE_MARKS is applied (ों is ो by then).
const ENDINGS = [
  /\u093f?\u092f[\u093e\u0947\u094b]$/u,
  /\u093e?[\u0913\u090f]$/u,
  /[\u093e-\u094c\u0962\u0963]$/u,
];
// What a word ended in, kept with its stem: a vowel of inflection (थाना,
// थाने, चोरी, समितियों), a consonant (हाथ, मोटरसाइकिल), or -ों/-ें, which
// follow either (थानों, हाथों, मोटरसाइकिलें). A short word that ends in a
// consonant is not the same word with a vowel sign: हाथी (elephant) is not
// हाथ (hand), साथी not साथ, चोरी (theft) not चोर (thief). A stem of
// LONG_STEM consonants or more with a vowel sign is the stem's word too, as
// Hindi makes nouns so: जब्ती, जब्त; गिरफ्तारी, गिरफ्तार.
const VOWEL = '#v';
const CONSONANT = '#c';
const NASAL_PLURAL = /[\u0947\u094b]\u0902$/u;
const LONG_STEM = 3;
const consonants = (w) => (w.match(/[\u0915-\u0939\u0958-\u095f]/gu) || []).length;
const isDevanagari = (s) => /[\u0900-\u097f]/u.test(s);
const inShared = (s) => apply(s.toLowerCase().normalize('NFC'), SPELLING);
// A word in the shared spelling without the loose marks, its virama kept;
// long i and u signs as short ones unless `strict`.
const lettersAs = (s, strict) => {
  const w = inShared(s).normalize('NFD').replace(LOOSE_MARKS, '');
  return (strict ? w : w.replace(/\u0940/g, '\u093f').replace(/\u0942/g, '\u0941'))
    .normalize('NFC');
};
const spelled = (s) => lettersAs(s, false);
// The keys a word is compared by (equal keys: the same word).
function foldedKeys(s, strict) {
  if (/^[a-z0-9]*$/.test(s)) return [s];
  const w = lettersAs(s, strict).replace(VIRAMA, '');
  if (!isDevanagari(w)) return [w];
  const end = ENDINGS.find((re) => re.test(w));
  const stem = (end && w.replace(end, '')) || w;
  if (!end || stem === w) return [stem + CONSONANT];
  if ((end === ENDINGS[2] && NASAL_PLURAL.test(inShared(s)))
      || consonants(stem) >= LONG_STEM) {
    return [stem + VOWEL, stem + CONSONANT];
  }
  return [stem + VOWEL];
}
// Every result's whole text is folded word by word, and notes share most
// of their words: each word is folded once.
const foldedWords = [new Map(), new Map()];
export function fold(s, strict = false) {
  const known = foldedWords[strict ? 1 : 0];
  let keys = known.get(s);
  if (keys === undefined) {
    keys = foldedKeys(s, strict);
    known.set(s, keys);
  }
  return keys;
}

// The stations' other spellings (pagefind/spellings.json, written by the
// build: plugins/search station_spellings): {station: its hidden forms}.
// They are on no note page (an edit of them would make most of the index
// again); a note holds its station's, as the note pages held them before,
// when its words are read here (foundWords, headlineOf), and the searches
// find its notes by them (spelledSearch).
let stationSpellings = new Map();
// Pagefind's fold of a word before it compares it: lowercase, without
// marks (vowel signs, nukta, virama; accents).
export const pagefindFold = (s) => s.toLowerCase().normalize('NFD')
  .replace(/\p{M}/gu, '').normalize('NFC');
// The spellings of `data` (a station's name, {station: forms}) as the page
// reads them: each station's forms, and each form as Pagefind folds it.
function readSpellings(data) {
  const read = new Map();
  for (const [name, text] of Object.entries(data || {})) {
    read.set(name, { text, keys: text.split(' ').filter(Boolean).map(pagefindFold) });
  }
  return read;
}
// The hidden forms of the other spellings of the station named `thana`,
// set apart from the words before them (a sign: joined with a neighbour,
// it adds no word) as the hidden heading set its words apart.
const spellingsOf = (thana) => {
  const text = thana && stationSpellings.get(thana)?.text;
  return text ? ` · ${text}` : '';
};

// The words of a result (its whole text, the hidden romanized block too,
// its station's other spellings), folded; each joined with its neighbour, since a note writes a compound
// as one word or two at will (नशामुक्ति, नशा मुक्ति): a query word must
// equal such a joined word (bilpankq would begin bilpank + kala); and the
// Devanagari words as spelled (for compounds). Read once a result (it is
// checked against several queries), the joined and spelled words, and the
// words folded with their vowel lengths, only when a query needs them.
let wordsOf = new WeakMap();
const lettersOf = (raw) => {
  const word = raw.toLowerCase();
  return [
    word.replace(/[^\p{L}\p{M}\p{N}]/gu, ''),
    ...word.split(/[^\p{L}\p{M}\p{N}]+/u),
  ].filter(Boolean);
};
function foundWords(data) {
  if (wordsOf.has(data)) return wordsOf.get(data);
  const spelt = data.meta ? spellingsOf(data.meta.thana) : '';
  const text = (data.content + spelt).split(/\s+/).filter(Boolean);
  const keysOf = (words, strict) => new Set(
    words.flatMap(lettersOf).flatMap((w) => fold(w, strict)));
  const pairs = () => text.slice(1).map((word, i) => text[i] + word);
  const single = keysOf(text, false);
  const kept = {};
  const once = (name, make) => () => {
    kept[name] ??= make();
    return kept[name];
  };
  const found = {
    single: (strict) => (strict ? found.strict() : single),
    strict: once('strict', () => keysOf(text, true)),
    latin: [...single].filter((w) => !isDevanagari(w)),
    joined: (strict) => (strict ? found.joinedStrict() : found.joinedLoose()),
    joinedLoose: once('joined', () => keysOf(pairs(), false)),
    joinedStrict: once('joinedStrict', () => keysOf(pairs(), true)),
    whole: once('whole', () => [...new Set(text
      .flatMap((word) => word.split(/[^\p{L}\p{M}\p{N}]+/u))
      .filter(isDevanagari).map(spelled))]),
  };
  wordsOf.set(data, found);
  return found;
}

// A word may also begin a note's word that is a compound, the rest of it a
// word of its own, of at least COMPOUND_REST letters: doda, dodachura;
// डोडा, डोडाचूरा (compared with their vowel signs and virama, the rest
// beginning with a letter, not a sign: साँप is not the start of साप्ताहिक,
// ईद not of इंदौर, nor चोरी of चौराहा); a shorter rest is an ending or
// another word (chor, chorha), and a word shorter than this begins too many.
const COMPOUND_REST = 3;
// A Devanagari word shorter than this (in code points) begins no compound
// (गुम is not गुमशुदा: a lost thing, a missing person).
const COMPOUND_START = 4;
const LETTER = /^[\u0904-\u0939\u0958-\u0961\u0972-\u097fa-z0-9]/u;
const begins = (word, start) => start.length >= COMPOUND_REST
  && word.startsWith(start) && word.length - start.length >= COMPOUND_REST
  && LETTER.test(word.slice(start.length));

// The skeleton of a note's Latin word (terms.skeleton), each word once.
const skeletons = new Map();
function skeletonOf(word) {
  let shape = skeletons.get(word);
  if (shape === undefined) {
    shape = apply(word, LATIN);
    if (shape.length < rules.latin_min) shape = word;
    skeletons.set(word, shape);
  }
  return shape;
}
// A Latin word's consonants, a digraph (th, kh, sh…) as one.
const latinConsonants = (w) => w.replace(/([bcdgjkpst])h/g, '$1')
  .replace(/[aeiouy]/g, '').length;

// Whether the result `data` holds the query word `term` as one of its words
// (folded as above; with its vowel lengths if `strict`) or joined from two.
// A Latin word typed with a final vowel (hathi) whose skeleton (hath) has
// fewer than LONG_STEM consonants must be the skeleton of a note's word
// that ends in a vowel too: hathi (हाथी) is not hath (हाथ), as in
// Devanagari above.
function holdsWord(data, term, strict = false) {
  const found = foundWords(data);
  const want = fold(term, strict);
  const has = (set) => want.some((k) => set.has(k));
  if (!has(found.single(strict))) return has(found.joined(strict));
  if (isDevanagari(term)) return true;
  const typed = typedAs.get(term) || [term];
  if (!typed.every((w) => /[aiouy]$/.test(w))
      || latinConsonants(term) >= LONG_STEM) return true;
  return found.latin.some((w) => /[aeiouy]$/.test(w) && skeletonOf(w) === term);
}

// The places (in `query`, split at spaces) of the words the result `data`
// does not hold. A word must be one of the note's words (folded as above;
// a word at a place in `strict` with its vowel lengths), or begin a
// compound. A Latin word (a skeleton) begins a compound only as typed, the
// skeleton being too loose for that (bike's skeleton bik is not बिक्री's
// bikri, dowry's dor not दौरान's doran, durga's durg not दुर्घटना's
// durghatn; doda begins डोडाचूरा's dodachura).
export function absentTerms(data, query, strict = new Set()) {
  const { latin, whole } = foundWords(data);
  const terms = query.split(' ');
  return terms.map((_, i) => i).filter((i) => {
    if (holdsWord(data, terms[i], strict.has(i))) return false;
    if (isDevanagari(terms[i])) {
      const start = spelled(terms[i]);
      return start.length < COMPOUND_START || !whole().some((w) => begins(w, start));
    }
    const [want] = fold(terms[i]);
    const typed = typedAs.get(want) || [want];
    return !latin.some((w) => typed.some((k) => w === k || begins(w, k)));
  });
}

// The places of the query's Devanagari words that the note `data` holds
// with their vowel lengths as typed.
const heldAsTyped = (data, query) => new Set(query.split(' ').map((_, i) => i)
  .filter((i) => isDevanagari(query.split(' ')[i])
    && holdsWord(data, query.split(' ')[i], true)));

export const missingWords = (data, query, strict) => absentTerms(data, query, strict).length;

export const holdsEveryWord = (data, query, strict) => missingWords(data, query, strict) === 0;

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
// offer (an old or mistyped link, a year whose notes were all withdrawn) is
// left out rather than finding nothing behind a blank choice, and the page
// says so.
function chosenValues(params) {
  const chosen = {};
  const dropped = [];
  for (const el of form.elements) {
    if (!el.name) continue;
    const value = params.get(el.name) || '';
    if (el.tagName === 'SELECT'
        && ![...el.options].some((o) => o.value === value)) {
      el.value = '';
      dropped.push(value);
      continue;
    }
    el.value = value;
    if (value) chosen[el.name] = value;
  }
  // Said on the page, as text: the reader must not take the list for that
  // year's, station's or category's notes.
  const note = document.getElementById('khoj-dropped');
  note.textContent = words.dropped.replace(
    '{v}', dropped.map((v) => `‘${v}’`).join(', '));
  note.hidden = !dropped.length;
  return chosen;
}

// The results of a search in the order the page lists them, made of parts
// (async functions giving a stream, {take(n)}: up to n more results, none
// when done), each started only when the pager has read every result
// before it: the part that needs the older years' index loads it then.
class Listing {
  constructor(parts) {
    this.items = [];
    this.parts = [...parts];
    this.stream = null;
  }

  get done() {
    return !this.stream && !this.parts.length;
  }

  // Whether result n exists (reading on into the next parts if needed).
  async reach(n) {
    while (this.items.length <= n && !this.done) {
      this.stream ??= await this.parts.shift()();
      const got = await this.stream.take(n + 1 - this.items.length);
      if (got.length) this.items.push(...got);
      else this.stream = null;
    }
    return this.items.length > n;
  }
}

// A list of Pagefind results as a stream.
function listed(results) {
  let at = 0;
  return {
    take: async (n) => {
      const got = results.slice(at, at + n);
      at += got.length;
      return got;
    },
  };
}

// The pager: each tap adds the next PAGE notes that pass found.check
// (Pagefind also lists, ranked lower, notes where a word only shares its
// consonants: चोरी and चार). Until every result has been read the count says
// "and more". A tap while a page is loading does nothing. A result that could
// not be read (a dropped connection) is read again on the next tap, from a
// fresh search (Pagefind keeps a failed read): nothing is skipped or listed
// twice.
function pager(found, research, live) {
  let { listing } = found;
  let next = 0;
  let shown = 0;
  let loading = null;
  let broken = false;
  const finished = () => listing.done && next >= listing.items.length;
  const counted = () => {
    const all = finished();
    let line;
    if (found.partial) {
      const count = (all ? words.partial_found : words.partial_more);
      line = `${words.partial} ${count.replace('{n}', shown)}`;
    } else {
      line = (all ? words.found : words.found_more).replace('{n}', shown);
    }
    // The older years' notes come after the newest year's: said while
    // their index is not loaded.
    return !all && found.older() ? `${line}। ${words.older}` : line;
  };
  const readPage = async () => {
    if (broken) {
      const again = await research();
      if (again) found = again;
      listing = again ? again.listing : new Listing([]);
      broken = false;
    }
    let added = 0;
    const stop = next + READ_PER_TAP;
    while (added < PAGE && next < stop && await listing.reach(next)) {
      const start = next;
      await listing.reach(Math.min(stop, start + PAGE - added) - 1);
      const end = Math.min(listing.items.length, stop, start + PAGE - added);
      const batch = await Promise.allSettled(
        listing.items.slice(start, end).map((r) => r.data()));
      const failed = batch.findIndex((b) => b.status === 'rejected');
      const read = failed < 0 ? batch : batch.slice(0, failed);
      next = start + read.length;
      if (!live()) return;
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
      () => { if (live()) status.textContent = counted(); },
      (error) => {
        if (!live()) return;
        broken = true;
        status.textContent = `${counted()} ${words.broken}`;
        console.warn(error);
      },
    ).finally(() => {
      loading = null;
      if (!live()) return;
      more.disabled = false;
      more.hidden = !broken && finished();
      root.dataset.done = 'true';
    });
    return loading;
  };
  more.onclick = showMore;
  return showMore;
}

// The stations' other spellings, asked of the server with each search, as
// shards.json is (an edit of them changes this file alone). When they
// changed, the words of the results read before are read again.
const spellingList = () => bundleList('spellings.json', 'spellings');
let spellingsRead = '';
function useSpellings(data) {
  const text = JSON.stringify(data);
  if (text === spellingsRead) return;
  spellingsRead = text;
  stationSpellings = readSpellings(data);
  wordsOf = new WeakMap();
  headlines = new WeakMap();
}

// Pagefind's keys of a query word (each a beginning a word it finds must
// have): the word folded as Pagefind folds it; a Devanagari one also
// without the letters an inflection ending keeps once its marks are
// dropped (ियों, ाएं, ाओं: Pagefind's stemmer takes such endings away), so
// that no station whose spellings Pagefind matches is missed (one matched
// here that Pagefind would not match costs a search, not a result: every
// result is checked against the query's words, its station's spellings
// among them).
function pagefindKeys(term) {
  const key = pagefindFold(term);
  if (!isDevanagari(key)) return [key];
  const stem = key.replace(/[\u0905-\u0914\u092f]+$/u, '');
  return stem && stem !== key ? [key, stem] : [key];
}

// The stations whose other spellings hold words of `query` (the query as
// it is sent to Pagefind, its words split at spaces), grouped by the
// places of those words: [{held, stations, rest}], rest being the query
// without them. Pagefind finds a note by a word when one of its words
// begins with it; so here a station's forms. When no word begins with it,
// Pagefind finds the notes of the longest word it begins with: so here,
// when no station's form begins with it, the stations with a form it
// begins with (zorbaghtekdi, a spelling of two words typed as one, by
// jorbagh; the page joins the forms when it checks the notes). `reach`:
// for each such place, the length of the longest form it begins with
// (spelledSearch). Only the station `thana` when the reader filters by
// one. `owned`: the places of words a note's own word begins with (no
// fallback there, spelledSearch finds them).
export function spellingGroups(query, thana = '', owned = new Set()) {
  const terms = query.split(' ');
  const keys = terms.map(pagefindKeys);
  const all = [...stationSpellings.values()];
  const begun = terms.map((_, i) => owned.has(i) || all.some((s) => s.keys
    .some((form) => keys[i].some((k) => form.startsWith(k)))));
  const reach = new Map();
  const holds = (form, i) => keys[i].some((k) => (begun[i]
    ? form.startsWith(k) : form.length < k.length && k.startsWith(form)));
  const groups = new Map();
  for (const [name, spelt] of stationSpellings) {
    if (thana && name !== thana) continue;
    const held = terms.map((_, i) => i).filter((i) => spelt.keys
      .some((form) => holds(form, i)));
    if (!held.length) continue;
    for (const i of held.filter((k) => !begun[k])) {
      const longest = Math.max(...spelt.keys.filter((form) => holds(form, i))
        .map((form) => form.length));
      reach.set(i, Math.max(reach.get(i) || 0, longest));
    }
    const id = held.join(' ');
    if (!groups.has(id)) {
      const rest = terms.filter((_, i) => !held.includes(i)).join(' ');
      groups.set(id, { held, stations: [], rest });
    }
    groups.get(id).stations.push(name);
  }
  const found = [...groups.values()];
  found.reach = reach;
  return found;
}

// Whether notes of the part the filters of `options` choose hold `term`
// among their own words, as Pagefind finds it: Pagefind finds notes by
// the indexed words that begin with a query word, or, when none does, by
// the longest indexed word the query word begins with (README, Search),
// so the best note it finds tells which (one note read). A word no
// station's form begins with (`need`: the length of the longest form it
// begins with) is also held by a note's word it begins with, as long as
// that form or longer: Pagefind found the notes of that word as well as
// the station's. A Devanagari word, which Pagefind's stemmer may shorten
// first, is taken as held when any note is found (a note too many is
// checked; one too few is lost).
async function holdsOwn(pagefind, term, options, need = Infinity, marks = false) {
  const found = (await pagefind.search(term, options)).results;
  if (!found.length) return false;
  if (isDevanagari(term) && !marks) return true;
  const keys = pagefindKeys(term);
  const { content } = await found[0].data();
  return content.split(/[^\p{L}\p{M}\p{N}]+/u).map(pagefindFold)
    .some((word) => keys.some((k) => word.startsWith(k)
      || (word.length >= need && k.startsWith(word))));
}

// The results of `query` as the index held the stations' other spellings
// on their note pages: Pagefind's results of the query as typed, and of
// each group of stations whose spellings hold some of its words
// (spellingGroups), the rest of the query filtered to those stations (no
// rest: every note of them), each note once, by Pagefind's score (the
// best of its scores), or, sorted, in the order Pagefind sorts the notes
// the filters leave. The query as typed is searched only in the parts
// (`parts`, each searched apart for this; none: the part the filters
// choose) where notes hold, among their own words, each word that a
// station's spellings hold: elsewhere every note holding all the words
// holds those by its station's spellings, and is found by them, and
// Pagefind would list the notes of shorter words instead.
async function spelledSearch(pagefind, query, options, parts = []) {
  const search = async (q, own) => (await pagefind.search(q, own)).results;
  const only = options.filters?.thana || '';
  const terms = query.split(' ');
  let groups = spellingGroups(query, only);
  // a word that begins a form only: Pagefind fell back to the form only
  // where no note's own word begins with it (the best note it finds has
  // one, read as it reads it, marks dropped), in the index part searched,
  // whatever the reader's filters
  const owned = new Set();
  const part = options.filters?.[PART];
  const whole = { ...options, filters: part ? { [PART]: part } : {} };
  for (const i of groups.reach.keys()) {
    if (await holdsOwn(pagefind, terms[i], whole, Infinity, true)) owned.add(i);
  }
  if (owned.size) groups = spellingGroups(query, only, owned);
  if (!groups.length) return search(query, options);
  const spelt = [...new Set(groups.flatMap((g) => g.held))];
  const inPart = (part) => ({ ...options, filters: { ...options.filters, [PART]: part } });
  const holding = async (own) => {
    for (const i of spelt) {
      const need = groups.reach.get(i);
      if (!(await holdsOwn(pagefind, terms[i], own, need))) return false;
    }
    return true;
  };
  const lists = [];
  if (!parts.length) {
    if (await holding(options)) lists.push(await search(query, options));
  } else {
    const kept = [];
    for (const part of parts) if (await holding(inPart(part))) kept.push(part);
    if (kept.length === parts.length) lists.push(await search(query, options));
    else if (kept.length) lists.push(await search(query, inPart({ any: kept })));
  }
  for (const { stations, rest } of groups) {
    const thana = stations.length === 1 ? stations[0] : { any: stations };
    const own = { ...options, filters: { ...options.filters, thana } };
    lists.push(await search(rest || null, own));
  }
  const byId = new Map();
  for (const r of lists.flat()) {
    const kept = byId.get(r.id);
    if (!kept || kept.score < r.score) byId.set(r.id, r);
  }
  const found = [...byId.values()];
  if (!options.sort) return found.sort((a, b) => b.score - a.score);
  const place = new Map(
    (await search(null, options)).map((r, k) => [r.id, k]));
  return found.sort((a, b) => place.get(a.id) - place.get(b.id));
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

// Throws if Pagefind failed to load a file while `work` ran.
async function checked(work) {
  const before = failedLoads.length;
  const done = await work();
  if (failedLoads.length > before) throw new LoadFailed(failedLoads.at(-1));
  return done;
}

// The `key` of the bundle's file `name` (a list plugins/search writes beside
// the index), asked of the server each time: builds change it.
async function bundleList(name, key) {
  const response = await fetch(`${root.dataset.bundle}${name}`, { cache: 'no-cache' });
  if (!response.ok) throw new LoadFailed(response.url);
  return (await response.json())[key];
}

// The indexes, newest first, each with the years it holds and its parts,
// newest first (plugins/search writes the list: the newest year's and the
// older years'; asked of the server each time, as new notes change them).
const shardList = () => bundleList('shards.json', 'shards');

// The indexes a search reads (`shards`, newest first), loaded one at a
// time as the search needs them: the newest year's when the page opens,
// each older one merged into it (Pagefind's mergeIndex: its script and
// WebAssembly are fetched once) only when the newest gives too few notes
// or the reader asks for more. A word in almost every note is one large
// index part in each index, so a first query that reads the newest year's
// alone fetches about half the bytes. Pagefind lists the results of merged
// indexes by score, and scores a sorted search's results by their place in
// each index apart: so each index is searched on its own, its years as a
// filter once another is loaded, and the page lists the newest index's
// results first. An index in several parts (the newest year's: its newest
// notes and the ones before them) loads them all; each part's notes carry
// its name as a filter (`bhag`, Pagefind's mergeFilter), and a search of
// the index lists each part's results in turn, newest part first (a part's
// notes are all newer than the next's): sorted, Pagefind scores a result by
// its place in its index; by score, by its words' counts in its index, so
// a word in many of the newest block's few notes (the day's story) would
// score them below an older note that mentions it once.
const PART = 'bhag';
// The parts of an index as shards.json lists them (one, its own name, in a
// list written before the newest year had parts).
const partsOf = (shard) => shard.parts || [shard.name];
function indexes(pagefind, shards) {
  const bundle = root.dataset.bundle;
  const shared = { excerptLength: 24 };
  let loaded = 0;
  const load = async (i) => {
    for (; loaded <= i; loaded++) {
      for (const part of partsOf(shards[loaded])) {
        const path = `${bundle}${part}/`;
        const own = { ...shared, mergeFilter: { [PART]: part } };
        if (part === partsOf(shards[0])[0]) {
          await pagefind.options({ ...own, noWorker: true, basePath: path });
        } else {
          await checked(() => pagefind.mergeIndex(path, own));
        }
      }
    }
  };
  // The results of each part of index i, newest part first.
  const inParts = async (i, query, options) => {
    const parts = partsOf(shards[i]);
    if (parts.length === 1) {
      return [await spelledSearch(pagefind, query, options)];
    }
    const lists = [];
    for (const part of parts) {
      const own = { ...options, filters: { ...options.filters, [PART]: part } };
      lists.push(await spelledSearch(pagefind, query, own));
    }
    return lists;
  };
  const yearsOf = (i) => {
    const { years } = shards[i];
    return years.length === 1 ? years[0] : { any: years };
  };
  return {
    count: shards.length,
    older: () => loaded < shards.length,
    // The results of `query` in index i (loaded first if need be), each
    // part's in a list of its own, newest part first.
    async searchParts(i, query, options) {
      await load(i);
      const { filters } = options;
      const kept = loaded > 1 && !filters.varsh
        ? { ...options, filters: { ...filters, varsh: yearsOf(i) } } : options;
      return checked(() => inParts(i, query, kept));
    },
    // The results of `query` in index i, part after part.
    async search(i, query, options) {
      return (await this.searchParts(i, query, options)).flat();
    },
    // The results of `query` in every index, by score (all loaded first).
    async searchAll(query, options) {
      await load(shards.length - 1);
      const parts = shards.flatMap(partsOf);
      return checked(() => spelledSearch(pagefind, query, options, parts));
    },
  };
}

// Results read at most to decide whether any note holds the query's words,
// best matches first, a few at a time: Pagefind ranks a note whose words
// only begin like the query's, or share its consonants, close to one that
// holds them, but notes that hold them first.
const DECIDE_READS = 20;
const DECIDE_BATCH = 5;

// The results (of a search by score) that pass `check`, read in order, a
// batch at a time, until `enough` have passed or `limit` have been read
// (every one that passed in the batches read).
async function passing(results, check, { enough = 1, limit = DECIDE_READS } = {}) {
  const kept = [];
  for (let i = 0; i < Math.min(results.length, limit) && kept.length < enough;
    i += DECIDE_BATCH) {
    const batch = await Promise.allSettled(
      results.slice(i, Math.min(i + DECIDE_BATCH, limit)).map((r) => r.data()));
    kept.push(...batch.filter((b) => b.status === 'fulfilled')
      .map((b) => b.value).filter(check));
    // A result that could not be read (a dropped connection) is no answer:
    // the search fails, unless enough were read without it.
    const failed = batch.find((b) => b.status === 'rejected');
    if (failed && kept.length < enough) throw failed.reason;
  }
  return kept;
}

// A result already read, for the pager.
const readResult = (data) => ({ id: data.url, data: async () => data });
// Newest first by the date the note page carries for Pagefind (ISO).
const byDateDesc = (a, b) => (b.meta.iso || '').localeCompare(a.meta.iso || '');
// Results read ahead in each list of a merge by date, so reads overlap.
const MERGE_AHEAD = 2;

// The results of several searches of one index, each sorted newest first,
// as one stream newest first: the next result is the newest of the lists'
// first unlisted ones, a note in several lists listed once. Each note's
// text is read once (to compare dates, and then for the pager); the reads
// are those of the notes listed, plus at most MERGE_AHEAD + 1 a list
// read ahead.
function mergedByDate(lists) {
  const at = lists.map(() => 0);
  const seen = new Set();
  const reads = new Map();
  const read = (r) => {
    if (!reads.has(r.id)) {
      const reading = r.data();
      reading.catch(() => {});  // a failure is thrown where it is awaited
      reads.set(r.id, reading);
    }
    return reads.get(r.id);
  };
  const head = (k) => {
    const list = lists[k];
    while (at[k] < list.length && seen.has(list[at[k]].id)) at[k]++;
    if (at[k] >= list.length) return null;
    list.slice(at[k] + 1, at[k] + 1 + MERGE_AHEAD).forEach(read);
    return read(list[at[k]]);
  };
  return {
    async take(n) {
      const out = [];
      while (out.length < n) {
        const heads = await Promise.all(lists.map((_, k) => head(k)));
        let best = -1;
        heads.forEach((data, k) => {
          if (data && (best < 0 || byDateDesc(data, heads[best]) < 0)) best = k;
        });
        if (best < 0) break;
        seen.add(lists[best][at[best]].id);
        at[best] += 1;
        out.push(readResult(heads[best]));
      }
      return out;
    },
  };
}

// A note whose title and station, with the words of its hidden heading
// (its title, station, category and tags, romanized and as synonyms), hold
// every word of the query is about it, not one that only mentions it.
let headlines = new WeakMap();
function headlineOf(data) {
  let headline = headlines.get(data);
  if (!headline) {
    const shabd = (data.anchors || []).find((a) => a.id === 'khoj-shabd');
    headline = {
      content: [data.meta.title, data.meta.thana, shabd && shabd.text]
        .filter(Boolean).join(' ') + spellingsOf(data.meta.thana),
    };
    headlines.set(data, headline);
  }
  return headline;
}
const isAbout = (data, q, strict) => holdsEveryWord(headlineOf(data), q, strict);

// The first page of a search by score in one index: its results (read
// here, a batch at a time) up to the PAGE-th that passes `check`, or the
// first READ_PER_TAP; `ids` collects the results listed.
function firstPage(ranked, check, ids) {
  let at = 0;
  let passed = 0;
  const limit = Math.min(ranked.length, READ_PER_TAP);
  return {
    async take(n) {
      const out = [];
      if (passed >= PAGE || at >= limit) return out;
      const batch = ranked.slice(at, Math.min(at + n, limit));
      // A result that could not be read fails the tap (the pager reads
      // again from a fresh search).
      const read = await Promise.all(batch.map((r) => r.data()));
      for (const [k, data] of read.entries()) {
        if (passed >= PAGE) break;
        at += 1;
        ids.add(batch[k].id);
        out.push(readResult(data));
        if (check(data)) passed += 1;
      }
      return out;
    },
  };
}

// The results for the reader's query, as a Listing. The notes holding every
// word (of the query, or of it with two neighbouring words joined) are
// decided on a search by score, index by index, newest first: an older
// index is loaded only when the newer give no such note. Listed by score:
// the first page from the index where they were found (the newest year's,
// as a rule) when one of its best such notes is about the query (isAbout),
// the rest from every index by score (the older years' index is loaded
// when the reader taps More results, or for the first page when that index
// gives too few, or none about the query); listed newest first: each index's sorted
// search, newest index first, the next loaded when the pager has read the
// one before. The pager reads on and leaves out the notes that do not hold
// every word. Else, for a query of several words, the notes holding all
// but one of them (partial), each saying which word it lacks, as the
// reader typed it: by score from every index, or newest first, each
// index's searches without each word merged by date, so every note listed
// is in date order. Else null.
async function findResults(ix, typed, query, options) {
  const { sort, ...byScore } = options;
  const order = [...Array(ix.count).keys()];
  for (const q of [query, ...joinedQueries(typed)]) {
    for (const i of order) {
      // decided on each part's best: the newest part's first holding the
      // words may only mention them where the year's earlier best is about
      // them (then every index is not loaded for the first page)
      const lists = await ix.searchParts(i, q, byScore);
      const ranked = lists.flat();
      const kept = [];
      for (const list of lists) {
        kept.push(...(await passing(list, (data) => holdsEveryWord(data, q))));
      }
      if (!kept.length) continue;
      // The query's words that the best of these notes holds with their
      // vowel lengths as typed are meant as typed: every note listed must
      // hold them so (सूना finds सूने मकान, not शिकायत सुनी).
      const strict = kept.map((data) => heldAsTyped(data, q))
        .reduce((a, b) => (b.size > a.size ? b : a));
      const check = (data) => holdsEveryWord(data, q, strict);
      let parts;
      if (sort) {
        parts = order.map((k) => async () => listed(await ix.search(k, q, options)));
      } else if (ix.count === 1) {
        parts = [async () => listed(ranked)];
      } else if (!kept.some((data) => isAbout(data, q, strict))) {
        // None of this index's best notes holding the words is about them
        // (a note of the newest year that mentions डोडाचूरा once would
        // come before an older one titled so): every index, by score.
        parts = [async () => listed(await ix.searchAll(q, byScore))];
      } else {
        const ids = new Set();
        parts = [
          async () => firstPage(ranked, check, ids),
          async () => listed(
            (await ix.searchAll(q, byScore)).filter((r) => !ids.has(r.id))),
        ];
      }
      // The line on older years, where the next tap searches them.
      const older = sort ? () => false : ix.older;
      return { listing: new Listing(parts), check, older };
    }
  }
  const terms = query.split(' ');
  if (terms.length < 2) return null;
  const rests = terms.map((_, i) => terms.filter((__, k) => k !== i).join(' '));
  const byId = new Map();
  for (const rest of rests) {
    for (const r of await ix.searchAll(rest, byScore)) {
      const kept = byId.get(r.id);
      if (!kept || kept.score < r.score) byId.set(r.id, r);
    }
  }
  const ranked = [...byId.values()].sort((a, b) => b.score - a.score);
  const check = (data) => missingWords(data, query) <= 1;
  if (!(await passing(ranked, check)).length) return null;
  const parts = !sort ? [async () => listed(ranked)]
    : order.map((k) => async () => {
      const lists = [];
      for (const rest of rests) lists.push(await ix.search(k, rest, options));
      return mergedByDate(lists);
    });
  const asTyped = queryTokens(typed);
  const shown = asTyped.length === terms.length ? asTyped : terms;
  const missing = (data) => absentTerms(data, query).map((i) => shown[i]);
  return {
    listing: new Listing(parts), check, partial: true, missing, older: () => false,
  };
}

// Each search the page runs (the address's, then each one the form sends)
// has a number; a search that a newer one replaced changes nothing on the
// page.
let generation = 0;

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

// Pagefind's script, loaded once for the page (the list of indexes is asked
// for each search: a build may have changed it since the page opened).
let loaded = null;
// The indexes the last search read (kept for the next search of the same
// years: what they loaded is not fetched again).
let session = null;

async function run() {
  const gen = ++generation;
  const live = () => gen === generation;
  root.dataset.run = String(gen);
  delete root.dataset.done;
  delete root.dataset.partial;
  list.replaceChildren();
  more.hidden = true;
  again.hidden = true;
  help.hidden = true;
  typedAs.clear();
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
  let shards = [];
  // The indexes this search reads (plugins/search: the newest year's and
  // the older years'): every one, newest first, loaded as needed; or only
  // the one holding the year the reader filters by.
  const open = async () => {
    const holding = shards.filter((s) => s.years.includes(chosen.varsh));
    const wanted = holding.length ? holding : shards;
    if (!wanted.length) return null;
    const key = wanted.map((s) => partsOf(s).join(' ')).join(' ');
    if (session?.key !== key) {
      if (session) await pagefind.destroy();
      session = { key, ix: indexes(pagefind, wanted) };
    }
    return findResults(session.ix, typed, query, options);
  };
  let found = null;
  try {
    loaded ??= import(`${root.dataset.bundle}pagefind.js`);
    let spelt;
    [pagefind, shards, spelt] = await Promise.all(
      [loaded, shardList(), spellingList()],
    ).catch((error) => {
      loaded = null;
      throw error;
    });
    useSpellings(spelt);
    found = await open();
  } catch (error) {
    if (!live()) return;
    finish(words.failed, { retry: true });
    console.warn(error);
    return;
  }
  if (!live()) return;
  if (!found) {
    finish(words.none);
    return;
  }
  if (found.partial) root.dataset.partial = 'true';
  const research = async () => {
    await pagefind.destroy();
    session = null;
    [shards] = await Promise.all([shardList(), spellingList().then(useSpellings)]);
    return open();
  };
  await pager(found, research, live)();
}

// A search sent from the form runs in this page (its address changes as a
// page's would, so it can be shared and Back returns to the one before):
// Pagefind, its WebAssembly and the index parts read are not loaded again.
form.addEventListener('submit', (event) => {
  event.preventDefault();
  const params = new URLSearchParams(new FormData(form));
  history.pushState(null, '', `${location.pathname}?${params}`);
  run();
});
window.addEventListener('popstate', () => run());

document.getElementById('khoj-nojs').hidden = true;
form.hidden = false;
run();
