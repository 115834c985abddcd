/* Product page: variant picker and gallery. Reads the variant data embedded by the server
   (<script type="application/json" id="variant-data">) and updates price, compare-at
   price, stock message, image and the add-to-cart button without a reload. */
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn);
  }

  function showSlide(index) {
    var slides = document.querySelectorAll("[data-slide]");
    if (index === null || index === undefined || !slides[index]) return;
    slides.forEach(function (el, i) {
      el.hidden = i !== index;
      el.classList.toggle("is-active", i === index);
    });
    document.querySelectorAll("[data-show-slide]").forEach(function (btn, i) {
      btn.classList.toggle("is-active", i === index);
      if (i === index) btn.setAttribute("aria-current", "true"); else btn.removeAttribute("aria-current");
    });
  }

  function setupGallery() {
    document.querySelectorAll("[data-show-slide]").forEach(function (btn) {
      btn.addEventListener("click", function () {
        showSlide(parseInt(btn.getAttribute("data-show-slide"), 10));
      });
    });
  }

  function setupVariants() {
    var dataEl = document.getElementById("variant-data");
    var form = document.querySelector("[data-buy-form]");
    if (!dataEl || !form) return;
    var data = JSON.parse(dataEl.textContent);
    var variants = data.variants || [];
    var fieldsets = Array.prototype.slice.call(form.querySelectorAll("[data-option]"));
    var price = document.querySelector("[data-price]");
    var compare = document.querySelector("[data-compare-at]");
    var compareValue = document.querySelector("[data-compare-at-value]");
    var stock = form.querySelector("[data-stock]");
    var button = form.querySelector("[data-add-to-cart]");
    var variantInput = form.querySelector("[data-variant-input]");
    var note = form.querySelector("[data-cart-note]");

    function selectedIds() {
      return fieldsets.map(function (fs) {
        var checked = fs.querySelector("input:checked");
        return checked ? parseInt(checked.value, 10) : null;
      });
    }
    function matches(variant, ids) {
      return ids.every(function (id) { return id === null || variant.values.indexOf(id) !== -1; });
    }
    function findVariant(ids) {
      if (ids.some(function (id) { return id === null; })) return null;
      for (var i = 0; i < variants.length; i++) if (matches(variants[i], ids)) return variants[i];
      return null;
    }

    /* A value is unavailable when no variant has it together with the other choices;
       it is "sold out" when such variants exist but none can be bought. */
    function refreshValueStates(ids) {
      fieldsets.forEach(function (fs, position) {
        fs.querySelectorAll("input[type=radio]").forEach(function (input) {
          var trial = ids.slice();
          trial[position] = parseInt(input.value, 10);
          var candidates = variants.filter(function (v) { return matches(v, trial); });
          var label = input.closest(".option-value");
          var unavailable = candidates.length === 0;
          input.disabled = unavailable;
          label.classList.toggle("is-unavailable", unavailable);
          label.classList.toggle("is-soldout", !unavailable && !candidates.some(function (v) { return v.buyable; }));
        });
        var checked = fs.querySelector("input:checked");
        var chosen = fs.querySelector("[data-option-chosen]");
        if (chosen) chosen.textContent = checked ? checked.getAttribute("data-value-name") : "";
      });
    }

    function render(variant) {
      if (!variant) {
        stock.textContent = "";
        stock.className = "stock";
        button.disabled = true;
        button.textContent = button.getAttribute("data-label-unavailable");
        return;
      }
      price.textContent = variant.price;
      price.classList.toggle("price__now--sale", !!variant.compare_at);
      compare.hidden = !variant.compare_at;
      compareValue.textContent = variant.compare_at || "";
      stock.textContent = variant.message;
      stock.className = "stock stock--" + variant.status;
      button.disabled = !variant.buyable;
      button.textContent = button.getAttribute(variant.buyable ? "data-label-add" : "data-label-sold-out");
      variantInput.value = variant.id;
      showSlide(variant.image);
      if (window.history && window.history.replaceState && variants.length > 1) {
        var url = new URL(window.location.href);
        url.searchParams.set("variant", variant.id);
        window.history.replaceState(null, "", url.toString());
      }
    }

    function update() {
      var ids = selectedIds();
      refreshValueStates(ids);
      render(findVariant(ids));
    }

    form.addEventListener("change", function (e) {
      if (e.target.type === "radio") update();
    });
    form.addEventListener("submit", function (e) {
      // The cart arrives in a later release; it will listen for this event.
      e.preventDefault();
      var detail = { variantId: parseInt(variantInput.value, 10), quantity: parseInt(form.quantity.value, 10) || 1 };
      var handled = !document.dispatchEvent(new CustomEvent("duli:add-to-cart", { detail: detail, cancelable: true }));
      if (!handled && note) note.hidden = false;
    });
    if (fieldsets.length) refreshValueStates(selectedIds());
  }

  ready(function () {
    setupGallery();
    setupVariants();
  });
})();
