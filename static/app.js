// Galley's reader, in the browser. The server draws every highlight: this
// script turns a selection into code point offsets, posts it, and swaps in
// the panels the server renders after any change, by this reader or (on
// the live event stream) by others, keeping whatever is being typed. This
// file only wires the parts together; each module says what it is for.

import { setUpComposer } from "./composer.js";
import { setUpEditing } from "./editing.js";
import { setUpFilters } from "./filters.js";
import { setUpHighlights } from "./highlights.js";
import { setUpKeyboard } from "./keyboard.js";
import { followEvents } from "./live.js";
import { setUpOverview } from "./overview.js";
import { panelRefresher } from "./panels.js";
import { setUpThreadsSheet } from "./sheet.js";
import { setUpTagSuggestions } from "./tags.js";
import { setUpThreads } from "./threads.js";

const root = document.querySelector(".reader");
if (root) {
  // reader is what the parts share.
  const reader = {
    root,
    docID: root.dataset.documentId,
    // The article element is replaced when fresh panels come in.
    article: () => root.querySelector('[data-testid="article"]'),
    // The last passage selected in the article (the composer keeps it):
    // Re-attach uses it when pressing the button took the selection away.
    lastQuote: null,
    // refresh swaps in fresh panels after this reader's own change. Should
    // that fail, the change is saved all the same: reload to show it.
    refresh: () => refresh().catch(() => location.reload()),
  };
  setUpThreadsSheet(root);
  const placeOverview = setUpOverview(reader);
  const relight = setUpHighlights(root);
  const redrawCaret = setUpKeyboard(reader);
  const refresh = panelRefresher(reader, () => {
    relight();
    redrawCaret();
    placeOverview();
  });
  setUpComposer(reader);
  setUpThreads(reader);
  setUpEditing(reader);
  setUpFilters(reader);
  setUpTagSuggestions(root);
  // A missed live update is made good by the next one.
  followEvents(root, () => refresh().catch(() => {}));
}
