/* Duli dashboard behaviour. Plain JS, no build step; every page works without it.
   Loaded in <head> (small, same origin) so the `js` class is set before first paint. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  /* Phone menu: the sidebar collapses behind a button. */
  function initMenu() {
    var button = document.querySelector(".menu-toggle");
    var nav = document.getElementById("nav");
    if (!button || !nav) return;
    button.addEventListener("click", function () {
      var open = nav.classList.toggle("is-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  /* Ask before destructive submits: <button data-confirm="Delete?">. */
  function initConfirm() {
    document.addEventListener("submit", function (event) {
      var submitter = event.submitter || document.activeElement;
      var message = (submitter && submitter.getAttribute("data-confirm")) ||
        event.target.getAttribute("data-confirm");
      if (message && !window.confirm(message)) event.preventDefault();
    });
  }

  /* Product list: "select all" and the bulk bar's state. */
  function initBulk() {
    var all = document.querySelector("[data-select-all]");
    if (!all) return;
    var boxes = Array.prototype.slice.call(document.querySelectorAll("input[name=ids]"));
    var count = document.querySelector("[data-selected-count]");
    function update() {
      var n = boxes.filter(function (b) { return b.checked; }).length;
      if (count) count.textContent = n ? n + " selected" : "";
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
    }
    all.addEventListener("change", function () {
      boxes.forEach(function (b) { b.checked = all.checked; });
      update();
    });
    boxes.forEach(function (b) { b.addEventListener("change", update); });
    update();
  }

  /* Language tabs: [data-tabs] holds buttons [data-tab=code] and panels [data-panel=code]. */
  function initTabs() {
    document.querySelectorAll("[data-tabs]").forEach(function (root) {
      var tabs = root.querySelectorAll("[data-tab]");
      var panels = root.querySelectorAll("[data-panel]");
      var list = root.querySelector(".tabs");
      if (list) list.hidden = false;
      function show(code) {
        tabs.forEach(function (t) {
          var on = t.getAttribute("data-tab") === code;
          t.setAttribute("aria-selected", on ? "true" : "false");
          t.tabIndex = on ? 0 : -1;
        });
        panels.forEach(function (p) { p.hidden = p.getAttribute("data-panel") !== code; });
        root.dispatchEvent(new CustomEvent("tabchange", { detail: code }));
      }
      tabs.forEach(function (t, i) {
        t.addEventListener("click", function () { show(t.getAttribute("data-tab")); });
        t.addEventListener("keydown", function (e) {
          if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
          var next = tabs[(i + (e.key === "ArrowRight" ? 1 : tabs.length - 1)) % tabs.length];
          next.focus();
          show(next.getAttribute("data-tab"));
        });
      });
      // Open the first tab that has an error, else the first.
      var errored = root.querySelector("[data-panel] .error");
      show(errored ? errored.closest("[data-panel]").getAttribute("data-panel")
        : tabs[0].getAttribute("data-tab"));
    });
  }

  /* Character counters: <input data-max="70"> gets "12 / 70" in its label. */
  function initCounters() {
    document.querySelectorAll("[data-max]").forEach(function (input) {
      var label = document.querySelector("label[for='" + input.id + "']");
      if (!label) return;
      var counter = document.createElement("span");
      counter.className = "counter";
      label.appendChild(counter);
      function update() {
        var max = parseInt(input.getAttribute("data-max"), 10);
        counter.textContent = input.value.length + " / " + max;
        counter.classList.toggle("over", input.value.length > max);
      }
      input.addEventListener("input", update);
      update();
    });
  }

  /* Google-style preview of the product's search result, for the language shown. */
  function initSeoPreview() {
    var preview = document.querySelector("[data-seo-preview]");
    if (!preview) return;
    var form = preview.closest("form");
    var shopName = preview.getAttribute("data-shop-name") || "";
    var urlPattern = preview.getAttribute("data-url") || "";
    var root = preview.closest("[data-tabs]");
    var lang = preview.getAttribute("data-default-lang");
    function field(name) {
      return form.querySelector("[name='" + name + "_" + lang.replace("-", "_") + "']");
    }
    function text(html) {
      // DOMParser makes an inert document: nothing in the merchant's HTML loads or runs.
      var doc = new DOMParser().parseFromString(html, "text/html");
      return (doc.body.textContent || "").replace(/\s+/g, " ").trim();
    }
    function cut(s, n) { return s.length > n ? s.slice(0, n - 1).trimEnd() + "…" : s; }
    function slugify(s) {
      return s.toLowerCase().normalize("NFKD").replace(/[^\w\s-]/g, "").trim()
        .replace(/[\s_-]+/g, "-").replace(/^-+|-+$/g, "");
    }
    function update() {
      var name = (field("name") || {}).value || "";
      var title = (field("seo_title") || {}).value || (name ? name + " – " + shopName : shopName);
      var description = (field("seo_description") || {}).value ||
        text((field("description") || {}).value || "");
      var slugInput = form.querySelector("[name=slug]");
      var enName = (form.querySelector("[name=name_en]") || {}).value || "";
      var slug = (slugInput && slugInput.value) || slugify(enName) || "product";
      preview.querySelector(".seo-title").textContent = cut(title, 60);
      preview.querySelector(".seo-url").textContent = urlPattern.replace("__slug__", slug).replace(/\/$/, "").replace(/\//g, " › ");
      preview.querySelector(".seo-description").textContent =
        cut(description, 160) || "Add a description to show a snippet here.";
    }
    form.addEventListener("input", update);
    if (root) root.addEventListener("tabchange", function (e) { lang = e.detail; update(); });
    update();
  }

  /* Image order: HTML5 drag and drop plus the up/down buttons, saved with fetch. */
  function initImages() {
    var list = document.querySelector("[data-image-list]");
    if (!list) return;
    var url = list.getAttribute("data-reorder-url");
    var status = document.querySelector("[data-image-status]");
    var dragged = null;

    function items() { return Array.prototype.slice.call(list.querySelectorAll("[data-image-id]")); }
    function renumber() {
      items().forEach(function (li, i) {
        var pos = li.querySelector("[data-position]");
        if (pos) pos.textContent = i === 0 ? "Main image" : "#" + (i + 1);
        li.querySelectorAll("[data-move=up]").forEach(function (b) { b.disabled = i === 0; });
        li.querySelectorAll("[data-move=down]").forEach(function (b) { b.disabled = i === items().length - 1; });
      });
    }
    function save() {
      var body = new URLSearchParams();
      body.set("order", items().map(function (li) { return li.getAttribute("data-image-id"); }).join(","));
      if (status) status.textContent = "Saving order…";
      fetch(url, {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" },
        body: body,
        credentials: "same-origin",
      }).then(function (r) {
        if (!r.ok) throw new Error(r.status);
        if (status) status.textContent = "Image order saved.";
      }).catch(function () {
        if (status) status.textContent = "The order could not be saved. Reload and try again.";
      });
    }

    items().forEach(function (li) {
      li.setAttribute("draggable", "true");
      li.addEventListener("dragstart", function (e) {
        dragged = li;
        li.classList.add("dragging");
        e.dataTransfer.effectAllowed = "move";
        e.dataTransfer.setData("text/plain", li.getAttribute("data-image-id"));
      });
      li.addEventListener("dragend", function () {
        li.classList.remove("dragging");
        items().forEach(function (x) { x.classList.remove("drop-target"); });
      });
      li.addEventListener("dragover", function (e) {
        if (!dragged || dragged === li) return;
        e.preventDefault();
        li.classList.add("drop-target");
      });
      li.addEventListener("dragleave", function () { li.classList.remove("drop-target"); });
      li.addEventListener("drop", function (e) {
        e.preventDefault();
        li.classList.remove("drop-target");
        if (!dragged || dragged === li) return;
        var all = items();
        if (all.indexOf(dragged) < all.indexOf(li)) li.after(dragged); else li.before(dragged);
        renumber();
        save();
      });
      li.querySelectorAll("[data-move]").forEach(function (button) {
        button.addEventListener("click", function (e) {
          e.preventDefault();
          var up = button.getAttribute("data-move") === "up";
          var sibling = up ? li.previousElementSibling : li.nextElementSibling;
          if (!sibling) return;
          if (up) sibling.before(li); else sibling.after(li);
          renumber();
          button.focus();
          save();
        });
      });
    });
    renumber();
  }

  /* Specs: show one more empty row on demand (formset extra rows are rendered hidden). */
  function initMoreRows() {
    document.querySelectorAll("[data-more-rows]").forEach(function (button) {
      var target = document.getElementById(button.getAttribute("data-more-rows"));
      button.hidden = false;
      function hiddenRows() { return target.querySelectorAll("[data-extra-row][hidden]"); }
      target.querySelectorAll("[data-extra-row]").forEach(function (row, i) {
        if (i > 0 && !row.querySelector(".error")) row.hidden = true;
      });
      button.addEventListener("click", function () {
        var next = hiddenRows()[0];
        if (next) { next.hidden = false; var input = next.querySelector("input"); if (input) input.focus(); }
        if (!hiddenRows().length) button.hidden = true;
      });
    });
  }

  /* Warn before leaving a form with unsaved edits. */
  function initDirty() {
    document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
      var dirty = false;
      form.addEventListener("input", function () { dirty = true; });
      form.addEventListener("submit", function () { dirty = false; });
      window.addEventListener("beforeunload", function (e) {
        if (dirty) { e.preventDefault(); e.returnValue = ""; }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initMenu();
    initConfirm();
    initBulk();
    initTabs();
    initCounters();
    initSeoPreview();
    initImages();
    initMoreRows();
    initDirty();
  });
})();
