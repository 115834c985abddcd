/* Cart page: change quantities and remove lines without a reload. Every control is a plain
   form that works without this file; here each submit is sent with fetch and the server
   answers with the cart's body re-rendered (X-Duli-Fragment), which replaces the old one.
   The header badge takes the new count from the X-Cart-Count header. No inline code. */
(function () {
  "use strict";

  var busy = false;  // one change at a time: clicks during a change are ignored

  function root() { return document.querySelector("[data-cart-body]"); }

  function focusKey(el) {
    var line = el && el.closest ? el.closest("[data-line]") : null;
    if (!line || !el.getAttribute("data-step")) return null;
    return { line: line.getAttribute("data-line"), step: el.getAttribute("data-step") };
  }

  function restoreFocus(key) {
    if (!key) return;
    var target = document.querySelector('[data-line="' + key.line + '"] [data-step="' + key.step + '"]');
    if (target && target.disabled) target = document.querySelector('[data-line="' + key.line + '"] [data-step="qty"]');
    if (!target) target = document.querySelector("[data-line] [data-step='qty']") || document.querySelector(".cart-page__title");
    if (target) {
      if (target.classList.contains("cart-page__title")) target.setAttribute("tabindex", "-1");
      target.focus({ preventScroll: true });
    }
  }

  function announce() {
    var status = document.querySelector("[data-cart-status]");
    if (!status) return;
    status.textContent = "";
    window.setTimeout(function () { status.textContent = status.getAttribute("data-updated-text") || ""; }, 50);
  }

  function send(form, submitter) {
    if (busy) return;
    busy = true;
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    var key = focusKey(submitter && submitter.getAttribute("data-step") ? submitter : document.activeElement);
    var current = root();
    if (current) current.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { "X-Duli-Fragment": "1", Accept: "text/html" }
    })
      .then(function (r) {
        return r.text().then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("[data-cart-body]");
          if (!fresh) throw new Error("no cart in the answer");
          root().replaceWith(fresh);
          if (window.Duli && window.Duli.setCartCount) window.Duli.setCartCount(r.headers.get("X-Cart-Count"));
          restoreFocus(key);
          announce();
        });
      })
      .catch(function () { form.submit(); })
      .then(function () { busy = false; });
  }

  document.addEventListener("submit", function (e) {
    var form = e.target.closest && e.target.closest("[data-cart-form]");
    if (!form || !window.fetch || !window.DOMParser) return;
    e.preventDefault();
    send(form, e.submitter || null);
  });

  var timer = null;
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (!input.matches || !input.matches("[data-qty]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { send(input.form, input.form.querySelector("[data-update]")); }, 250);
  });
})();
