/* Duli address forms and account pages. Progressive: everything works without it.
   - Picking another country in an address form (storefront/partials/address_fields.html)
     fetches that country's fields from the server and swaps them in, keeping what the
     shopper typed in fields both countries have.
   - A form with data-confirm="question" asks before it submits (deleting an address).
   No inline code (strict CSP). */
(function () {
  "use strict";

  function typedValues(container) {
    var typed = {};
    container.querySelectorAll("input, select, textarea").forEach(function (el) {
      if (!el.name || el.type === "checkbox" || el.type === "radio") return;
      typed[el.name] = { value: el.value, isList: el.tagName === "SELECT" };
    });
    return typed;
  }

  function restore(container, typed) {
    container.querySelectorAll("input, select, textarea").forEach(function (el) {
      var old = typed[el.name];
      if (!old || old.value === "") return;
      if (el.tagName === "SELECT") {
        // Keep a state only where the new country lists it too.
        var listed = Array.prototype.some.call(el.options, function (o) { return o.value === old.value; });
        if (listed) el.value = old.value;
      } else if (!old.isList && el.type !== "checkbox" && el.type !== "radio") {
        el.value = old.value;
      }
    });
  }

  function setupCountrySwitch(root) {
    var select = root.querySelector("select[data-address-country]");
    var part = root.querySelector("[data-address-country-fields]");
    var url = root.getAttribute("data-url");
    if (!select || !part || !url || !window.fetch || !window.DOMParser) return;
    var prefix = root.getAttribute("data-prefix") || "";
    var controller = null;

    select.addEventListener("change", function () {
      var country = select.value;
      var typed = typedValues(part);
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      part.classList.add("is-loading");
      part.setAttribute("aria-busy", "true");
      fetch(url + "?country=" + encodeURIComponent(country) + "&prefix=" + encodeURIComponent(prefix), {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
        signal: controller ? controller.signal : undefined
      })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(new Error(String(r.status))); })
        .then(function (html) {
          if (select.value !== country) return; // a later choice is on its way
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.querySelector("[data-address-country-fields]");
          if (!fresh) return;
          part.replaceChildren.apply(part, Array.prototype.slice.call(fresh.childNodes));
          part.setAttribute("data-country", fresh.getAttribute("data-country") || country);
          restore(part, typed);
        })
        .catch(function () {})
        .then(function () {
          if (select.value !== country) return;
          part.classList.remove("is-loading");
          part.removeAttribute("aria-busy");
        });
    });
  }

  function setupConfirm(form) {
    form.addEventListener("submit", function (e) {
      if (!window.confirm(form.getAttribute("data-confirm"))) e.preventDefault();
    });
  }

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }
  ready(function () {
    document.querySelectorAll("[data-address-fields]").forEach(setupCountrySwitch);
    document.querySelectorAll("form[data-confirm]").forEach(setupConfirm);
  });
})();
