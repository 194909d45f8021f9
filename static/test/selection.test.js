// Unit tests of selection.js on a hand-made node tree (nodeType, data,
// childNodes, parentNode, dataset): node --test static/test/
import assert from "node:assert/strict";
import { test } from "node:test";

import { pointAt, quoteOfRange } from "../selection.js";

// Node builders with just what selection.js reads.
function text(data) {
  return { nodeType: 3, data, parentNode: null };
}
function element(name, dataset, children) {
  const el = { nodeType: 1, name, dataset, childNodes: children, parentNode: null };
  for (const c of children) c.parentNode = el;
  return el;
}

// article builds the article from blocks written as strings: [x] is a
// highlight (<mark>x</mark>), { and } are where the selection starts and
// ends (in the text node they fall in). Between blocks there is white space
// of the page's own, outside any block, as in real HTML. The document text
// has the blocks one blank line apart. It returns the article, the range
// the braces mark, the blocks and the document's text.
function article(...sources) {
  const range = {};
  const blocks = [];
  const texts = [];
  let offset = 0;
  for (const src of sources) {
    const children = [];
    let kids = children;
    let node = null;
    let plain = "";
    for (const ch of src) {
      if (ch === "[") {
        node = null;
        const mark = element("mark", {}, []);
        children.push(mark);
        kids = mark.childNodes;
        mark.open = true;
        continue;
      }
      if (ch === "]") {
        const mark = children[children.length - 1];
        for (const k of mark.childNodes) k.parentNode = mark;
        kids = children;
        node = null;
        continue;
      }
      if (!node) {
        node = text("");
        kids.push(node);
      }
      if (ch === "{" || ch === "}") {
        const point = ch === "{" ? "start" : "end";
        range[`${point}Container`] = node;
        range[`${point}Offset`] = node.data.length;
        continue;
      }
      node.data += ch;
      plain += ch;
    }
    const length = [...plain].length;
    blocks.push(element("p", { start: String(offset), end: String(offset + length) }, children));
    texts.push(plain);
    offset += length + 2;
  }
  const kids = [text("\n")];
  for (const b of blocks) kids.push(b, text("\n"));
  const root = element("div", {}, kids);
  return { root, range, blocks, text: texts.join("\n\n") };
}

test("quoteOfRange: code point offsets of a selection", async (t) => {
  const cases = [
    { name: "ASCII", blocks: ["Hello {world}"], want: { start: 6, end: 11, exact: "world" } },
    { name: "emoji before", blocks: ["😀😀 {ok}"], want: { start: 3, end: 5, exact: "ok" } },
    { name: "emoji inside", blocks: ["a{😀b}c"], want: { start: 1, end: 3, exact: "😀b" } },
    { name: "ZWJ family before", blocks: ["👨‍👩‍👧 {x}"], want: { start: 6, end: 7, exact: "x" } },
    { name: "skin tone selected", blocks: ["ok {👍🏽}!"], want: { start: 3, end: 5, exact: "👍🏽" } },
    { name: "CJK", blocks: ["北京{抨击}美国"], want: { start: 2, end: 4, exact: "抨击" } },
    { name: "CJK outside the BMP", blocks: ["𠮷𠮷{野}家"], want: { start: 2, end: 3, exact: "野" } },
    { name: "combining mark before", blocks: ["Cafe\u0301 {noir}"], want: { start: 6, end: 10, exact: "noir" } },
    { name: "combining mark at the end", blocks: ["{Cafe\u0301} noir"], want: { start: 0, end: 5, exact: "Cafe\u0301" } },
    { name: "start in a highlight", blocks: ["He [said {the] sp}y"], want: { start: 8, end: 14, exact: "the sp" } },
    { name: "across two highlights", blocks: ["a[b{c]d[e}f]g"], want: { start: 2, end: 5, exact: "cde" } },
    { name: "emoji in a highlight before", blocks: ["[😀] {x}"], want: { start: 2, end: 3, exact: "x" } },
    { name: "white space trimmed", blocks: ["a{ b }c"], want: { start: 2, end: 3, exact: "b" } },
    { name: "only white space", blocks: ["a{   }b"], want: null },
    {
      name: "across two blocks",
      blocks: ["First {block", "sec}ond"],
      want: { start: 6, end: 16, exact: "block\n\nsec" },
    },
    {
      name: "across three blocks with emoji and marks",
      blocks: ["北{京", "😀 [mid]dle", "[e\u0301]n}d"],
      want: { start: 1, end: 17, exact: "京\n\n😀 middle\n\ne\u0301n" },
    },
    {
      name: "from the end of a block",
      blocks: ["one{", "two} three"],
      want: { start: 5, end: 8, exact: "two" },
    },
    {
      name: "to the start of a block",
      blocks: ["one {two", "}three"],
      want: { start: 4, end: 7, exact: "two" },
    },
    {
      name: "a whole block and the edges of its neighbours",
      blocks: ["a{", "😀😀", "}b"],
      want: { start: 3, end: 5, exact: "😀😀" },
    },
    {
      name: "across an empty block",
      blocks: ["x{a", "", "b}y"],
      want: { start: 1, end: 7, exact: "a\n\n\n\nb" },
    },
    {
      name: "later blocks count from their own start",
      blocks: ["😀😀😀", "北京", "x{y}z"],
      want: { start: 10, end: 11, exact: "y" },
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const { root, range, text } = article(...c.blocks);
      const got = quoteOfRange(root, range);
      assert.deepEqual(got, c.want);
      if (got) assert.equal([...text].slice(got.start, got.end).join(""), got.exact, "exact is the text at [start, end)");
    });
  }
});

test("quoteOfRange: boundary points between elements", async (t) => {
  // Blocks: "ab[😀]" at 0..3, "北[京]c" at 5..8, "z" at 10..11.
  const make = () => {
    const { root, blocks } = article("ab[😀]", "北[京]c", "z");
    return { root, b: blocks };
  };
  const cases = [
    {
      name: "after the last child of a block to inside the next",
      range: ({ b }) => [b[0], 2, b[1], 1],
      want: { start: 5, end: 6, exact: "北" },
    },
    {
      name: "a block's start to its end",
      range: ({ b }) => [b[1], 0, b[1], 3],
      want: { start: 5, end: 8, exact: "北京c" },
    },
    {
      name: "the article around the first block",
      range: ({ root }) => [root, 1, root, 2],
      want: { start: 0, end: 3, exact: "ab😀" },
    },
    {
      name: "the whole article",
      range: ({ root }) => [root, 0, root, root.childNodes.length],
      want: { start: 0, end: 11, exact: "ab😀\n\n北京c\n\nz" },
    },
    {
      name: "inside a highlight, by element offsets",
      range: ({ b }) => [b[0].childNodes[1], 0, b[0].childNodes[1], 1],
      want: { start: 2, end: 3, exact: "😀" },
    },
    {
      name: "from before the article",
      range: ({ b }) => [text("outside"), 3, b[1].childNodes[0], 1],
      want: { start: 0, end: 6, exact: "ab😀\n\n北" },
    },
    {
      name: "to after the article",
      range: ({ b }) => [b[1].childNodes[2], 0, element("footer", {}, []), 0],
      want: { start: 7, end: 11, exact: "c\n\nz" },
    },
    {
      name: "between blocks only",
      range: ({ root }) => [root, 2, root, 3],
      want: null,
    },
  ];
  for (const c of cases) {
    await t.test(c.name, () => {
      const tree = make();
      const [sc, so, ec, eo] = c.range(tree);
      const got = quoteOfRange(tree.root, { startContainer: sc, startOffset: so, endContainer: ec, endOffset: eo });
      assert.deepEqual(got, c.want);
    });
  }
});

test("quoteOfRange: an edge inside a surrogate pair takes the whole emoji", () => {
  const { root, blocks } = article("a😀b😀c");
  const node = blocks[0].childNodes[0];
  const got = quoteOfRange(root, { startContainer: node, startOffset: 2, endContainer: node, endOffset: 5 });
  assert.deepEqual(got, { start: 1, end: 4, exact: "😀b😀" });
});

test("pointAt and quoteOfRange agree on every span", () => {
  const { root, text } = article("Ca[fe\u0301 😀]北", "[👨‍👩‍👧][𠮷]x y", "z");
  const chars = [...text];
  const blank = (ch) => /\s/.test(ch);
  let checked = 0;
  for (let s = 0; s <= chars.length; s++) {
    for (let e = s + 1; e <= chars.length; e++) {
      const a = pointAt(root, s);
      const b = pointAt(root, e);
      if (!a || !b) {
        // Only offsets inside a blank line between blocks have no place.
        assert.ok(chars[s - 1] === "\n" || chars[e - 1] === "\n", `no point for ${s} or ${e}`);
        continue;
      }
      let from = s;
      let to = e;
      while (from < to && blank(chars[from])) from++;
      while (to > from && blank(chars[to - 1])) to--;
      const want = from === to ? null : { start: from, end: to, exact: chars.slice(from, to).join("") };
      const got = quoteOfRange(root, { startContainer: a.node, startOffset: a.offset, endContainer: b.node, endOffset: b.offset });
      assert.deepEqual(got, want, `span ${s}..${e}`);
      checked++;
    }
  }
  assert.ok(checked > 100, `only ${checked} spans checked`);
});

test("pointAt: a place for each offset, none between blocks", () => {
  const { root, blocks } = article("a😀", "b");
  const first = blocks[0].childNodes[0];
  assert.deepEqual(pointAt(root, 0), { node: first, offset: 0 });
  assert.deepEqual(pointAt(root, 1), { node: first, offset: 1 });
  assert.deepEqual(pointAt(root, 2), { node: first, offset: 3 });
  assert.equal(pointAt(root, 3), null);
  assert.deepEqual(pointAt(root, 4), { node: blocks[1].childNodes[0], offset: 0 });
  assert.equal(pointAt(root, 6), null);
});

test("offsetAt counts code points to a point in a block, through highlights", async () => {
  const { offsetAt } = await import("../selection.js");
  const a = { nodeType: 3, data: "ab😀" };
  const b = { nodeType: 3, data: "cd" };
  const mark = { nodeType: 1, dataset: {}, childNodes: [b] };
  const block = { nodeType: 1, dataset: { start: "10", end: "15" }, childNodes: [a, mark] };
  a.parentNode = block;
  mark.parentNode = block;
  b.parentNode = mark;
  assert.equal(offsetAt(a, 0), 10);
  assert.equal(offsetAt(a, 4), 13); // after the emoji: two UTF-16 units, one code point
  assert.equal(offsetAt(b, 1), 14);
  assert.equal(offsetAt(block, 1), 13); // before the highlight
  assert.equal(offsetAt(block, 2), 15); // after everything
  assert.equal(offsetAt({ nodeType: 3, data: "x", parentNode: null }, 0), null);
});
