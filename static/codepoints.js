// Code points in JavaScript strings. The server counts offsets in Unicode
// code points; JavaScript strings and DOM offsets count UTF-16 units, where
// a character outside the Basic Multilingual Plane (most emoji, rare CJK)
// takes two (a surrogate pair). Combining marks are code points of their
// own in both, so they need nothing special.

const isHigh = (c) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c) => c >= 0xdc00 && c <= 0xdfff;

// splitsPair tells whether UTF-16 index i falls inside a surrogate pair.
function splitsPair(s, i) {
  return i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i));
}

// codePoints counts the code points of s. A surrogate pair is one; a lone
// surrogate counts as one too.
export function codePoints(s) {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1))) i++;
    n++;
  }
  return n;
}

// snapIndex moves a UTF-16 index that falls inside a surrogate pair to the
// pair's start (up false) or end (up true), so that a selection edge never
// cuts a character in half.
export function snapIndex(s, i, up) {
  if (!splitsPair(s, i)) return i;
  return up ? i + 1 : i - 1;
}

// utf16Index is the UTF-16 index in s of code point offset n (s.length when
// n is at or past the end).
export function utf16Index(s, n) {
  let i = 0;
  for (let k = 0; k < n && i < s.length; k++) {
    i += isHigh(s.charCodeAt(i)) && i + 1 < s.length && isLow(s.charCodeAt(i + 1)) ? 2 : 1;
  }
  return i;
}
