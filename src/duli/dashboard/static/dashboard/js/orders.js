/* Order pages: action dialogs, quantity shortcuts, one submit per click.
   Every action works without this file: its link leads to the action's own page. */
(function () {
  "use strict";

  /* <a href="/…/fulfil/" data-dialog="dlg-fulfil"> opens <dialog id="dlg-fulfil"> instead. */
  function initDialogs() {
    document.querySelectorAll("[data-dialog]").forEach(function (link) {
      var dialog = document.getElementById(link.getAttribute("data-dialog"));
      if (!dialog || typeof dialog.showModal !== "function") return;
      link.addEventListener("click", function (event) {
        event.preventDefault();
        dialog.showModal();
        var first = dialog.querySelector("input:not([type=hidden]), select, textarea");
        if (first) first.focus();
      });
    });
    document.querySelectorAll("dialog").forEach(function (dialog) {
      dialog.querySelectorAll("[data-dialog-close]").forEach(function (button) {
        button.addEventListener("click", function () { dialog.close(); });
      });
      // A click on the backdrop (outside the dialog's box) closes it.
      dialog.addEventListener("click", function (event) {
        if (event.target !== dialog) return;
        var r = dialog.getBoundingClientRect();
        var inside = event.clientX >= r.left && event.clientX <= r.right &&
          event.clientY >= r.top && event.clientY <= r.bottom;
        if (!inside) dialog.close();
      });
    });
  }

  /* Fulfil form: "All remaining" and "None" set every quantity at once. */
  function initQuantities() {
    document.querySelectorAll("[data-fulfil-form]").forEach(function (form) {
      var shortcuts = form.querySelector(".qty-shortcuts");
      var inputs = form.querySelectorAll("input[data-max-qty]");
      if (!shortcuts || inputs.length < 2) return;
      shortcuts.hidden = false;
      shortcuts.querySelector("[data-qty-all]").addEventListener("click", function () {
        inputs.forEach(function (i) { i.value = i.getAttribute("max") || i.value; });
      });
      shortcuts.querySelector("[data-qty-none]").addEventListener("click", function () {
        inputs.forEach(function (i) { i.value = "0"; });
      });
    });
  }

  /* A second click while the first submit is on its way does nothing. The server would do
     the work once anyway (the form's idempotency key); this spares the second request. */
  function initSubmitOnce() {
    document.addEventListener("submit", function (event) {
      if (event.defaultPrevented) return;
      var form = event.target;
      if (form.getAttribute("data-submitting")) { event.preventDefault(); return; }
      form.setAttribute("data-submitting", "1");
      form.querySelectorAll("[data-submit-once]").forEach(function (b) {
        b.setAttribute("aria-disabled", "true");
        b.classList.add("is-busy");
      });
    });
    // Back/forward cache: a page shown again must accept a new submit.
    window.addEventListener("pageshow", function () {
      document.querySelectorAll("form[data-submitting]").forEach(function (f) {
        f.removeAttribute("data-submitting");
        f.querySelectorAll("[data-submit-once]").forEach(function (b) {
          b.removeAttribute("aria-disabled");
          b.classList.remove("is-busy");
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initDialogs();
    initQuantities();
    initSubmitOnce();
  });
})();
