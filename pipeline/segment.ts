// Segment stage: the paragraphs and sentences of a clean text, as UTF-16 offsets into it.
//
// Paragraphs, decided per text from its line structure:
// - If blank lines separate blocks of text anywhere in it, each block is a paragraph and a
//   single newline inside a block is a soft wrap, except that a list item ("- ", "* ", "• ",
//   "1. ", "(a) ", …) always starts a paragraph, and a line that stands alone ends one: a list
//   item, or a heading-like line that itself starts a paragraph (at the top of its block, or
//   after another line standing alone), as in "Related:\n- item" or a caption's file name.
// - Otherwise (one block: a text with one paragraph per line) every line is a paragraph.
// In both cases a line starting with a lowercase letter continues the line before it: it was
// wrapped mid-sentence. Where the rules cannot tell, they join lines rather than split them,
// since a wrongly joined paragraph still splits into the right sentences.
//
// Headings: a one-sentence paragraph of at most 20 words that is not a list item and does not
// end in sentence or clause punctuation ("The Myth of a Divided Ukraine", "Friday, July 21,
// 2017"; not "… at the 2023 Valdai Forum:", nor a caption "… in Finland. Photo: AFP").
//
// Sentences: ICU's sentence breaks (Intl.Segmenter) inside each paragraph, minus those that
// ICU takes wrongly (see continuesSentence). Paragraph ends are always sentence ends.
import type { AnalysedToken, Analysis } from "./nlp.ts"

export interface Paragraph {
  readonly start: number
  readonly end: number
}

export interface SentenceSpan {
  readonly start: number
  readonly end: number
  /** 0-based index of the paragraph holding the sentence. */
  readonly paragraph: number
  readonly isHeading: boolean
}

export interface Segmentation {
  readonly paragraphs: ReadonlyArray<Paragraph>
  readonly sentences: ReadonlyArray<SentenceSpan>
}

interface Span {
  readonly start: number
  readonly end: number
}

const isSpace = (char: string | undefined): boolean => char !== undefined && /\s/.test(char)

const trim = (text: string, span: Span): Span => {
  let { start, end } = span
  while (start < end && isSpace(text[start])) start++
  while (end > start && isSpace(text[end - 1])) end--
  return { start, end }
}

// ---------------------------------------------------------------------------------------------
// Lines and paragraphs

const lineBreak = /\r\n|[\n\r\u2028\u2029]/g

interface Line extends Span {
  readonly text: string
  /** A blank line (or the text start) separates this line from the previous non-blank line. */
  readonly afterBlank: boolean
}

const nonBlankLines = (text: string): Array<Line> => {
  const lines: Array<Line> = []
  let lineStart = 0
  let breaksSinceLast = 2
  const addLine = (lineEnd: number) => {
    const span = trim(text, { start: lineStart, end: lineEnd })
    if (span.start < span.end) {
      lines.push({ ...span, text: text.slice(span.start, span.end), afterBlank: breaksSinceLast > 1 })
      breaksSinceLast = 0
    }
  }
  for (const match of text.matchAll(lineBreak)) {
    addLine(match.index)
    breaksSinceLast++
    lineStart = match.index + match[0].length
  }
  addLine(text.length)
  return lines
}

const listMarker = /^(?:[-*•–—▪◦‣]|\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)])(?=\s)/u

const isListItem = (line: string): boolean => listMarker.test(line)

const startsLowercase = (line: string): boolean => /^\p{Ll}/u.test(line)

const maxHeadingWords = 20

/** Ends like a sentence or a clause: a heading ends in none of . ! ? … : ; , (before closing quotes). */
const endsClause = (text: string): boolean => /[.!?…:;,]["'”’»)\]]*$/u.test(text)

const looksLikeHeading = (text: string): boolean =>
  /\p{L}/u.test(text) && !isListItem(text) && !endsClause(text) && text.split(/\s+/).length <= maxHeadingWords

/** For each line: does it start a new paragraph? (See the rules at the top of the file.) */
const paragraphStarts = (lines: ReadonlyArray<Line>): Array<boolean> => {
  const usesBlankLines = lines.some((line, i) => i > 0 && line.afterBlank)
  const starts: Array<boolean> = []
  let previousStandsAlone = false
  lines.forEach((line, i) => {
    const startsParagraph = i === 0 || (usesBlankLines && line.afterBlank) || isListItem(line.text) ||
      (!startsLowercase(line.text) && (!usesBlankLines || previousStandsAlone))
    starts.push(startsParagraph)
    previousStandsAlone = startsParagraph && (isListItem(line.text) || looksLikeHeading(line.text))
  })
  return starts
}

const paragraphsOf = (text: string): Array<Paragraph> => {
  const lines = nonBlankLines(text)
  const starts = paragraphStarts(lines)
  const paragraphs: Array<Paragraph> = []
  lines.forEach((line, i) => {
    const last = paragraphs[paragraphs.length - 1]
    if (starts[i] === true || last === undefined) paragraphs.push({ start: line.start, end: line.end })
    else paragraphs[paragraphs.length - 1] = { start: last.start, end: line.end }
  })
  return paragraphs
}

// ---------------------------------------------------------------------------------------------
// Sentences

const icu = new Intl.Segmenter("en", { granularity: "sentence" })

/** A picture credit in a caption ("… in Finland. Photo: AFP", "Belle Image: Nick Moreau."). */
const creditLabel = "(?:Image|Photo|Photograph|Picture|Credit)s?:(?=\\s)"
const creditInside = new RegExp(`(?<=\\s)${creditLabel}`, "gu")
const creditFirst = new RegExp(`^${creditLabel}`, "u")

/** Pieces of a paragraph: ICU's sentences, and a caption's credit apart from the caption. */
const candidateSentences = (text: string, paragraph: Paragraph, tokens: TokenIndex): Array<Span> => {
  // ICU always breaks at a newline; inside a paragraph a newline is a soft wrap, so it reads a space.
  const flattened = text.slice(paragraph.start, paragraph.end).replace(/[\n\r\u0085\u2028\u2029]/g, " ")
  // A break never cuts a wink token: one that ICU puts inside a token ("文。中", ". \u200bКиїв") moves to the token's start.
  const snap = (index: number) => Math.max(0, tokens.startAround(paragraph.start + index) - paragraph.start)
  const breaks = new Set(Array.from(icu.segment(flattened), ({ index }) => snap(index)))
  for (const credit of flattened.matchAll(creditInside)) breaks.add(snap(credit.index))
  const starts = [...breaks].sort((a, b) => a - b)
  return starts
    .map((start, i) => trim(text, { start: paragraph.start + start, end: paragraph.start + (starts[i + 1] ?? flattened.length) }))
    .filter((span) => span.start < span.end)
}

/** Courtesy titles and ranks: always followed by a name, never the end of a sentence. */
const titleBeforeName = /(?:^|[^\p{L}\p{N}.])(?:Mr|Mrs|Ms|Mx|Messrs|Dr|Prof|Rev|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Maj|Adm|Cmdr|Hon|Pres)\.$/u

/** A sentence so far holding only a list number ("1.", "(a)", "iv."): the item follows. */
const onlyListNumber = /^\(?(?:\d{1,3}|[a-zA-Z]|[ivxlcIVXLC]{1,5})[.)]$/

const opensQuoteOrBracket = /^["'“‘«(\[]/u

const isCapitalisedStopWord = (token: AnalysedToken | undefined): boolean =>
  token !== undefined && token.isStop && /^\p{Lu}\p{Ll}*$/u.test(token.text)

/** wink keeps the full stop inside the token of an abbreviation or initial ("U.S.", "D.C.", "L."). */
const isAbbreviation = (token: AnalysedToken | undefined): boolean =>
  token !== undefined && token.type === "word" && token.text.length > 1 && token.text.endsWith(".")

interface TokenIndex {
  readonly byStart: ReadonlyMap<number, AnalysedToken>
  readonly byEnd: ReadonlyMap<number, AnalysedToken>
  /** The start of the token an offset lies strictly inside, or the offset itself. */
  readonly startAround: (offset: number) => number
}

/** Binary search over the tokens, which are ordered and do not overlap. */
const tokenStartAround = (tokens: ReadonlyArray<AnalysedToken>) => (offset: number): number => {
  let low = 0
  let high = tokens.length - 1
  while (low <= high) {
    const middle = (low + high) >> 1
    const token = tokens[middle]!
    if (offset <= token.start) high = middle - 1
    else if (offset >= token.end) low = middle + 1
    else return token.start
  }
  return offset
}

const indexTokens = (analysis: Analysis): TokenIndex => ({
  byStart: new Map(analysis.tokens.map((token) => [token.start, token])),
  byEnd: new Map(analysis.tokens.map((token) => [token.end, token])),
  startAround: tokenStartAround(analysis.tokens)
})

/**
 * False where ICU breaks but the sentence goes on: after a list number; before a lowercase
 * word (`“Really?” he asked`); after a title (`Mr. Trump`); and after an abbreviation or
 * initial (`U.S. President`, `L. Ron Hubbard`) unless what follows opens a sentence: a
 * capitalised function word (`… to the U.S. The President …`) or an opening quote or bracket.
 */
const continuesSentence = (text: string, sentence: Span, next: Span, tokens: TokenIndex): boolean => {
  const before = text.slice(sentence.start, sentence.end)
  const after = text.slice(next.start, next.end)
  if (creditFirst.test(after)) return false
  if (onlyListNumber.test(before) || startsLowercase(after) || titleBeforeName.test(before)) return true
  if (!isAbbreviation(tokens.byEnd.get(sentence.end))) return false
  return !(opensQuoteOrBracket.test(after) || isCapitalisedStopWord(tokens.byStart.get(next.start)))
}

const sentencesOf = (text: string, paragraph: Paragraph, tokens: TokenIndex): Array<Span> => {
  const sentences: Array<Span> = []
  for (const next of candidateSentences(text, paragraph, tokens)) {
    const current = sentences[sentences.length - 1]
    if (current !== undefined && continuesSentence(text, current, next, tokens)) {
      sentences[sentences.length - 1] = { start: current.start, end: next.end }
    } else {
      sentences.push(next)
    }
  }
  return sentences
}

export const segment = (text: string, analysis: Analysis): Segmentation => {
  const tokens = indexTokens(analysis)
  const paragraphs = paragraphsOf(text)
  const sentences = paragraphs.flatMap((paragraph, index): Array<SentenceSpan> => {
    const spans = sentencesOf(text, paragraph, tokens)
    const isHeading = spans.length === 1 && looksLikeHeading(text.slice(paragraph.start, paragraph.end))
    return spans.map(({ start, end }) => ({ start, end, paragraph: index, isHeading }))
  })
  return { paragraphs, sentences }
}
