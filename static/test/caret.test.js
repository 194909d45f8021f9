// Unit tests of caret.js: node --test static/test/
import assert from "node:assert/strict";
import { test } from "node:test";

import { blockEdge, moveCaret } from "../caret.js";

// Two blocks of the document "Tuesday, 9:47\n\nBeijing slams 😀 spying".
const blocks = [
  { start: 0, end: 13, text: "Tuesday, 9:47" },
  { start: 15, end: 37, text: "Beijing slams 😀 spying" },
];

test("a character at a time, across the gap between blocks", () => {
  assert.equal(moveCaret(blocks, 0, 1, false), 1);
  assert.equal(moveCaret(blocks, 12, 1, false), 13);
  assert.equal(moveCaret(blocks, 13, 1, false), 15);
  assert.equal(moveCaret(blocks, 15, -1, false), 13);
  assert.equal(moveCaret(blocks, 0, -1, false), 0);
  assert.equal(moveCaret(blocks, 37, 1, false), 37);
});

test("an emoji is one code point: one step over it", () => {
  // "Beijing slams " is 14 code points: the emoji is at 29.
  assert.equal(moveCaret(blocks, 29, 1, false), 30);
});

test("a word at a time: forward to the end of a word, back to its start", () => {
  assert.equal(moveCaret(blocks, 15, 1, true), 22); // "Beijing"
  assert.equal(moveCaret(blocks, 22, 1, true), 28); // " slams"
  assert.equal(moveCaret(blocks, 28, 1, true), 37); // " 😀 spying": the emoji is no word
  assert.equal(moveCaret(blocks, 37, -1, true), 31);
  assert.equal(moveCaret(blocks, 22, -1, true), 15);
  assert.equal(moveCaret(blocks, 7, 1, true), 10); // ", 9": the colon ends the word
  assert.equal(moveCaret(blocks, 13, 1, true), 22); // into the next block
  assert.equal(moveCaret(blocks, 15, -1, true), 11); // back into the previous one, to the start of "47"
});

test("Home and End go to the block's edges", () => {
  assert.equal(blockEdge(blocks, 20, -1), 15);
  assert.equal(blockEdge(blocks, 20, 1), 37);
});
