/* Product page: variant picker, gallery and add to cart. Reads the variant data embedded by
   the server (<script type="application/json" id="variant-data">) and updates price,
   compare-at price, stock message, image and the add-to-cart button without a reload; the
   button adds to the cart through window.Duli.addToCart (storefront.js). */
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
    /* Add to cart without leaving the page; the header badge updates. The page itself is
       cached for everyone, so the token and the cart come from storefront.js at click time. */
    var cartLink = document.querySelector("[data-cart-add-url]");
    function cartText(name, fallback) {
      return (cartLink && cartLink.getAttribute(name)) || fallback;
    }
    function say(text, link) {
      if (!note) return;
      note.replaceChildren(document.createTextNode(text));
      if (link) {
        var a = document.createElement("a");
        a.href = link.href;
        a.textContent = link.label;
        a.className = "buy__note-link";
        note.append(" ", a);
      }
      note.hidden = false;
      note.classList.remove("muted");
    }
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      if (!window.Duli || !window.Duli.addToCart || button.disabled) return;
      var quantity = parseInt(form.quantity.value, 10) || 1;
      var buttonText = button.textContent;
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
      window.Duli.addToCart(parseInt(variantInput.value, 10), quantity)
        .then(function (result) {
          if (result.ok) {
            say(result.data.message, { href: result.data.cart_url, label: cartText("data-label-view-cart", "View cart") });
          } else {
            say(result.data.message || cartText("data-label-error", "Could not add it to the cart."));
          }
        })
        .catch(function () { say(cartText("data-label-error", "Could not add it to the cart.")); })
        .then(function () {
          button.disabled = false;
          button.removeAttribute("aria-busy");
          button.textContent = buttonText;
        });
    });
    if (fieldsets.length) refreshValueStates(selectedIds());
  }

  ready(function () {
    setupGallery();
    setupVariants();
  });
})();
