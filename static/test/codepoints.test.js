// Unit tests of codepoints.js: node --test static/test/
import assert from "node:assert/strict";
import { test } from "node:test";

import { codePoints, snapIndex, utf16Index } from "../codepoints.js";

const cases = [
  { name: "empty", s: "", want: 0 },
  { name: "ASCII", s: "Huawei", want: 6 },
  { name: "emoji (a surrogate pair)", s: "😀", want: 1 },
  { name: "emoji with skin tone", s: "👍🏽", want: 2 },
  { name: "family joined by ZWJ", s: "👨‍👩‍👧", want: 5 },
  { name: "flag (two regional indicators)", s: "🇨🇳", want: 2 },
  { name: "CJK", s: "北京抨击", want: 4 },
  { name: "CJK outside the BMP", s: "𠮷野家", want: 3 },
  { name: "combining acute", s: "Cafe\u0301", want: 5 },
  { name: "precomposed", s: "Café", want: 4 },
  { name: "lone high surrogate", s: "a\ud83d", want: 2 },
  { name: "lone low surrogate", s: "\ude00b", want: 2 },
  { name: "CRLF", s: "a\r\nb", want: 4 },
];

test("codePoints counts as the server does", async (t) => {
  for (const c of cases) {
    await t.test(c.name, () => {
      assert.equal(codePoints(c.s), c.want);
      assert.equal(codePoints(c.s), [...c.s].length, "against the string iterator");
    });
  }
});

test("utf16Index is the inverse of codePoints", async (t) => {
  for (const c of cases) {
    await t.test(c.name, () => {
      const chars = [...c.s];
      for (let n = 0; n <= chars.length; n++) {
        assert.equal(utf16Index(c.s, n), chars.slice(0, n).join("").length, `code point ${n}`);
      }
      assert.equal(utf16Index(c.s, chars.length + 3), c.s.length, "past the end");
    });
  }
});

test("snapIndex keeps surrogate pairs whole", () => {
  const s = "a😀b"; // a, high, low, b
  assert.equal(snapIndex(s, 2, false), 1);
  assert.equal(snapIndex(s, 2, true), 3);
  for (const i of [0, 1, 3, 4]) {
    assert.equal(snapIndex(s, i, false), i);
    assert.equal(snapIndex(s, i, true), i);
  }
  assert.equal(snapIndex("\ud83d", 1, true), 1, "a lone surrogate is not a pair");
});
