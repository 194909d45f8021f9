// Selections in the article as code point offsets. The article is a list
// of blocks, each <p data-start=N data-end=M> over the document's text, with
// the blocks one blank line apart in that text. quoteOfRange turns a range
// into {start, end, exact}; pointAt goes back from an offset to a place in
// the page. Both walk a minimal node interface (nodeType, data, childNodes,
// parentNode, dataset), so they run without a browser; the two functions
// at the end connect them to the page's selection.

import { codePoints, snapIndex, utf16Index } from "./codepoints.js";

const ELEMENT = 1;
const TEXT = 3;

// The text between blocks in the document.
const blockGap = "\n\n";

function blockStart(node) {
  const s = node.dataset?.start;
  return s === undefined ? null : Number(s);
}

// quoteOfRange returns {start, end, exact} for a range (startContainer,
// startOffset, endContainer, endOffset, as in the DOM) that touches the
// article: the code point offsets of the selected text and the text, with
// surrounding white space trimmed. An end of the range outside the article
// lies beyond it on that side. It returns null when the range holds no text.
export function quoteOfRange(article, range) {
  const startHolders = ancestors(range.startContainer);
  const start = startHolders.has(article) ? [range.startContainer, range.startOffset] : null;
  const end = ancestors(range.endContainer).has(article) ? [range.endContainer, range.endOffset] : null;
  const isStart = (node, offset) => start !== null && node === start[0] && offset === start[1];
  const isEnd = (node, offset) => end !== null && node === end[0] && offset === end[1];

  let inside = start === null; // a range starting before the article
  let done = false;
  let block = null; // the block being walked: {at: offset reached, part}
  const parts = []; // what the range holds of each block it touches

  // reach notes that the range holds code point offset at of the block.
  function reach(at, text = "") {
    if (!block) return;
    if (!block.part) {
      block.part = { from: at, to: at, text: "" };
      parts.push(block.part);
    }
    block.part.to = at + codePoints(text);
    block.part.text += text;
  }

  function walkText(node) {
    const data = node.data;
    let from = inside ? 0 : null;
    let to = data.length;
    if (start && node === start[0]) {
      from = snapIndex(data, start[1], false);
      inside = true;
    }
    if (end && node === end[0]) {
      to = snapIndex(data, end[1], true);
      done = true;
    }
    if (from !== null && block) reach(block.at + codePoints(data.slice(0, from)), data.slice(from, to));
    if (block) block.at += codePoints(data);
  }

  function walk(node) {
    if (node.nodeType === TEXT) return walkText(node);
    if (node.nodeType !== ELEMENT) return;
    // Outside any block, an element the range has not reached and that
    // does not hold its start has nothing to count: skip it.
    if (!block && !inside && !startHolders.has(node)) return;
    const at = blockStart(node);
    if (at !== null) block = { at, part: null };
    const kids = node.childNodes;
    // Boundary points in an element lie before each child and after the last.
    for (let i = 0; i <= kids.length && !done; i++) {
      if (isStart(node, i)) inside = true;
      if (inside) reach(block?.at);
      if (isEnd(node, i)) done = true;
      if (i < kids.length && !done) walk(kids[i]);
    }
    if (at !== null) block = null;
  }

  walk(article);
  if (parts.length === 0) return null;
  const text = parts.map((p) => p.text).join(blockGap);
  const lead = text.match(/^\s*/)[0];
  const trail = text.slice(lead.length).match(/\s*$/)[0];
  const exact = text.slice(lead.length, text.length - trail.length);
  if (exact === "") return null;
  return {
    start: parts[0].from + codePoints(lead),
    end: parts[parts.length - 1].to - codePoints(trail),
    exact,
  };
}

// ancestors is the set of a node and the nodes above it.
function ancestors(node) {
  const set = new Set();
  for (let n = node; n; n = n.parentNode) set.add(n);
  return set;
}

// pointAt finds the text node and UTF-16 offset of a code point offset in
// the article, or returns null when no block holds that offset.
export function pointAt(article, offset) {
  for (const block of blocksOf(article)) {
    const start = blockStart(block);
    if (offset < start || offset > Number(block.dataset.end)) continue;
    let left = offset - start;
    for (const node of textsOf(block)) {
      const count = codePoints(node.data);
      if (left <= count) return { node, offset: utf16Index(node.data, left) };
      left -= count;
    }
  }
  return null;
}

// offsetAt is the code point offset of a point in the article (a node and
// an offset in it, as the DOM gives them), or null when no block holds it.
export function offsetAt(node, offset) {
  let block = node;
  while (block && blockStart(block) === null) block = block.parentNode;
  if (!block) return null;
  // A point in an element lies before its child at offset: find the text
  // there.
  if (node.nodeType !== TEXT) {
    const kids = node.childNodes ?? [];
    const after = offset < kids.length ? textsOf(kids[offset]).next().value : undefined;
    if (after) return offsetAt(after, 0);
    const before = [...textsOf(node)].pop();
    return before ? offsetAt(before, before.data.length) : blockStart(block);
  }
  let at = blockStart(block);
  for (const t of textsOf(block)) {
    if (t === node) return at + codePoints(t.data.slice(0, snapIndex(t.data, offset, false)));
    at += codePoints(t.data);
  }
  return null;
}

// blocksOf and textsOf list a tree's blocks and text nodes in page order.
export function* blocksOf(node) {
  if (node.nodeType !== ELEMENT) return;
  if (blockStart(node) !== null) {
    yield node;
    return;
  }
  for (const kid of node.childNodes) yield* blocksOf(kid);
}

function* textsOf(node) {
  if (node.nodeType === TEXT) yield node;
  else for (const kid of node.childNodes ?? []) yield* textsOf(kid);
}

// selectionToQuote is quoteOfRange for the page's selection, or null when
// nothing in the article is selected.
export function selectionToQuote(article, selection) {
  if (!article || !selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  const range = selection.getRangeAt(0);
  if (!range.intersectsNode(article)) return null;
  return quoteOfRange(article, range);
}

// selectOffsets selects the article text between two code point offsets,
// as selectionToQuote reports them, after the article has been redrawn.
export function selectOffsets(article, start, end) {
  const a = pointAt(article, start);
  const b = pointAt(article, end);
  if (!a || !b) return;
  const range = document.createRange();
  range.setStart(a.node, a.offset);
  range.setEnd(b.node, b.offset);
  const sel = document.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}
