// Entity mentions of one document, from three sources, each mention carrying its method:
//   gazetteer  variants of the codebook's entities, linked to their canonical entity;
//   builtin    wink-nlp's own entities (dates, numbers, money, URLs, …), canonical = surface;
//   fallback   proper-noun runs the gazetteer lacks, with a guessed type and an `auto:` id.
// Priority where they overlap: gazetteer > builtin > fallback, with two refinements so that
// neither a date swallows a name nor a name a date: a built-in covering only part of a fallback
// name gives way to it ("Day" of "Remembrance Day", "Second" of "Second World War"), and a
// fallback name never starts with a word a DATE, TIME or DURATION holds ("Yesterday Mohamed").
// Mentions never overlap and come sorted by start.
import { entityTypes } from "../schemas/entities.ts"
import { entityVariants, type Gazetteer } from "../schemas/inputs/gazetteer.ts"
import { analyse, type AnalysedToken, type Analysis } from "./nlp.ts"

export type EntityType = (typeof entityTypes)[number]
export type MentionMethod = "gazetteer" | "fallback" | "builtin"

export interface Mention {
  /** UTF-16 offsets into the analysed text, end exclusive. */
  readonly start: number
  readonly end: number
  readonly surface: string
  readonly entityId: string | null
  readonly canonical: string
  readonly type: EntityType
  readonly wikidata: string | null
  readonly method: MentionMethod
}

interface LinkedEntity {
  readonly id: string
  readonly canonical: string
  readonly type: EntityType
  readonly wikidata: string | null
}

interface CompiledVariant {
  readonly entity: LinkedEntity
  /** The variant's tokens with apostrophes and dashes normalised, case kept. */
  readonly tokens: ReadonlyArray<string>
  readonly caseSensitive: boolean
}

/** A trie over case-folded tokens: walking it from a text token finds every variant starting there. */
interface TrieNode {
  readonly next: Map<string, TrieNode>
  readonly variants: Array<CompiledVariant>
}

export interface CompiledGazetteer {
  readonly version: string
  readonly root: TrieNode
}

// ---------------------------------------------------------------- token keys

/** Apostrophes and dashes written several ways compare equal ("Putin’s", "Russia–Ukraine"). */
const exactKey = (text: string): string => text.replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u2010-\u2015]/g, "-")
const foldedKey = (text: string): string => exactKey(text).toLowerCase()

const startsLowerCase = (text: string): boolean => /^\p{Ll}/u.test(text)
const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)

// ---------------------------------------------------------------- compiling the gazetteer

const emptyNode = (): TrieNode => ({ next: new Map(), variants: [] })

const insert = (root: TrieNode, variant: CompiledVariant): void => {
  let node = root
  for (const token of variant.tokens) {
    const key = token.toLowerCase()
    let child = node.next.get(key)
    if (child === undefined) {
      child = emptyNode()
      node.next.set(key, child)
    }
    node = child
  }
  node.variants.push(variant)
}

/** Builds the matcher once; variants are tokenised by wink-nlp like the texts they are matched against. */
export const compileGazetteer = (gazetteer: Gazetteer): CompiledGazetteer => {
  const root = emptyNode()
  for (const entry of gazetteer.entities) {
    const entity: LinkedEntity = { id: entry.id, canonical: entry.name, type: entry.type, wikidata: entry.wikidata ?? null }
    for (const variant of entityVariants(entry)) {
      const tokens = analyse(variant.text).tokens.map((token) => exactKey(token.text))
      if (tokens.length > 0) insert(root, { entity, tokens, caseSensitive: variant.case === "sensitive" })
    }
  }
  return { version: gazetteer.version, root }
}

// ---------------------------------------------------------------- gazetteer matches

/** Two tokens belong to one name only when nothing but spaces (no line break) separates them. */
const joined = (text: string, left: AnalysedToken, right: AnalysedToken): boolean =>
  !/[\n\r\u2028\u2029]/.test(text.slice(left.end, right.start))

/** Case-sensitive variants must match exactly, but a leading lower-case word may be capitalised ("The Kremlin"). */
const caseFits = (variant: CompiledVariant, tokens: ReadonlyArray<AnalysedToken>, from: number): boolean =>
  !variant.caseSensitive ||
  variant.tokens.every((expected, offset) => {
    const actual = exactKey(tokens[from + offset]!.text)
    return actual === expected || (offset === 0 && startsLowerCase(expected) && lowerFirst(actual) === expected)
  })

/** The longest variant starting at token `from`, as [variant, end token index]. */
const longestVariantAt = (
  text: string,
  tokens: ReadonlyArray<AnalysedToken>,
  from: number,
  root: TrieNode
): readonly [CompiledVariant, number] | undefined => {
  let best: readonly [CompiledVariant, number] | undefined
  let node: TrieNode | undefined = root
  for (let index = from; index < tokens.length; index++) {
    if (index > from && !joined(text, tokens[index - 1]!, tokens[index]!)) break
    node = node.next.get(foldedKey(tokens[index]!.text))
    if (node === undefined) break
    const fitting = node.variants.find((variant) => caseFits(variant, tokens, from))
    if (fitting !== undefined) best = [fitting, index + 1]
  }
  return best
}

/** "Putin’s", "Zelenskyy's", "United States’": the possessive belongs to the mention. */
const possessiveEnd = (tokens: ReadonlyArray<AnalysedToken>, end: number): number => {
  const last = tokens[end - 1]
  const next = tokens[end]
  if (last === undefined || next === undefined || next.start !== last.end) return end
  const mark = exactKey(next.text)
  return mark === "'s" || (mark === "'" && /s$/i.test(last.text)) ? end + 1 : end
}

interface TokenSpan {
  /** Token indices, end exclusive. */
  readonly first: number
  readonly end: number
}

const spanMention = (text: string, tokens: ReadonlyArray<AnalysedToken>, span: TokenSpan) => {
  const start = tokens[span.first]!.start
  const end = tokens[span.end - 1]!.end
  return { start, end, surface: text.slice(start, end) }
}

const gazetteerMentions = (text: string, tokens: ReadonlyArray<AnalysedToken>, gazetteer: CompiledGazetteer) => {
  const found: Array<{ readonly mention: Mention; readonly span: TokenSpan }> = []
  for (let index = 0; index < tokens.length; ) {
    const match = longestVariantAt(text, tokens, index, gazetteer.root)
    if (match === undefined) {
      index++
      continue
    }
    const [variant, end] = match
    const span = { first: index, end: possessiveEnd(tokens, end) }
    const { entity } = variant
    found.push({
      span,
      mention: { ...spanMention(text, tokens, span), entityId: entity.id, canonical: entity.canonical, type: entity.type, wikidata: entity.wikidata, method: "gazetteer" }
    })
    index = span.end
  }
  return found
}

// ---------------------------------------------------------------- wink-nlp built-ins

const builtinTypes: ReadonlySet<string> = new Set<EntityType>([
  "DATE", "TIME", "DURATION", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "URL", "EMAIL", "HASHTAG", "MENTION"
])

const builtinMentions = (analysis: Analysis): ReadonlyArray<Mention> =>
  analysis.winkEntities
    .filter((entity) => builtinTypes.has(entity.type) && entity.end > entity.start)
    .map((entity) => ({
      start: entity.start,
      end: entity.end,
      surface: entity.value,
      entityId: null,
      canonical: entity.value,
      type: entity.type as EntityType,
      wikidata: null,
      method: "builtin"
    }))

// ---------------------------------------------------------------- fallback: word lists

const calendarWords = new Set([
  "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
  "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"
])

/** Parts of speech that never start or continue a name, capitalised or not ("The", "In", "It", "However"). */
const closedClassPos = new Set(["ADV", "DET", "PRON", "ADP", "CCONJ", "SCONJ", "AUX", "PART", "PUNCT", "SYM", "NUM", "INTJ"])

/** Name particles that join the words around them: "Charles de Gaulle", "Johnson & Johnson". */
const nameParticles = new Set(["de", "del", "della", "di", "da", "du", "la", "le", "van", "von", "der", "den", "bin", "al", "&"])

/** Titles and offices: they make the name that follows a PERSON, and are not names on their own. */
const titles = new Set([
  "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.", "Dr", "Dr.", "Prof", "Prof.", "Professor", "Sir", "Dame", "Lord", "Lady",
  "President", "Minister", "Secretary", "Senator", "Sen.", "Rep.", "Representative", "Congressman", "Congresswoman",
  "Governor", "Gov.", "Mayor", "Chancellor", "General", "Gen.", "Colonel", "Col.", "Captain", "Capt.", "Lieutenant", "Lt.",
  "Sergeant", "Sgt.", "Admiral", "Marshal", "Commander", "Judge", "Justice", "Ambassador", "Envoy", "Chairman",
  "Chairwoman", "Chair", "Director", "Commissioner", "Speaker", "Spokesman", "Spokeswoman", "Spokesperson", "Pope",
  "Patriarch", "Bishop", "Archbishop", "Cardinal", "Father", "Rabbi", "Imam", "Sheikh", "King", "Queen", "Prince",
  "Princess", "Emperor", "Founder", "Coach", "Officer", "Agent", "Detective", "Inspector"
])

/** Words that only build titles ("Special Envoy", "Foreign Minister"): stripped with a title, never a PERSON cue alone. */
const titleModifiers = new Set(["Vice", "Prime", "Deputy", "Foreign", "Defence", "Defense", "Interior", "Finance", "Special", "Chief", "Head", "Senior", "Assistant", "Associate", "Executive", "Emeritus"])

const isTitleWord = (text: string): boolean => titles.has(text) || titleModifiers.has(text)

/** Lower-case roles that announce a person's name: "analyst Mark Galeotti", "curator Elaine Gustafon". */
const roleNouns = new Set([
  ...[...titles].map((title) => title.toLowerCase()),
  "analyst", "expert", "researcher", "scientist", "economist", "historian", "author", "writer", "novelist", "poet",
  "journalist", "reporter", "editor", "columnist", "blogger", "illustrator", "artist", "actor", "actress", "singer",
  "musician", "designer", "photographer", "curator", "lawyer", "attorney", "barrister", "prosecutor", "official",
  "spokesperson", "founder", "co-founder", "creator", "member", "leader", "candidate", "councillor", "campaigner",
  "activist", "student", "teacher", "player", "striker", "midfielder", "defender", "goalkeeper", "manager", "ceo",
  "administrator", "astronaut", "pilot", "cosplayer", "chef", "dictator", "ruler", "wife", "husband", "son", "daughter",
  "mother", "brother", "sister"
])

/**
 * Common given names (English and the languages of international news): a two-word name starting with
 * one is taken for a PERSON. Actors that matter belong in the gazetteer; this only sorts the rest.
 */
const givenNames = new Set(`
  Aaron Adam Adrian Alan Albert Alex Alexander Alexandra Alexei Alice Alicia Amanda Amy Andrea Andreas Andrei Andrew
  Andriy Angela Ann Anna Anne Anthony Antonio Barack Barbara Ben Benjamin Bernard Bill Bob Boris Brian Bruce Carl Carlos
  Caroline Catherine Charles Charlotte Chris Christian Christina Christopher Claire Claudia Colin Craig Dan Daniel David
  Dean Deborah Dennis Diana Dmitri Dmitry Donald Edward Elena Elizabeth Emily Emma Emmanuel Eric Eva Fatima Francesco
  Francis Frank Fred Frederick Gary George Georgiy Gerhard Giovanni Giuseppe Gloria Greg Gregory Hannah Hans Harry Heinz
  Helen Helmut Henry Hillary Hugh Hussein Igor Irina Isabel Ivan Jack Jacob James Jan Jane Janet Jason Javier Jean Jeff
  Jennifer Jens Jessica Jim Joan Joe Johann John Jonathan Jose Joseph Juan Julia Julie Justin Karen Karl Kate Katherine
  Kathryn Kevin Kim Klaus Kristen Kristin Larry Laura Lauren Lee Leonid Linda Lisa Louis Lucy Luis Luke Marco Margaret
  Maria Marie Marina Mark Martin Mary Matthew Max Maxim Michael Michel Michelle Mike Mikhail Mohamed Mohammad Mohammed
  Muhammad Nancy Natalia Nathan Nicholas Nick Nicola Nicolas Nikolai Oleg Oleksandr Olga Oliver Pablo Patricia Patrick
  Paul Peter Petro Philip Pierre Rachel Ralph Raymond Rebecca Richard Robert Roger Roman Ronald Rose Ruth Ryan Sam Samuel
  Sandra Sarah Scott Sean Sebastian Serhiy Sergei Sergey Sophie Stan Stefan Stefania Stephen Steve Steven Susan Svetlana
  Tanya Thomas Tim Timothy Tom Tony Valentina Valery Victor Victoria Viktor Vladimir Volodymyr Walter William Wolfgang
  Yulia Yuri Yury Andy Bobby Billy Charlie Danny Eddie Freddie Jimmy Johnny Kenny Ricky Tommy Jamie Katie Jenny Betty
`.trim().split(/\s+/))

const speechVerbs = new Set([
  "said", "says", "told", "tells", "added", "argued", "wrote", "writes", "stated", "explained", "noted", "claimed",
  "insisted", "warned", "replied", "believes", "thinks", "concluded", "announced", "stressed", "recalled"
])

const demonymWords = new Set([
  "American", "Soviet", "German", "Korean", "Afghan", "Thai", "French", "Dutch", "Greek", "Swiss", "Arab", "Israeli",
  "Iraqi", "Pakistani", "Saudi", "Yemeni", "Kuwaiti", "Qatari", "Emirati", "Bangladeshi", "Nepali", "Mexican", "Cuban",
  "African", "Moroccan", "Chilean", "Kenyan", "Islamic", "Arabic", "Jewish", "Muslim", "Catholic", "Orthodox", "Western",
  "Eastern", "Northern", "Southern", "Hellenic", "Rohingya", "Conservative", "Republican", "Democrat", "Democratic"
])

/** Russian, Ukrainian, Chinese, Buddhist, the Texans: they describe, they do not name an actor. */
const isDemonym = (text: string): boolean => {
  const singular = text.replace(/s$/, "")
  return demonymWords.has(singular) ||
    /^\p{Lu}\p{Ll}+(?:ian|ean|ese|ish|ist)$/u.test(singular) ||
    /^\p{Lu}\p{Ll}{3,}an$/u.test(singular) && text.endsWith("s")
}

const mediaHeads = new Set(["News", "Times", "Post", "Press", "Journal", "Herald", "Gazette", "Tribune", "Magazine", "TV", "Radio", "Television", "Broadcasting", "Telegraph", "Daily", "Weekly", "Chronicle", "Observer", "Reporter", "Wire", "Newspaper", "Star", "Sun", "Mail", "Review", "Courier"])
const eventHeads = new Set(["War", "Revolution", "Olympics", "Games", "Cup", "Championship", "Championships", "Conference", "Summit", "Festival", "Expo", "Election", "Elections", "Treaty", "Agreement", "Agreements", "Accord", "Accords", "Protocol", "Day", "Crisis", "Forum", "Talks", "Massacre", "Uprising", "Marathon", "Awards", "Week", "Tournament", "Convention", "Fair", "Battle", "Siege"])
const orgWords = new Set([
  "Ministry", "Department", "Council", "University", "College", "School", "Academy", "Institute", "Institution", "Agency",
  "Committee", "Commission", "Party", "Association", "Organisation", "Organization", "Company", "Corporation", "Corp",
  "Corp.", "Inc", "Inc.", "Ltd", "Ltd.", "LLC", "Group", "Bank", "Foundation", "Fund", "Office", "Court", "Parliament",
  "Assembly", "Congress", "Senate", "Union", "Federation", "League", "Club", "Church", "Army", "Navy", "Force", "Forces",
  "Police", "Service", "Authority", "Board", "Team", "Museum", "Society", "Centre", "Center", "Administration",
  "Government", "Bureau", "Alliance", "Coalition", "Movement", "Front", "Trust", "Network", "Airlines", "Airways",
  "Technologies", "Industries", "Laboratory", "Laboratories", "Guard", "Cabinet", "Secretariat", "Directorate",
  "Municipality", "Program", "Programme", "Project", "Initiative", "Cross"
])
const placeHeads = new Set(["City", "County", "Province", "Oblast", "Region", "District", "Republic", "Kingdom", "Island", "Islands", "Isle", "Mountains", "River", "Valley", "Bay", "Sea", "Ocean", "Street", "Avenue", "Road", "Square", "Airport", "Station", "Bridge", "Peninsula", "Coast", "Gulf", "Territory", "Prefecture", "Governorate", "Strait", "Desert", "Stadium", "Arena", "Hall", "Palace", "Base", "Mosque", "Cathedral", "Hotel", "Park", "Towers", "Tower"])
const placeStarts = new Set(["North", "South", "East", "West", "New", "San", "Santa", "Saint", "St.", "Los", "Las", "Port", "Fort", "Lake", "Mount", "Cape", "Upper", "Lower", "Greater"])
const placePrepositions = new Set(["in", "near", "across", "throughout", "outside"])
/** Compass words alone are directions more often than names ("further west", "between East and West"). */
const compassWords = new Set(["North", "South", "East", "West"])

/** "of" and "for" continue a name only after a head word: "University of Nottingham", not "Nick Rhodes of Duran Duran". */
const ofHeads = new Set([...orgWords, ...placeHeads, ...eventHeads, ...mediaHeads, ...titles, ...titleModifiers, "State", "Duke", "Statue", "Order"])

/** Common nouns that end names ("CBS News", "Irving Police"): they prove nothing about the word alone. */
const isHeadWord = (text: string): boolean =>
  mediaHeads.has(text) || eventHeads.has(text) || orgWords.has(text) || placeHeads.has(text)

const isAcronym = (text: string): boolean => /^(?:\p{Lu}\.?){2,6}$/u.test(text) || /^\p{Lu}[\p{Lu}\d-]{1,5}$/u.test(text)

/** A token that could be (part of) a proper name, judged on the token alone. */
const looksNamed = (token: AnalysedToken): boolean => {
  if (closedClassPos.has(token.pos) || token.text === "I" || /^\p{Lu}{2,}s$/u.test(token.text)) return false // UAVs, NGOs
  if (/^\p{Lu}/u.test(token.text)) return true
  return token.pos === "PROPN" && /^\p{Ll}+\p{Lu}[\p{L}\d]*$/u.test(token.text) // iPhone, eBay; not pro-Russian
}

// ---------------------------------------------------------------- fallback: where a capital proves nothing

const openingQuotes = new Set(["“", "\"", "‘", "'", "("])

/**
 * Tokens that start a sentence, a line, a clause after a colon or a quotation: a capital there is the
 * writing convention, not evidence of a name.
 */
const capitalisedAnyway = (text: string, tokens: ReadonlyArray<AnalysedToken>, sentenceStarts: ReadonlySet<number>): ReadonlyArray<boolean> => {
  const flags: Array<boolean> = []
  let pending = true
  tokens.forEach((token, index) => {
    const previous = tokens[index - 1]
    const opensQuote = previous !== undefined && openingQuotes.has(previous.text) && previous.end === token.start &&
      /(?:^|[\s(\[])$/.test(text.slice(0, previous.start))
    if (sentenceStarts.has(token.start) || previous === undefined || !joined(text, previous, token) || previous.text === ":" || opensQuote) pending = true
    const isWord = /\p{L}/u.test(token.text)
    flags.push(pending && isWord)
    // Opening quotes, bullets and list numbers before the first word keep the sentence start pending.
    if (isWord) pending = false
  })
  return flags
}

const sentenceEndMarks = new Set([".", "!", "?", "…", ";"])

/**
 * Title-case headings ("The Myth of a Divided Ukraine", "Latest News"): short lines that do not end
 * as a sentence and capitalise most of their content words.
 */
const headingLines = (text: string, tokens: ReadonlyArray<AnalysedToken>): ReadonlyArray<boolean> => {
  const flags: Array<boolean> = new Array<boolean>(tokens.length).fill(false)
  let lineStart = 0
  for (let index = 1; index <= tokens.length; index++) {
    const token = tokens[index]
    if (token !== undefined && joined(text, tokens[index - 1]!, token)) continue
    const line = tokens.slice(lineStart, index)
    const contentWords = line.filter((word) => /\p{L}/u.test(word.text) && !word.isStop)
    const capitalised = contentWords.filter((word) => /^\p{Lu}/u.test(word.text)).length
    const last = line[line.length - 1]
    const isHeading = contentWords.length > 0 && contentWords.length <= 12 && capitalised / contentWords.length >= 0.6 &&
      last !== undefined && !sentenceEndMarks.has(last.text)
    if (isHeading) flags.fill(true, lineStart, index)
    lineStart = index
  }
  return flags
}

// ---------------------------------------------------------------- fallback: runs of name tokens

interface RunToken {
  readonly token: AnalysedToken
  readonly index: number
}

/** The tokens of a candidate name, with the connectors inside it. */
type Run = ReadonlyArray<RunToken>

interface FallbackContext {
  readonly text: string
  readonly tokens: ReadonlyArray<AnalysedToken>
  /** Tokens a gazetteer mention already holds. */
  readonly taken: ReadonlyArray<boolean>
  /** Tokens a wink DATE, TIME or DURATION holds: "Yesterday" is not the first name of "Yesterday Mohamed". */
  readonly timeTokens: ReadonlyArray<boolean>
  readonly ambiguous: ReadonlyArray<boolean>
  readonly inHeading: ReadonlyArray<boolean>
}

const isNameToken = (context: FallbackContext, index: number, continuing: boolean): boolean => {
  const token = context.tokens[index]
  if (token === undefined || context.taken[index] || !looksNamed(token)) return false
  if (!calendarWords.has(token.text)) return true
  // "Theresa May" is a name, "May 16" and "in May" are the built-in DATE's.
  const next = context.tokens[index + 1]
  return continuing && !(next !== undefined && next.type === "number")
}

const isNamePart = (entry: RunToken): boolean => looksNamed(entry.token)

/** How many connector tokens ("of the", "de", an attached hyphen) continue the run at `index` into a name token. */
const connectorLength = (context: FallbackContext, index: number): number => {
  const { tokens, text } = context
  const head = tokens[index - 1]
  let length = 0
  while (length < 2) {
    const token = tokens[index + length]
    const previous = tokens[index + length - 1]
    if (token === undefined || previous === undefined || !joined(text, previous, token)) return 0
    const joinsHeads = (token.text === "of" || token.text === "for") && length === 0 && head !== undefined && ofHeads.has(head.text)
    const isConnector = joinsHeads || nameParticles.has(token.text) || (length === 1 && token.text === "the" && tokens[index]?.text === "of")
    const isHyphen = token.text === "-" && previous.end === token.start && tokens[index + length + 1]?.start === token.end
    if (!isConnector && !isHyphen) break
    length++
  }
  const after = index + length
  const next = tokens[after]
  const continues = next !== undefined && joined(text, tokens[after - 1]!, next) && isNameToken(context, after, true) && !context.ambiguous[after]
  return length > 0 && continues ? length : 0
}

const collectRuns = (context: FallbackContext): ReadonlyArray<Run> => {
  const runs: Array<Run> = []
  const { tokens, text } = context
  for (let index = 0; index < tokens.length; ) {
    if (!isNameToken(context, index, false)) {
      index++
      continue
    }
    const run: Array<RunToken> = [{ token: tokens[index]!, index }]
    let next = index + 1
    for (;;) {
      const token = tokens[next]
      if (token !== undefined && joined(text, tokens[next - 1]!, token) && isNameToken(context, next, true)) {
        run.push({ token, index: next++ })
        continue
      }
      const connectors = connectorLength(context, next)
      if (connectors === 0) break
      for (let offset = 0; offset < connectors; offset++) run.push({ token: tokens[next + offset]!, index: next + offset })
      next += connectors
    }
    runs.push(run)
    index = next
  }
  return runs
}

/**
 * Words a capital proves to be names: the last word of each name written where capitals prove
 * something (mid-sentence, outside headings). "Kane" of "Harry Kane" vouches for a sentence-initial
 * "Kane"; "Police" of "Irving Police Department" does not vouch for "Police arrested him".
 */
const provenNames = (context: FallbackContext, runs: ReadonlyArray<Run>): ReadonlySet<string> => {
  const proven = new Set<string>()
  for (const run of runs) {
    const last = run.filter(isNamePart).at(-1)
    if (last === undefined || context.ambiguous[last.index] || context.inHeading[last.index] || isHeadWord(last.token.text)) continue
    proven.add(last.token.text)
  }
  return proven
}

/**
 * Drops the words of a run whose capital proves nothing: a sentence-initial "Explosions", a heading's
 * "Latest News". Such a word stays when the text proves it a name elsewhere, or when a name word
 * written mid-sentence follows it in the same run ("Harry Kane scored").
 */
const trustedRun = (context: FallbackContext, proven: ReadonlySet<string>, run: Run): Run => {
  const vouched = (entry: RunToken) => entry.token.pos === "PROPN" && (isAcronym(entry.token.text) || proven.has(entry.token.text))
  if (run.some((entry) => context.inHeading[entry.index])) return run.filter(isNamePart).every(vouched) ? run : []
  const [first, ...rest] = run
  if (first === undefined || !context.ambiguous[first.index]) return run
  if (first.token.pos === "PROPN" && (vouched(first) || rest.some(isNamePart))) return run
  return rest
}

/** Without connectors at either end, and without a leading date ("Yesterday"). */
const trimmed = (context: FallbackContext, run: Run): Run => {
  let first = 0
  let end = run.length
  while (first < end && (!isNamePart(run[first]!) || context.timeTokens[run[first]!.index])) first++
  while (end > first && !isNamePart(run[end - 1]!)) end--
  return run.slice(first, end)
}

// ---------------------------------------------------------------- fallback: type and canonical name

/** The name without the titles and demonyms before it ("Afghan Ambassador Hamdullah Mohib" → "Hamdullah Mohib"). */
const withoutTitles = (run: Run): Run => {
  let first = 0
  while (first < run.length - 1 && (isTitleWord(run[first]!.token.text) || isDemonym(run[first]!.token.text) || !isNamePart(run[first]!))) first++
  return run.slice(0, first).some((entry) => titles.has(entry.token.text)) ? run.slice(first) : run
}

/** Nothing but titles and demonyms ("Special Envoy", "Russian President"), or an adjective ("South Korean"). */
const namesNobody = (run: Run): boolean => {
  const words = run.filter(isNamePart).map((entry) => entry.token.text)
  const last = words[words.length - 1]
  return last === undefined || isDemonym(last) || words.every((word) => isTitleWord(word) || isDemonym(word)) ||
    (words.length === 1 && compassWords.has(last))
}

const personEvidence = (context: FallbackContext, run: Run, core: Run): boolean => {
  const { tokens } = context
  const words = core.filter(isNamePart).map((entry) => entry.token.text)
  const endIndex = possessiveEnd(tokens, run[run.length - 1]!.index + 1)
  const before = tokens[run[0]!.index - 1]
  const after = tokens[endIndex]
  const age = after?.text === "," && tokens[endIndex + 1]?.type === "number" && tokens[endIndex + 2]?.text === ","
  return core !== run || age ||
    (words.length >= 2 && givenNames.has(words[0]!)) ||
    (before !== undefined && (roleNouns.has(before.text) || speechVerbs.has(before.text))) ||
    (after !== undefined && speechVerbs.has(after.text))
}

/** "in Irving, Texas, police…": two one-word names around a comma, closed by punctuation. */
const placeWithRegion = (context: FallbackContext, run: Run): boolean => {
  const { tokens } = context
  const place = (index: number) => /^\p{Lu}\p{Ll}+$/u.test(tokens[index]?.text ?? "") && !calendarWords.has(tokens[index]!.text)
  const closes = (index: number) => [",", ".", ";", ")"].includes(tokens[index]?.text ?? "")
  const free = (index: number) => tokens[index] === undefined || !looksNamed(tokens[index]!)
  if (run.length !== 1) return false
  const at = run[0]!.index
  const asCity = place(at) && tokens[at + 1]?.text === "," && place(at + 2) && closes(at + 3) && free(at - 1)
  const asRegion = place(at) && tokens[at - 1]?.text === "," && place(at - 2) && closes(at + 1) && free(at - 3)
  return asCity || asRegion
}

interface TypeGuess {
  readonly type: EntityType
  /** Backed by the name itself or a title, not only by its neighbourhood ("in X", an acronym). */
  readonly sure: boolean
}

const guessType = (context: FallbackContext, run: Run, core: Run): TypeGuess => {
  const words = core.filter(isNamePart).map((entry) => entry.token.text)
  const head = words[words.length - 1] ?? ""
  const first = words[0] ?? ""
  const sure = (type: EntityType): TypeGuess => ({ type, sure: true })
  if (mediaHeads.has(head) || words.includes("News")) return sure("MEDIA")
  if (eventHeads.has(head) || eventHeads.has(first)) return sure("EVENT")
  if (words.some((word) => orgWords.has(word))) return sure("ORG")
  if (placeHeads.has(head) || (placeStarts.has(first) && words.length > 1) || placeWithRegion(context, run)) return sure("GPE")
  if (!isAcronym(first) && personEvidence(context, run, core)) return sure("PERSON")
  if (words.length === 1 && isAcronym(first)) return { type: "ORG", sure: false }
  const before = context.tokens[run[0]!.index - 1]
  return { type: before !== undefined && placePrepositions.has(before.text) ? "GPE" : "UNKNOWN", sure: false }
}

/** Canonical form: single spaces, straight apostrophes, a name written all in capitals ("HUNG ANH") in title case. */
const canonicalName = (text: string, run: Run): string => {
  const start = run[0]!.token.start
  const end = run[run.length - 1]!.token.end
  const name = text.slice(start, end).replace(/\s+/g, " ").replace(/[\u2018\u2019\u02bc]/g, "'")
  const words = name.split(" ")
  const shouted = words.length > 1 && words.every((word) => !/\p{Ll}/u.test(word))
  return shouted ? words.map((word) => word.charAt(0) + word.slice(1).toLowerCase()).join(" ") : name
}

const slug = (name: string): string =>
  name.normalize("NFKD").replace(/\p{M}/gu, "").replace(/'/g, "").toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "-").replace(/^-+|-+$/g, "")

interface GuessedMention {
  readonly mention: Mention
  readonly sure: boolean
}

const fallbackMention = (context: FallbackContext, run: Run): GuessedMention | undefined => {
  if (run.length === 0 || namesNobody(run)) return undefined
  const core = withoutTitles(run)
  const { type, sure } = guessType(context, run, core)
  const canonical = canonicalName(context.text, type === "PERSON" ? core : run)
  const span = { first: run[0]!.index, end: possessiveEnd(context.tokens, run[run.length - 1]!.index + 1) }
  const mention: Mention = { ...spanMention(context.text, context.tokens, span), entityId: `auto:${slug(canonical)}`, canonical, type, wikidata: null, method: "fallback" }
  return { mention, sure }
}

/**
 * A name surely typed once keeps that type throughout the text, and a person is that person
 * everywhere: another "Kristen Wilkins" and a lone "Wilkins" take the full name's identity.
 */
const harmonise = (guesses: ReadonlyArray<GuessedMention>, gazetteerPeople: ReadonlyArray<Mention>): ReadonlyArray<Mention> => {
  const sureOnes = guesses.filter((guess) => guess.sure).map((guess) => guess.mention)
  const personOfName = new Map<string, Mention>()
  for (const person of [...gazetteerPeople, ...sureOnes.filter((mention) => mention.type === "PERSON")]) {
    const names = person.canonical.split(" ")
    if (!personOfName.has(person.canonical)) personOfName.set(person.canonical, person)
    if (names.length > 1 && !personOfName.has(names[names.length - 1]!)) personOfName.set(names[names.length - 1]!, person)
  }
  const typeOfName = new Map<string, EntityType>()
  for (const mention of sureOnes) if (!typeOfName.has(mention.canonical)) typeOfName.set(mention.canonical, mention.type)
  return guesses.map(({ mention, sure }) => {
    // A head word ("Wilkins Foundation") outweighs a person of that name; a place guess does not.
    const namedByHead = sure && (mention.type === "ORG" || mention.type === "MEDIA" || mention.type === "EVENT")
    const person = namedByHead ? undefined : personOfName.get(mention.canonical)
    if (person !== undefined) return { ...mention, entityId: person.entityId, canonical: person.canonical, type: "PERSON", wikidata: person.wikidata }
    return sure ? mention : { ...mention, type: typeOfName.get(mention.canonical) ?? mention.type }
  })
}

const timeTypes: ReadonlySet<EntityType> = new Set<EntityType>(["DATE", "TIME", "DURATION"])

const tokensCovered = (tokens: ReadonlyArray<AnalysedToken>, spans: ReadonlyArray<Mention>): ReadonlyArray<boolean> =>
  tokens.map((token) => spans.some((span) => span.start <= token.start && token.end <= span.end))

const fallbackMentions = (text: string, analysis: Analysis, taken: ReadonlyArray<boolean>, builtins: ReadonlyArray<Mention>): ReadonlyArray<GuessedMention> => {
  const { tokens } = analysis
  const sentenceStarts = new Set(analysis.winkSentences.map(([start]) => start))
  const context: FallbackContext = {
    text,
    tokens,
    taken,
    timeTokens: tokensCovered(tokens, builtins.filter((builtin) => timeTypes.has(builtin.type))),
    ambiguous: capitalisedAnyway(text, tokens, sentenceStarts),
    inHeading: headingLines(text, tokens)
  }
  const runs = collectRuns(context)
  const proven = provenNames(context, runs)
  return runs
    .map((run) => fallbackMention(context, trimmed(context, trustedRun(context, proven, run))))
    .filter((mention) => mention !== undefined)
}

// ---------------------------------------------------------------- putting the sources together

const overlaps = (a: Mention, b: Mention): boolean => a.start < b.end && b.start < a.end

/** A built-in gives way to a fallback name reaching beyond it: "Second World War" is not an ORDINAL and two words. */
const resolveBuiltins = (builtins: ReadonlyArray<Mention>, fallback: ReadonlyArray<Mention>): ReadonlyArray<Mention> => {
  const nameWins = (name: Mention, builtin: Mention) => overlaps(name, builtin) && (name.start < builtin.start || name.end > builtin.end)
  const keptBuiltins = builtins.filter((builtin) => !fallback.some((name) => nameWins(name, builtin)))
  const keptFallback = fallback.filter((name) => !keptBuiltins.some((builtin) => overlaps(name, builtin)))
  return [...keptBuiltins, ...keptFallback]
}

/** Every mention of the text, sorted by start and never overlapping. */
export const findMentions = (text: string, analysis: Analysis, gazetteer: CompiledGazetteer): ReadonlyArray<Mention> => {
  const linked = gazetteerMentions(text, analysis.tokens, gazetteer)
  const taken = new Array<boolean>(analysis.tokens.length).fill(false)
  for (const { span } of linked) taken.fill(true, span.first, span.end)
  const named = linked.map(({ mention }) => mention)
  const builtins = builtinMentions(analysis).filter((builtin) => !named.some((mention) => overlaps(mention, builtin)))
  const people = named.filter((mention) => mention.type === "PERSON")
  const fallback = harmonise(fallbackMentions(text, analysis, taken, builtins), people)
  return [...named, ...resolveBuiltins(builtins, fallback)].sort((a, b) => a.start - b.start || a.end - b.end)
}
