// The workers' pages: live countdowns and a photo check before sending (no inline scripts).
(function () {
  "use strict";
  var SOON_MS = 30 * 60 * 1000;
  function span(ms, w) {
    var s = Math.floor(Math.abs(ms) / 1000), d = Math.floor(s / 86400),
      h = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
    var mm = (m < 10 ? "0" : "") + m;
    if (d) return d + " " + w.d + " " + h + " " + w.h;
    if (h) return h + " " + w.h + " " + mm + " " + w.min;
    return m + " " + w.min;
  }
  function words(el) {
    var box = el.closest("[data-w-left]");
    return box ? box.dataset : { wLeft: "", wLate: "", wD: "d", wH: "h", wMin: "min", wAfter: "" };
  }
  function tick() {
    var now = Date.now();
    document.querySelectorAll("[data-due]").forEach(function (el) {
      var w = words(el), left = Date.parse(el.dataset.due) - now;
      var level = left < 0 ? "late" : left <= SOON_MS ? "soon" : "ok";
      var text = el.querySelector(".clock-text");
      var units = { d: w.wD, h: w.wH, min: w.wMin };
      var what = left < 0 ? w.wLate : w.wLeft, count = span(left, units);
      // 剩余 20 分 ; 20 min left (English: after the stage and a colon, "accept by: 20 min left")
      if (text) text.textContent = w.wAfter === "1" ? count + " " + what : what + " " + count;
      el.classList.remove("lvl-ok", "lvl-soon", "lvl-late");
      el.classList.add("lvl-" + level);
      var card = el.closest(".work-card");
      if (card) {
        var worst = card.querySelector(".clock.lvl-late") ? "late"
          : card.querySelector(".clock.lvl-soon") ? "soon" : null;
        if (worst) {
          card.classList.remove("lvl-ok", "lvl-soon", "lvl-late");
          card.classList.add("lvl-" + worst);
        }
      }
    });
  }
  tick();
  setInterval(tick, 1000);
  document.addEventListener("htmx:afterSettle", tick);
  // A queue's poll sends the version of the cards it shows: unchanged, the console answers 204
  // and htmx leaves the cards alone (the countdowns above keep ticking all the same). It asks
  // for as many cards as the page shows ("more" shows more than the first page).
  document.addEventListener("htmx:configRequest", function (event) {
    var box = event.detail.elt;
    var mark = box && box.classList && box.classList.contains("work-live")
      ? box.querySelector("[data-queue-version]") : null;
    if (!mark) return;
    event.detail.headers["X-Queue-Version"] = mark.dataset.queueVersion;
    if (mark.dataset.queueShown) event.detail.parameters.shown = mark.dataset.queueShown;
  });
  // Photos: too large, too many or not an image are refused here, in words, before sending
  // (so the note typed beside them is never lost to a refused upload).
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.maxBytes) return;
    var files = Array.prototype.slice.call(input.files || []), total = 0, bad = false;
    files.forEach(function (f) {
      total += f.size;
      if (f.size > +input.dataset.maxBytes || !/^image\/(jpeg|png|webp)$/.test(f.type)) bad = true;
    });
    if (files.length > +input.dataset.maxFiles || total > +input.dataset.maxTotal) bad = true;
    var id = "err-photos", msg = document.getElementById(id);
    if (bad) {
      if (!msg) {
        msg = document.createElement("p");
        msg.id = id;
        msg.className = "field-error";
        msg.setAttribute("role", "alert");
        input.insertAdjacentElement("afterend", msg);
      }
      msg.textContent = input.dataset.refusal;
      input.setAttribute("aria-invalid", "true");
      input.value = "";
    } else if (msg) {
      msg.remove();
      input.removeAttribute("aria-invalid");
    }
  });
})();
