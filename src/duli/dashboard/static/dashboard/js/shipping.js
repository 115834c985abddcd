/* Shipping and tax pages. Plain JS; every page works without it.
   - input[data-filter-for=ID]: filters the labels inside #ID by their text.
   - [data-checked-count=ID]: says how many boxes in #ID are ticked.
   - form[data-method-form]: shows [data-kinds="weight price"] parts only for the chosen kind.
   - form[data-regions-url] select[data-region-target=ID]: reloads #ID's options for the country. */
(function () {
  "use strict";

  function initFilters() {
    document.querySelectorAll("[data-filter-for]").forEach(function (input) {
      var box = document.getElementById(input.getAttribute("data-filter-for"));
      if (!box) return;
      input.hidden = false;
      input.addEventListener("input", function () {
        var q = input.value.trim().toLowerCase();
        box.querySelectorAll("label").forEach(function (label) {
          label.hidden = q !== "" && label.textContent.toLowerCase().indexOf(q) === -1;
        });
      });
      input.addEventListener("keydown", function (e) { if (e.key === "Enter") e.preventDefault(); });
    });
  }

  function initCounts() {
    document.querySelectorAll("[data-checked-count]").forEach(function (out) {
      var box = document.getElementById(out.getAttribute("data-checked-count"));
      if (!box) return;
      function update() {
        var names = Array.prototype.slice.call(box.querySelectorAll("input:checked")).map(function (i) {
          return i.closest("label").textContent.trim();
        });
        var label = out.getAttribute("data-label") || "";
        out.textContent = names.length ? label + " " + names.join(", ") + " (" + names.length + ")" : "";
      }
      box.addEventListener("change", update);
      update();
    });
  }

  function initKinds() {
    document.querySelectorAll("form[data-method-form]").forEach(function (form) {
      function update() {
        var checked = form.querySelector("input[name=kind]:checked");
        var kind = checked ? checked.value : "flat";
        form.querySelectorAll("[data-kinds]").forEach(function (el) {
          el.hidden = el.getAttribute("data-kinds").split(" ").indexOf(kind) === -1;
        });
      }
      form.addEventListener("change", function (e) { if (e.target.name === "kind") update(); });
      update();
    });
  }

  function initRegions() {
    document.querySelectorAll("form[data-regions-url]").forEach(function (form) {
      var url = form.getAttribute("data-regions-url");
      form.querySelectorAll("select[data-region-target]").forEach(function (country) {
        var target = document.getElementById(country.getAttribute("data-region-target"));
        if (!target) return;
        country.addEventListener("change", function () {
          fetch(url + "?country=" + encodeURIComponent(country.value), {
            headers: { "Accept": "application/json" }, credentials: "same-origin",
          }).then(function (r) {
            if (!r.ok) throw new Error(r.status);
            return r.json();
          }).then(function (data) {
            target.innerHTML = "";
            data.regions.forEach(function (region) {
              var option = document.createElement("option");
              option.value = region.code;
              option.textContent = region.name;
              target.appendChild(option);
            });
          }).catch(function () { /* the server checks the region on save */ });
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    initFilters();
    initCounts();
    initKinds();
    initRegions();
  });
})();
