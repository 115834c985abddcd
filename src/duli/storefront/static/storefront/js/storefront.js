/* Duli storefront: the personal bits a cached page cannot carry, and small enhancements.
   Everything here is progressive: the pages work without it. No inline code (strict CSP). */
(function () {
  "use strict";

  /* Cart count: fetched per visitor, never baked into the cached HTML. The same request
     hands out the CSRF cookie that add-to-cart needs (cached pages carry no token). */
  var countRequest = null;

  function setCartCount(count) {
    var badge = document.querySelector("[data-cart-count]");
    if (!badge) return;
    count = parseInt(count, 10) || 0;
    badge.textContent = count > 99 ? "99+" : String(count);
    badge.hidden = count === 0;
  }

  function loadCartCount() {
    var link = document.querySelector("[data-cart-count-url]");
    if (!link || !window.fetch) return Promise.resolve();
    countRequest = fetch(link.getAttribute("data-cart-count-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { count: 0 }; })
      .then(function (data) { setCartCount(data && data.count); })
      .catch(function () {});
    return countRequest;
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  /* Resolves with the token, fetching the cookie first when this visitor has none yet. */
  function ensureCsrfToken() {
    if (csrfToken()) return Promise.resolve(csrfToken());
    return (countRequest || loadCartCount()).then(function () {
      if (!csrfToken()) return loadCartCount().then(csrfToken);
      return csrfToken();
    });
  }

  function bumpBadge() {
    var badge = document.querySelector("[data-cart-count]");
    if (!badge || !badge.animate) return;
    badge.animate([{ transform: "scale(1)" }, { transform: "scale(1.35)" }, { transform: "scale(1)" }], { duration: 350 });
  }

  /* Add to the cart; resolves with {ok, status, data: {count, message, cart_url} | {code, message}}. */
  function addToCart(variantId, quantity) {
    var link = document.querySelector("[data-cart-add-url]");
    if (!link || !window.fetch) return Promise.reject(new Error("no cart"));
    return ensureCsrfToken().then(function (token) {
      var body = new FormData();
      body.append("variant", String(variantId));
      body.append("quantity", String(quantity || 1));
      return fetch(link.getAttribute("data-cart-add-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": token },
        body: body
      });
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (data) {
        if (r.ok) { setCartCount(data.count); bumpBadge(); }
        document.dispatchEvent(new CustomEvent("duli:cart-changed", { detail: { ok: r.ok, data: data } }));
        return { ok: r.ok, status: r.status, data: data };
      });
    });
  }

  window.Duli = window.Duli || {};
  window.Duli.csrfToken = ensureCsrfToken;
  window.Duli.setCartCount = setCartCount;
  window.Duli.addToCart = addToCart;

  /* Instant search suggestions: an HTML fragment from the server, keyboard navigable. */
  function setupSuggest() {
    var form = document.querySelector("form[data-suggest-url]");
    if (!form || !window.fetch) return;
    var input = form.querySelector("input[name=q]");
    var box = form.querySelector(".suggest");
    var url = form.getAttribute("data-suggest-url");
    var timer = null;
    var lastQuery = "";
    var controller = null;

    function options() { return Array.prototype.slice.call(box.querySelectorAll("[role=option]")); }
    function close() {
      box.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function open() {
      box.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }
    function fetchSuggestions(q) {
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(url + "?q=" + encodeURIComponent(q), { signal: controller ? controller.signal : undefined })
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          if (input.value.trim() !== q) return;
          box.innerHTML = html;
          if (html.trim()) open(); else close();
        })
        .catch(function () {});
    }
    input.addEventListener("input", function () {
      var q = input.value.trim();
      clearTimeout(timer);
      if (q.length < 2) { close(); lastQuery = q; return; }
      if (q === lastQuery) return;
      lastQuery = q;
      timer = setTimeout(function () { fetchSuggestions(q); }, 180);
    });
    input.addEventListener("keydown", function (e) {
      var items = options();
      if (box.hidden || !items.length) return;
      var current = items.findIndex(function (el) { return el.getAttribute("aria-selected") === "true"; });
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        var next = e.key === "ArrowDown" ? current + 1 : current - 1;
        if (next < 0) next = items.length - 1;
        if (next >= items.length) next = 0;
        items.forEach(function (el) { el.setAttribute("aria-selected", "false"); });
        items[next].setAttribute("aria-selected", "true");
        input.setAttribute("aria-activedescendant", items[next].id);
      } else if (e.key === "Enter" && current >= 0) {
        e.preventDefault();
        var link = items[current].matches("a") ? items[current] : items[current].querySelector("a");
        if (link) window.location.href = link.href;
      } else if (e.key === "Escape") {
        close();
      }
    });
    document.addEventListener("click", function (e) { if (!form.contains(e.target)) close(); });
    input.addEventListener("focus", function () { if (box.innerHTML.trim() && input.value.trim().length >= 2) open(); });
  }

  /* Listing filters: submit on change; the panel starts open on wide screens. */
  function setupFilters() {
    var panel = document.querySelector("[data-filters]");
    if (panel && window.matchMedia("(min-width: 900px)").matches) panel.open = true;
    var form = document.querySelector("form[data-autosubmit]");
    if (!form) return;
    function submit() {
      var mirror = form.querySelector("[data-sort-mirror]");
      if (mirror) mirror.remove(); // the sort <select> belongs to the form itself
      if (form.requestSubmit) form.requestSubmit(); else form.submit();
    }
    form.addEventListener("change", function (e) {
      var t = e.target;
      if (t.type === "checkbox" || t.type === "radio") submit();
    });
    document.querySelectorAll("[data-autosubmit-field]").forEach(function (el) {
      el.addEventListener("change", submit);
    });
    form.addEventListener("submit", function () {
      // Leave empty fields out of the address, so links stay short and cacheable.
      form.querySelectorAll("input").forEach(function (el) {
        if ((el.type === "number" || el.type === "hidden") && el.value === "") el.disabled = true;
      });
      document.querySelectorAll("select[name=sort]").forEach(function (el) {
        if (el.value === "relevance") el.disabled = true;
      });
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    loadCartCount();
    setupSuggest();
    setupFilters();
  });
})();
