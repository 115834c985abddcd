/* The QR / in-app payment page: ask every 3 seconds whether the money arrived, then move
   on to the order; WeChat's in-app payment sheet when the page runs inside WeChat. */
(function () {
  "use strict";
  var page = document.querySelector("[data-pay-status]");
  if (!page) { return; }
  var url = page.getAttribute("data-pay-status");
  var message = page.querySelector("[data-pay-message]");
  var tries = 0;

  function check() {
    tries += 1;
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (data && (data.paid || data.failed)) {
          if (message && data.paid) { message.textContent = message.getAttribute("data-paid") || "✓"; }
          window.location.assign(data.next);
          return;
        }
        // Slow down after 10 minutes; the order page still updates when the money arrives.
        window.setTimeout(check, tries > 200 ? 15000 : 3000);
      })
      .catch(function () { window.setTimeout(check, 6000); });
  }
  window.setTimeout(check, 3000);

  var button = document.querySelector("[data-wechat-pay]");
  var params = document.getElementById("wechat-pay-params");
  if (button && params && window.WeixinJSBridge === undefined) {
    button.addEventListener("click", function () {
      document.addEventListener("WeixinJSBridgeReady", function () { button.click(); }, { once: true });
    });
  }
  if (button && params) {
    button.addEventListener("click", function () {
      if (!window.WeixinJSBridge) { return; }
      window.WeixinJSBridge.invoke("getBrandWCPayRequest", JSON.parse(params.textContent), function () {
        check();
      });
    });
  }
})();
