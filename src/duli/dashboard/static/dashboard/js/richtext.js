/* Duli rich-text editor: turns each <textarea data-richtext> into a small formatting editor.

   Progressive enhancement: without this script the merchant edits HTML in the textarea.
   With it, the textarea stays the form field (hidden, or shown by the "HTML" toggle) and a
   contenteditable region writes clean HTML back into it on every edit and before submit.
   The server sanitises again on save (duli.core.html), so the cleaning here is for tidy,
   consistent markup (<strong> not <b>, no pasted styles), not for security.
   Plain JS, no dependencies, nothing inline: strict-CSP safe. Labels come from the
   <script> tag's data-label-* attributes (dashboard/_richtext_script.html). */
(function () {
  "use strict";

  var script = document.currentScript;
  function label(key, fallback) {
    return (script && script.getAttribute("data-label-" + key)) || fallback;
  }
  var L = {
    toolbar: label("toolbar", "Formatting"),
    paragraph: label("paragraph", "Paragraph"),
    heading2: label("heading2", "Heading 2"),
    heading3: label("heading3", "Heading 3"),
    bold: label("bold", "Bold"),
    italic: label("italic", "Italic"),
    bullets: label("bullets", "Bulleted list"),
    numbers: label("numbers", "Numbered list"),
    link: label("link", "Link"),
    clear: label("clear", "Remove formatting"),
    html: label("html", "Edit HTML"),
    linkPrompt: label("link-prompt", "Link address (https://…, or an email address). Leave empty to remove the link."),
    linkInvalid: label("link-invalid", "Use an address that starts with https://, http:// or mailto:."),
  };
  var MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
  var MOD = MAC ? "⌘" : "Ctrl+";

  /* ------------------------------------------------------------ cleaning */

  // Tag kept -> tag written. Mirrors duli.core.html.ALLOWED_TAGS, with synonyms folded so
  // the stored HTML spells each thing one way. Anything else is unwrapped (its text kept).
  var KEEP = {
    P: "p", BR: "br", STRONG: "strong", B: "strong", EM: "em", I: "em", U: "u", INS: "u",
    S: "s", STRIKE: "s", DEL: "s", UL: "ul", OL: "ol", LI: "li",
    H1: "h2", H2: "h2", H3: "h3", H4: "h4", H5: "h4", H6: "h4", BLOCKQUOTE: "blockquote",
    A: "a", TABLE: "table", THEAD: "thead", TBODY: "tbody", TFOOT: "tbody", TR: "tr",
    TH: "th", TD: "td", HR: "hr", IMG: "img",
  };
  var VOID = { br: true, hr: true, img: true };
  // Dropped together with their content.
  var DROP = /^(SCRIPT|STYLE|TEMPLATE|NOSCRIPT|IFRAME|FRAME|OBJECT|EMBED|HEAD|TITLE|META|LINK|BASE|SVG|MATH|CANVAS|VIDEO|AUDIO|SELECT|TEXTAREA|INPUT|BUTTON)$/;
  // Layout boxes: a paragraph when they hold only inline content, else unwrapped.
  var BOXES = /^(DIV|SECTION|ARTICLE|HEADER|FOOTER|MAIN|ASIDE|NAV|FIGURE|FIGCAPTION|ADDRESS|PRE|DL|DT|DD|CENTER)$/;
  var BLOCKS = /^(P|DIV|SECTION|ARTICLE|HEADER|FOOTER|MAIN|ASIDE|NAV|FIGURE|FIGCAPTION|ADDRESS|PRE|H[1-6]|UL|OL|LI|DL|DT|DD|BLOCKQUOTE|TABLE|THEAD|TBODY|TFOOT|TR|TH|TD|HR|CENTER)$/;

  // Nodes are built in an inert document: nothing in pasted HTML loads or runs while cleaned.
  var inert = document.implementation.createHTMLDocument("");

  function safeUrl(value, image) {
    var v = (value || "").trim();
    if (/^https?:\/\//i.test(v)) return v;
    if (!image && /^mailto:/i.test(v)) return v;
    if (/^\/(?!\/)/.test(v) || (!image && v.charAt(0) === "#")) return v; // this shop's pages
    return "";
  }

  function hasBlock(el) {
    for (var n = el.firstElementChild; n; n = n.nextElementSibling) {
      if (BLOCKS.test(n.nodeName.toUpperCase()) || hasBlock(n)) return true;
    }
    return false;
  }

  // Word processors mark bold and italic with styles rather than tags. parse() has moved
  // each style attribute to data-rte-style.
  function styleOf(el) { return (el.getAttribute("data-rte-style") || "").toLowerCase(); }

  function styleTags(el) {
    var s = styleOf(el), out = [];
    var weight = /font-weight\s*:\s*([a-z0-9]+)/.exec(s);
    if (weight && (/^bold/.test(weight[1]) || parseInt(weight[1], 10) >= 600)) out.push("strong");
    if (/font-style\s*:\s*italic/.test(s)) out.push("em");
    if (/text-decoration[a-z-]*\s*:[^;]*underline/.test(s)) out.push("u");
    if (/text-decoration[a-z-]*\s*:[^;]*line-through/.test(s)) out.push("s");
    return out;
  }

  function copyAttributes(src, el, name) {
    if (name === "a") {
      el.setAttribute("href", safeUrl(src.getAttribute("href"), false));
      if (src.getAttribute("title")) el.setAttribute("title", src.getAttribute("title"));
    } else if (name === "img") {
      el.setAttribute("src", safeUrl(src.getAttribute("src"), true));
      if (src.hasAttribute("alt")) el.setAttribute("alt", src.getAttribute("alt"));
      ["width", "height"].forEach(function (a) {
        var v = src.getAttribute(a);
        if (v && /^\d+$/.test(v)) el.setAttribute(a, v);
      });
    }
  }

  function cleanInto(src, dst) {
    for (var n = src.firstChild; n; n = n.nextSibling) {
      if (n.nodeType === 3) { dst.appendChild(inert.createTextNode(n.data)); continue; }
      if (n.nodeType !== 1) continue;
      var tag = n.nodeName.toUpperCase();
      if (DROP.test(tag)) continue;
      if (tag === "IMG" && !safeUrl(n.getAttribute("src"), true)) continue; // e.g. data: screenshots
      var name = KEEP[tag] || "";
      // Google Docs wraps a whole paste in <b style="font-weight:normal">.
      if (name === "strong" && /font-weight\s*:\s*(normal|[1-5]00)/.test(styleOf(n))) name = "";
      // An inline tag around blocks (<b><p>…</p></b>) would nest a block in a line.
      if (/^(strong|em|u|s|a)$/.test(name) && hasBlock(n)) name = "";
      if (name === "a" && !safeUrl(n.getAttribute("href"), false)) name = "";
      if (!name && BOXES.test(tag) && !hasBlock(n)) name = "p";
      if (name) {
        var el = inert.createElement(name);
        copyAttributes(n, el, name);
        dst.appendChild(el);
        if (!VOID[name]) cleanInto(n, el);
        continue;
      }
      var box = dst;
      if (!BLOCKS.test(tag)) {
        styleTags(n).forEach(function (t) { box = box.appendChild(inert.createElement(t)); });
      }
      cleanInto(n, box);
    }
  }

  function isBlank(node) { return node.nodeType === 3 && !node.data.trim(); }

  // Remove what renders as nothing: placeholder <br>s, empty paragraphs and list items.
  function tidy(el) {
    for (var n = el.firstChild; n;) {
      var next = n.nextSibling;
      if (n.nodeType === 1) tidy(n);
      n = next;
    }
    var name = el.nodeName.toLowerCase();
    if (/^(p|h2|h3|h4|li|td|th|blockquote)$/.test(name)) {
      var last = el.lastChild;
      while (last && isBlank(last)) last = last.previousSibling;
      if (last && last.nodeName === "BR") el.removeChild(last);
    }
    if (/^(ul|ol|table|thead|tbody|tr)$/.test(name)) {
      Array.prototype.slice.call(el.childNodes).forEach(function (c) {
        if (c.nodeType === 3) el.removeChild(c);
      });
    }
    if (/^(p|h2|h3|h4|li|ul|ol|blockquote|strong|em|u|s|a)$/.test(name) &&
        !el.textContent.trim() && !el.querySelector("img,hr,table")) {
      el.parentNode.removeChild(el);
    }
  }

  // Top-level inline runs (text typed before the first paragraph) become paragraphs.
  function wrapLoose(box) {
    var run = null;
    Array.prototype.slice.call(box.childNodes).forEach(function (n) {
      var block = n.nodeType === 1 && BLOCKS.test(n.nodeName.toUpperCase());
      if (block) { run = null; return; }
      if (!run && isBlank(n)) { box.removeChild(n); return; }
      if (!run) { run = inert.createElement("p"); box.insertBefore(run, n); }
      run.appendChild(n);
    });
  }

  // One block per line in the stored HTML: readable in the HTML view and in diffs.
  function pretty(html) {
    return html.replace(/(<\/(?:p|h2|h3|h4|ul|ol|li|blockquote|table|thead|tbody|tr)>|<hr>)\n?/g, "$1\n").trim();
  }

  function cleanBox(root, whole) {
    var box = inert.createElement("div");
    cleanInto(root, box);
    if (whole) wrapLoose(box);
    Array.prototype.slice.call(box.children).forEach(tidy);
    if (whole) wrapLoose(box); // tidying may leave loose text behind
    return box;
  }

  function parse(html) {
    // The CSP refuses (and reports) style attributes even in an inert document, so they are
    // renamed first; styleTags() still reads their bold and italic.
    var renamed = (html || "").replace(/<[a-z][^>]*>/gi, function (tag) {
      return tag.replace(/\sstyle\s*=/gi, " data-rte-style=");
    });
    return new DOMParser().parseFromString(renamed, "text/html").body;
  }

  // Plain text as nodes: blank lines part paragraphs, single line breaks stay <br>.
  function textBox(text) {
    var box = inert.createElement("div");
    var parts = text.replace(/\r\n?/g, "\n").split(/\n\s*\n/).filter(function (p) { return p.trim(); });
    parts.forEach(function (part) {
      var target = parts.length > 1 ? box.appendChild(inert.createElement("p")) : box;
      part.trim().split("\n").forEach(function (line, i) {
        if (i) target.appendChild(inert.createElement("br"));
        target.appendChild(inert.createTextNode(line));
      });
    });
    return box;
  }

  function linkUrl(value) {
    var v = value.trim();
    if (/^[^\s@/:]+@[^\s@/]+\.[^\s@/]+$/.test(v)) v = "mailto:" + v;
    else if (/^www\./i.test(v)) v = "https://" + v;
    if (/^mailto:\S+$/i.test(v)) return v;
    if (!/^https?:\/\/\S+$/i.test(v)) return "";
    try { return new URL(v).href; } catch (e) { return ""; }
  }

  /* ------------------------------------------------------------ block structure
     Paragraphs, headings and lists are changed here rather than with execCommand: Chrome's
     formatBlock and list commands nest blocks (<p><ul>…, <h2><p>…) and, under our strict
     CSP, write inline styles that are refused. Bold, italic and links still use execCommand. */

  var TEXT_BLOCK = /^(P|H2|H3|H4|BLOCKQUOTE)$/;
  var LIST = /^(UL|OL)$/;

  function kids(el) { return Array.prototype.slice.call(el.childNodes); }
  function isEmptyBlock(el) { return !el.textContent.trim() && !el.querySelector("img,hr,table"); }

  function rename(el, tag) {
    if (el.nodeName.toLowerCase() === tag) return el;
    var out = document.createElement(tag);
    while (el.firstChild) out.appendChild(el.firstChild);
    el.parentNode.replaceChild(out, el);
    return out;
  }

  // Every child of the editor becomes a block: loose inline runs turn into paragraphs.
  function normalizeRoot(editor) {
    var run = null;
    kids(editor).forEach(function (n) {
      if (n.nodeType === 1 && BLOCKS.test(n.nodeName)) {
        run = null;
        if (n.nodeName === "DIV") rename(n, "p");
        return;
      }
      if (!run && isBlank(n)) { editor.removeChild(n); return; }
      if (!run) { run = document.createElement("p"); editor.insertBefore(run, n); }
      run.appendChild(n);
    });
  }

  // The lines a command applies to: the editor's text blocks and list items in the range.
  function unitsIn(editor, range) {
    var units = [];
    kids(editor).forEach(function (block) {
      if (block.nodeType !== 1 || !range.intersectsNode(block)) return;
      if (LIST.test(block.nodeName)) {
        kids(block).forEach(function (li) {
          if (li.nodeName === "LI" && range.intersectsNode(li)) units.push(li);
        });
      } else if (TEXT_BLOCK.test(block.nodeName)) {
        units.push(block);
      }
    });
    // A selection ending at the very start of a line (as a triple click makes) leaves it out.
    if (units.length > 1) {
      var tail = range.cloneRange();
      tail.setStart(units[units.length - 1], 0);
      if (!tail.toString()) units.pop();
    }
    return units;
  }

  // Take a list item out of its list as a block `tag`, splitting the list around it.
  function liftItem(li, tag) {
    var list = li.parentNode;
    var block = document.createElement(tag);
    var nested = [];
    kids(li).forEach(function (n) {
      if (n.nodeType === 1 && LIST.test(n.nodeName)) nested.push(n); else block.appendChild(n);
    });
    var rest = list.cloneNode(false);
    while (li.nextSibling) rest.appendChild(li.nextSibling);
    list.removeChild(li);
    var after = list;
    [block].concat(nested, rest.querySelector("li") ? [rest] : []).forEach(function (n) {
      after.parentNode.insertBefore(n, after.nextSibling);
      after = n;
    });
    if (!list.querySelector("li")) list.parentNode.removeChild(list);
    return block;
  }

  function mergeNeighbours(list) {
    var prev = list.previousElementSibling;
    if (prev && prev.nodeName === list.nodeName) {
      while (list.firstChild) prev.appendChild(list.firstChild);
      list.parentNode.removeChild(list);
      list = prev;
    }
    var next = list.nextElementSibling;
    if (next && next.nodeName === list.nodeName) {
      while (next.firstChild) list.appendChild(next.firstChild);
      next.parentNode.removeChild(next);
    }
  }

  function setBlock(units, tag) {
    // Pressing the current heading again turns it back into a paragraph.
    if (tag !== "p" && units.every(function (u) { return u.nodeName.toLowerCase() === tag; })) tag = "p";
    units.forEach(function (u) { if (u.nodeName === "LI") liftItem(u, tag); else rename(u, tag); });
  }

  function toggleList(units, type) {
    var TYPE = type.toUpperCase();
    if (units.every(function (u) { return u.nodeName === "LI" && u.parentNode.nodeName === TYPE; })) {
      units.forEach(function (u) { liftItem(u, "p"); });
      return;
    }
    var made = [], list = null;
    units.map(function (u) { return u.nodeName === "LI" ? liftItem(u, "p") : u; }).forEach(function (b) {
      if (!list || list.nextSibling !== b) {
        list = document.createElement(type);
        b.parentNode.insertBefore(list, b);
        made.push(list);
      }
      var li = document.createElement("li");
      while (b.firstChild) li.appendChild(b.firstChild);
      b.parentNode.removeChild(b);
      list.appendChild(li);
    });
    made.forEach(function (l) { if (l.parentNode) mergeNeighbours(l); });
  }

  // The deepest first (or last) caret position inside `node`.
  function edgePoint(node, atEnd) {
    while (node.nodeType === 1 && node.firstChild && !VOID[node.nodeName.toLowerCase()]) {
      node = atEnd ? node.lastChild : node.firstChild;
    }
    if (node.nodeType === 3) return [node, atEnd ? node.length : 0];
    if (node.nodeType === 1 && !VOID[node.nodeName.toLowerCase()]) return [node, 0];
    var i = Array.prototype.indexOf.call(node.parentNode.childNodes, node);
    return [node.parentNode, atEnd ? i + 1 : i];
  }

  // "Select all" puts the range's ends on the editor itself; move them into its text.
  function tighten(editor, range) {
    var c = editor.childNodes[range.startOffset];
    if (range.startContainer === editor && c) {
      var a = edgePoint(c, false);
      range.setStart(a[0], a[1]);
    }
    c = editor.childNodes[range.endOffset - 1];
    if (range.endContainer === editor && c) {
      var b = edgePoint(c, true);
      range.setEnd(b[0], b[1]);
    }
  }

  // Empty marker elements travel with the text while blocks are rebuilt, so the selection
  // can be put back where it was.
  function markRange(range) {
    var start = document.createElement("span");
    var end = document.createElement("span");
    var r = range.cloneRange();
    r.collapse(false);
    r.insertNode(end);
    r = range.cloneRange();
    r.collapse(true);
    r.insertNode(start);
    return [start, end];
  }

  function unmark(marks) {
    var r = document.createRange();
    r.setStartAfter(marks[0]);
    r.setEndBefore(marks[1]);
    marks.forEach(function (m) { m.parentNode.removeChild(m); });
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }

  function caretAt(point) {
    var r = document.createRange();
    r.setStart(point[0], point[1]);
    r.collapse(true);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(r);
  }

  // Paste and drop: put cleaned nodes (an inert <div>) at the caret, splitting a paragraph
  // when they include blocks.
  function insertBox(editor, box) {
    var sel = window.getSelection();
    if (!sel.rangeCount || !box.firstChild) return;
    var range = sel.getRangeAt(0);
    range.deleteContents();
    var hasBlocks = kids(box).some(function (n) { return n.nodeType === 1 && BLOCKS.test(n.nodeName); });
    var host = range.startContainer;
    while (host !== editor && host.parentNode !== editor) host = host.parentNode;
    var nodes, last;
    if (hasBlocks && host !== editor && TEXT_BLOCK.test(host.nodeName)) {
      wrapLoose(box);
      nodes = kids(document.importNode(box, true));
      var tail = document.createRange();
      tail.setStart(range.startContainer, range.startOffset);
      tail.setEnd(host, host.childNodes.length);
      var after = host.cloneNode(false);
      after.appendChild(tail.extractContents());
      var ref = host.nextSibling;
      nodes.concat([after]).forEach(function (n) { editor.insertBefore(n, ref); });
      if (isEmptyBlock(host)) editor.removeChild(host);
      if (isEmptyBlock(after)) editor.removeChild(after);
      caretAt(edgePoint(nodes[nodes.length - 1], true));
      return;
    }
    if (hasBlocks && host !== editor) {
      // Inside a list or table: keep the words, one line per pasted block.
      var flat = inert.createElement("div");
      kids(box).forEach(function (n, i) {
        if (i && n.nodeType === 1 && BLOCKS.test(n.nodeName)) flat.appendChild(inert.createElement("br"));
        flat.appendChild(inert.createTextNode(n.textContent));
      });
      box = flat;
    }
    nodes = kids(document.importNode(box, true));
    var frag = document.createDocumentFragment();
    nodes.forEach(function (n) { frag.appendChild(n); });
    last = nodes[nodes.length - 1];
    range.insertNode(frag);
    var r = document.createRange();
    r.setStartAfter(last);
    r.collapse(true);
    sel.removeAllRanges();
    sel.addRange(r);
  }

  /* ------------------------------------------------------------ toolbar */

  var SVG = "http://www.w3.org/2000/svg";
  var ICONS = { // 24×24 strokes, after Lucide (ISC licence)
    bullets: ["M9 6h12", "M9 12h12", "M9 18h12", "M4 6h.01", "M4 12h.01", "M4 18h.01"],
    numbers: ["M10 6h11", "M10 12h11", "M10 18h11", "M4 4h1v4", "M4 8h2", "M6 18H4c0-1 2-2 2-3s-1-1.5-2-1"],
    link: ["M10 13a5 5 0 0 0 7.54.54l3-3a5 5 0 0 0-7.07-7.07l-1.72 1.71",
      "M14 11a5 5 0 0 0-7.54-.54l-3 3a5 5 0 0 0 7.07 7.07l1.71-1.71"],
    clear: ["M4 7V4h16v3", "M5 20h6", "M13 4 8 20", "m15 15 5 5", "m20 15-5 5"],
  };

  function icon(name) {
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    ICONS[name].forEach(function (d) {
      var path = document.createElementNS(SVG, "path");
      path.setAttribute("d", d);
      svg.appendChild(path);
    });
    return svg;
  }

  var TOOLS = [
    { id: "p", kind: "block", text: "¶", label: L.paragraph },
    { id: "h2", kind: "block", text: "H2", label: L.heading2 },
    { id: "h3", kind: "block", text: "H3", label: L.heading3 },
    null,
    { id: "bold", kind: "inline", text: "B", label: L.bold, keys: MOD + "B" },
    { id: "italic", kind: "inline", text: "I", label: L.italic, keys: MOD + "I" },
    null,
    { id: "ul", kind: "list", icon: "bullets", label: L.bullets },
    { id: "ol", kind: "list", icon: "numbers", label: L.numbers },
    null,
    { id: "link", kind: "action", icon: "link", label: L.link, keys: MOD + "K" },
    { id: "clear", kind: "action", icon: "clear", label: L.clear },
    { id: "html", kind: "mode", text: "HTML", label: L.html },
  ];

  function buildToolbar(editorId) {
    var bar = document.createElement("div");
    bar.className = "rte-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", L.toolbar);
    bar.setAttribute("aria-controls", editorId);
    var buttons = [];
    // Buttons sit in groups so a narrow toolbar wraps between groups, not inside one.
    var group = null;
    TOOLS.forEach(function (tool) {
      if (!tool || !group) {
        if (group) {
          var sep = document.createElement("span");
          sep.className = "rte-sep";
          sep.setAttribute("aria-hidden", "true");
          bar.appendChild(sep);
        }
        group = bar.appendChild(document.createElement("div"));
        group.className = "rte-group";
        if (!tool) return;
      }
      var b = document.createElement("button");
      b.type = "button";
      b.className = "rte-btn rte-btn-" + tool.id;
      b.setAttribute("aria-label", tool.label);
      b.title = tool.keys ? tool.label + " (" + tool.keys + ")" : tool.label;
      if (tool.kind !== "action") b.setAttribute("aria-pressed", "false");
      if (tool.icon) b.appendChild(icon(tool.icon)); else b.textContent = tool.text;
      b.tabIndex = buttons.length ? -1 : 0;
      b.tool = tool;
      buttons.push(b);
      if (tool.kind === "mode") {
        group = bar.appendChild(document.createElement("div"));
        group.className = "rte-group rte-group-end";
      }
      group.appendChild(b);
    });
    return { bar: bar, buttons: buttons };
  }

  /* ------------------------------------------------------------ one editor */

  var count = 0;

  function enhance(textarea) {
    if (textarea.hasAttribute("data-richtext-ready")) return;
    textarea.setAttribute("data-richtext-ready", "");
    var id = "rte-" + (++count);
    var wrap = document.createElement("div");
    wrap.className = "rte";
    if ((parseInt(textarea.getAttribute("rows"), 10) || 6) <= 4) wrap.classList.add("rte-compact");
    if (textarea.getAttribute("aria-invalid") === "true") wrap.classList.add("is-invalid");

    var editor = document.createElement("div");
    editor.id = id;
    editor.className = "rte-content";
    editor.contentEditable = "true";
    editor.spellcheck = true;
    editor.setAttribute("role", "textbox");
    editor.setAttribute("aria-multiline", "true");
    ["aria-describedby", "aria-invalid", "aria-required", "lang", "dir"].forEach(function (a) {
      if (textarea.hasAttribute(a)) editor.setAttribute(a, textarea.getAttribute(a));
    });
    var fieldLabel = textarea.id && document.querySelector("label[for='" + CSS.escape(textarea.id) + "']");
    if (fieldLabel) {
      if (!fieldLabel.id) fieldLabel.id = id + "-label";
      editor.setAttribute("aria-labelledby", fieldLabel.id);
    }

    var tb = buildToolbar(id);
    textarea.parentNode.insertBefore(wrap, textarea);
    wrap.appendChild(tb.bar);
    wrap.appendChild(editor);
    wrap.appendChild(textarea);
    textarea.classList.add("rte-source");
    textarea.hidden = true;

    var htmlMode = false;
    var touched = false; // an untouched field is submitted exactly as it was loaded
    var saved = null;    // the last selection inside the editor, put back for toolbar commands
    var internalDrag = false;

    function load() {
      editor.innerHTML = cleanBox(parse(textarea.value), true).innerHTML || "<p><br></p>";
      saved = null;
    }

    function sync() {
      if (htmlMode || !touched) return;
      textarea.value = pretty(cleanBox(editor, true).innerHTML);
    }

    function changed() {
      touched = true;
      sync();
      // Lets the page's listeners (unsaved-changes warning, SEO preview) see the edit.
      textarea.dispatchEvent(new Event("input", { bubbles: true }));
      refresh();
    }

    function selectionInside() {
      var sel = window.getSelection();
      return sel && sel.rangeCount && editor.contains(sel.getRangeAt(0).commonAncestorContainer) ? sel : null;
    }

    function restore() {
      // The live selection wins when it is still in the editor: `saved` may lag behind it,
      // since selectionchange arrives as a later task.
      var inside = selectionInside();
      editor.focus();
      if (!inside && saved && editor.contains(saved.commonAncestorContainer)) {
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(saved);
      }
    }

    function exec(command, value) {
      document.execCommand(command, false, value);
    }

    // The block the caret is in ("p", "h2", "ul" …), for the toolbar's pressed states.
    function currentBlock() {
      var sel = selectionInside();
      var n = sel && sel.anchorNode;
      while (n && n.parentNode !== editor) n = n.parentNode;
      return n && n.nodeType === 1 ? n.nodeName.toLowerCase() : "p";
    }

    function closestLink() {
      var sel = selectionInside();
      var n = sel && sel.anchorNode;
      while (n && n !== editor) {
        if (n.nodeName === "A") return n;
        n = n.parentNode;
      }
      return null;
    }

    function refresh() {
      if (htmlMode || !selectionInside()) return;
      var block = currentBlock();
      tb.buttons.forEach(function (b) {
        var t = b.tool;
        if (t.kind === "block" || t.kind === "list") b.setAttribute("aria-pressed", block === t.id ? "true" : "false");
        if (t.kind === "inline") b.setAttribute("aria-pressed", document.queryCommandState(t.id) ? "true" : "false");
        // A heading is bold already; un-bolding one would need an inline style.
        if (t.id === "bold") b.disabled = /^h\d$/.test(block);
      });
      keepTabStop();
    }

    // Rebuild the selected lines with `change(units)`, keeping the selection.
    function structure(change) {
      restore();
      var sel = window.getSelection();
      if (!sel.rangeCount) return;
      var range = sel.getRangeAt(0).cloneRange();
      tighten(editor, range);
      var marks = markRange(range);
      normalizeRoot(editor);
      var within = document.createRange();
      within.setStartBefore(marks[0]);
      within.setEndAfter(marks[1]);
      var units = unitsIn(editor, within);
      if (units.length) change(units);
      unmark(marks);
    }

    function editLink() {
      var a = closestLink();
      var answer = window.prompt(L.linkPrompt, a ? a.getAttribute("href") : "https://");
      restore();
      if (answer === null) return;
      if (!answer.trim() || answer.trim() === "https://") {
        if (a) {
          var range = document.createRange();
          range.selectNodeContents(a);
          var sel = window.getSelection();
          sel.removeAllRanges();
          sel.addRange(range);
          exec("unlink");
        }
        return;
      }
      var url = linkUrl(answer);
      if (!url) {
        window.alert(L.linkInvalid);
        restore();
        return;
      }
      if (a) {
        a.setAttribute("href", url);
      } else if (window.getSelection().isCollapsed) {
        var box = inert.createElement("div");
        var link = box.appendChild(inert.createElement("a"));
        link.setAttribute("href", url);
        link.textContent = answer.trim();
        insertBox(editor, box);
      } else {
        exec("createLink", url);
      }
    }

    function setHtmlMode(on) {
      if (on) {
        sync();
      } else {
        load();
        touched = false;
      }
      htmlMode = on;
      textarea.hidden = !on;
      editor.hidden = on;
      tb.buttons.forEach(function (b) {
        if (b.tool.kind === "mode") b.setAttribute("aria-pressed", on ? "true" : "false");
        else b.disabled = on;
      });
      keepTabStop();
      (on ? textarea : editor).focus();
    }

    function run(tool) {
      if (tool.kind === "mode") { setHtmlMode(!htmlMode); return; }
      if (tool.id === "link") {
        editLink();
      } else if (tool.kind === "block") {
        structure(function (units) { setBlock(units, tool.id); });
      } else if (tool.kind === "list") {
        structure(function (units) { toggleList(units, tool.id); });
      } else if (tool.id === "clear") {
        restore();
        exec("removeFormat");
        exec("unlink");
        structure(function (units) {
          units.forEach(function (u) { if (/^H\d$/.test(u.nodeName)) rename(u, "p"); });
        });
      } else {
        restore();
        exec(tool.id);
      }
      changed();
    }

    /* toolbar: one tab stop, arrow keys between buttons (ARIA's toolbar pattern) */
    function keepTabStop() {
      var enabled = tb.buttons.filter(function (b) { return !b.disabled; });
      if (enabled.some(function (b) { return b.tabIndex === 0; })) return;
      tb.buttons.forEach(function (b) { b.tabIndex = b === enabled[0] ? 0 : -1; });
    }
    tb.bar.addEventListener("mousedown", function (e) {
      // Keep the caret in the editor; clicking a button would otherwise take the focus.
      if (e.target.closest("button") && !htmlMode) e.preventDefault();
    });
    tb.buttons.forEach(function (b) {
      b.addEventListener("click", function () { run(b.tool); });
    });
    tb.bar.addEventListener("keydown", function (e) {
      var enabled = tb.buttons.filter(function (b) { return !b.disabled; });
      var i = enabled.indexOf(document.activeElement);
      var next = null;
      if (e.key === "ArrowRight") next = enabled[(i + 1) % enabled.length];
      else if (e.key === "ArrowLeft") next = enabled[(i - 1 + enabled.length) % enabled.length];
      else if (e.key === "Home") next = enabled[0];
      else if (e.key === "End") next = enabled[enabled.length - 1];
      else if (e.key === "Escape" && !htmlMode) { e.preventDefault(); restore(); return; }
      if (!next) return;
      e.preventDefault();
      tb.buttons.forEach(function (b) { b.tabIndex = b === next ? 0 : -1; });
      next.focus();
    });

    /* editor */
    editor.addEventListener("input", function () { touched = true; sync(); });
    editor.addEventListener("keydown", function (e) {
      if ((e.ctrlKey || e.metaKey) && !e.altKey && (e.key === "k" || e.key === "K")) {
        e.preventDefault();
        editLink();
        changed();
      } else if (e.altKey && e.key === "F10") { // the usual shortcut from an editor to its toolbar
        e.preventDefault();
        (tb.buttons.filter(function (b) { return b.tabIndex === 0; })[0] || tb.buttons[0]).focus();
      }
    });
    editor.addEventListener("paste", function (e) {
      var data = e.clipboardData;
      if (!data) return;
      e.preventDefault();
      var html = data.getData("text/html");
      var box = html ? cleanBox(parse(html), false) : null;
      if (!box || !box.textContent.trim() && !box.querySelector("img,hr")) box = textBox(data.getData("text/plain"));
      insertBox(editor, box);
      changed();
    });
    editor.addEventListener("dragstart", function () { internalDrag = true; });
    editor.addEventListener("dragend", function () { internalDrag = false; });
    editor.addEventListener("drop", function (e) {
      var html = e.dataTransfer && e.dataTransfer.getData("text/html");
      if (internalDrag || !html) return; // moving text inside the editor, or plain text
      e.preventDefault();
      var range = document.caretRangeFromPoint && document.caretRangeFromPoint(e.clientX, e.clientY);
      if (range) caretAt([range.startContainer, range.startOffset]);
      insertBox(editor, cleanBox(parse(html), false));
      changed();
    });
    function remember() {
      var sel = selectionInside();
      if (!sel) return;
      saved = sel.getRangeAt(0).cloneRange();
      refresh();
    }
    document.addEventListener("selectionchange", remember);
    // selectionchange comes later, as a task: a quick Shift+Tab to the toolbar could beat it.
    editor.addEventListener("blur", remember);
    if (fieldLabel) {
      fieldLabel.addEventListener("click", function (e) {
        if (htmlMode) return;
        e.preventDefault();
        editor.focus();
      });
    }
    if (textarea.form) textarea.form.addEventListener("submit", sync, true);

    exec("defaultParagraphSeparator", "p");
    exec("styleWithCSS", false);
    load();
  }

  function init() {
    document.querySelectorAll("textarea[data-richtext]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
