// The console's only script (no inline scripts: the CSP forbids them). Pages work without it.
(function () {
  "use strict";
  // With scripts on, htmx loads floors and rooms as the building changes: the button that does
  // it without scripts (class no-js) is hidden.
  document.documentElement.classList.add("js");
  // A form marked data-once is sent once: a second tap waits (the server also dedupes).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-once")) return;
    if (form.dataset.sent) { event.preventDefault(); return; }
    form.dataset.sent = "1";
    Array.prototype.forEach.call(form.elements, function (b) {
      if (b.type !== "submit") return;
      b.setAttribute("aria-busy", "true");
      b.disabled = true;
    });
  });
  // Photos chosen from the camera show as thumbnails before sending.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || input.type !== "file") return;
    var box = input.nextElementSibling;
    if (!box || !box.classList.contains("previews")) {
      box = document.createElement("div");
      box.className = "thumbs previews";
      input.insertAdjacentElement("afterend", box);
    }
    box.replaceChildren();
    Array.prototype.slice.call(input.files || [], 0, 6).forEach(function (file) {
      var img = document.createElement("img");
      img.alt = file.name;
      img.width = 72;
      img.height = 72;
      img.src = URL.createObjectURL(file);
      box.appendChild(img);
    });
  });
})();
