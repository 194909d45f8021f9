// Caret moves over the article's text, for keyboard selection in any
// browser's default settings (no caret browsing). The article is a list of
// blocks {start, end, text} over the document's code points; a caret is a
// code point offset in one of them. These functions are pure, so they run
// without a browser.

// isWordChar tells whether a character belongs to a word: letters, digits,
// combining marks, and the apostrophes and hyphens inside words.
const isWordChar = (c) => /[\p{L}\p{N}\p{M}_'’-]/u.test(c);

// blockAt is the index of the block holding offset (its end counts), or -1.
export function blockAt(blocks, offset) {
  return blocks.findIndex((b) => offset >= b.start && offset <= b.end);
}

// moveCaret moves a caret one character (word false) or one word (word
// true) forward (dir 1) or back (dir -1). Past the end of a block it goes
// to the start of the next, before its start to the end of the previous; at
// the ends of the article it stays. A word move forward goes to the end of
// the word it is in or the next one, back to the start of the word.
export function moveCaret(blocks, offset, dir, word) {
  let i = blockAt(blocks, offset);
  if (i < 0) return blocks.length > 0 ? blocks[0].start : offset;
  let b = blocks[i];
  let at = offset - b.start;
  const chars = (blk) => [...blk.text];
  let cs = chars(b);
  // Crossing into the neighbouring block.
  if (dir > 0 && at >= cs.length) {
    if (i + 1 >= blocks.length) return offset;
    b = blocks[++i];
    cs = chars(b);
    at = 0;
    if (!word) return b.start;
  } else if (dir < 0 && at <= 0) {
    if (i === 0) return offset;
    b = blocks[--i];
    cs = chars(b);
    at = cs.length;
    if (!word) return b.start + at;
  } else if (!word) {
    return offset + dir;
  }
  if (dir > 0) {
    while (at < cs.length && !isWordChar(cs[at])) at++;
    while (at < cs.length && isWordChar(cs[at])) at++;
  } else {
    while (at > 0 && !isWordChar(cs[at - 1])) at--;
    while (at > 0 && isWordChar(cs[at - 1])) at--;
  }
  return b.start + at;
}

// lineEdge is the start (dir -1) or end (dir 1) of the caret's block, for
// Home and End.
export function blockEdge(blocks, offset, dir) {
  const b = blocks[blockAt(blocks, offset)];
  if (!b) return offset;
  return dir < 0 ? b.start : b.end;
}
