/* Checkout steps: small enhancements over pages that work without them. No inline code.
   - The order summary is open beside the form on wide screens, a toggle bar on phones.
   - Step 1: a saved address hides the new-address fields; "same as shipping" hides the
     billing fields.
   - A refused step puts the cursor in the first field to fix.
   - Step 3: the payment choice and the note are kept on the checkout as they change, so
     going back a step loses nothing; "Place order" cannot be sent twice. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function setupSummary() {
    var summary = document.querySelector("[data-summary]");
    if (!summary || !window.matchMedia) return;
    var wide = window.matchMedia("(min-width: 1000px)");
    function apply() { summary.open = wide.matches; }
    apply();
    if (wide.addEventListener) wide.addEventListener("change", apply);
  }

  function setupAddressChoice() {
    var choice = document.querySelector("[data-address-choice]");
    var fields = document.querySelector("[data-new-address]");
    if (!choice || !fields) return;
    function apply() {
      var picked = choice.querySelector("input[name=address_choice]:checked");
      fields.hidden = !!picked && picked.value !== "new";
    }
    choice.addEventListener("change", function () {
      apply();
      var picked = choice.querySelector("input[name=address_choice]:checked");
      if (picked && picked.value === "new") {
        var first = fields.querySelector("input:not([type=hidden]):not([type=checkbox]), select");
        if (first) first.focus();
      }
    });
    apply();
  }

  function setupBilling() {
    var same = document.querySelector("[data-billing-same]");
    var fields = document.querySelector("[data-billing-fields]");
    if (!same || !fields) return;
    function apply() { fields.hidden = same.checked; }
    same.addEventListener("change", apply);
    apply();
  }

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function setupPayment() {
    var form = document.querySelector("[data-place-form]");
    if (!form) return;
    var button = form.querySelector("[data-place-order]");
    var saveUrl = form.getAttribute("data-save-url");
    var timer = null;
    var sending = false;

    function save() {
      if (!saveUrl || !window.fetch) return;
      var body = new FormData();
      var picked = form.querySelector("input[name=payment_method]:checked");
      if (!picked) return;
      body.append("payment_method", picked.value);
      body.append("note", (form.querySelector("textarea[name=note]") || { value: "" }).value);
      fetch(saveUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-CSRFToken": csrf(form) }
      }).catch(function () {});
    }
    form.addEventListener("change", function (e) {
      if (e.target.name === "payment_method") save();
    });
    form.addEventListener("input", function (e) {
      if (e.target.name !== "note") return;
      clearTimeout(timer);
      timer = setTimeout(save, 600);
    });

    form.addEventListener("submit", function (e) {
      if (sending) { e.preventDefault(); return; }
      sending = true;
      clearTimeout(timer);
      if (!button) return;
      var label = button.getAttribute("data-busy-label");
      window.setTimeout(function () {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
        if (label) button.lastChild.textContent = label;
      }, 0);
    });
    // Back from the confirmation page restores this page from memory: let it be used again.
    window.addEventListener("pageshow", function (e) {
      if (!e.persisted || !button) return;
      sending = false;
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  }

  /* After a refused step, the cursor waits in the first field to fix. */
  function focusFirstError() {
    var fields = document.querySelectorAll(".field--invalid input, .field--invalid select, .field--invalid textarea");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].offsetParent !== null) { fields[i].focus(); return; }
    }
  }

  ready(function () {
    setupSummary();
    setupAddressChoice();
    setupBilling();
    setupPayment();
    focusFirstError();
  });
})();
