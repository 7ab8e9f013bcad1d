"""Layout checks run in the page (Playwright `page.evaluate`): no sideways scrolling of the page, and no
table cell narrower than its longest word (the "one word per line" crush of wide tables)."""

# Width the page would scroll sideways by (0 when it fits the viewport).
OVERFLOW_JS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"

# Cells whose content box is narrower than their longest word, each word measured with the font of
# the element that holds it (canvas measureText).
NARROW_CELLS_JS = """() => {
  const ctx = document.createElement("canvas").getContext("2d");
  const narrow = [];
  for (const cell of document.querySelectorAll("td, th")) {
    if (!cell.checkVisibility()) continue;
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    let longest = 0, word = "";
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const holder = node.parentElement;
      if (!holder.checkVisibility()) continue;  // e.g. inside a closed <details>
      const s = getComputedStyle(holder);
      if (s.position === "absolute") continue;  // visually-hidden text
      ctx.font = `${s.fontStyle} ${s.fontWeight} ${s.fontSize} ${s.fontFamily}`;
      for (const w of node.textContent.split(/\\s+/)) {
        if (!w) continue;
        const width = ctx.measureText(w).width;
        if (width > longest) { longest = width; word = w; }
      }
    }
    if (longest > inner + 1) narrow.push({cell: cell.textContent.trim().slice(0, 60), word, inner, longest});
  }
  return narrow;
}"""
