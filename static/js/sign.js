// Signing page: the drawn signature pad, the typed-name alternative, and one submit only.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  if (!form) { return; }
  var canvas = document.getElementById("signature-pad");
  var hidden = form.querySelector("input[name=signature]");
  var submit = document.getElementById("sign-submit");
  var pad = null;

  function resize() {
    // Draw at device resolution so the stored PNG is sharp; resizing clears the canvas, so
    // redraw it: redraw() keeps both the strokes and a drawing restored by fromDataURL.
    var ratio = Math.max(window.devicePixelRatio || 1, 1);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    if (pad) { pad.redraw(); }
  }

  if (canvas && window.SignaturePad) {
    pad = new window.SignaturePad(canvas, { penColor: "#0b1f44", minWidth: 0.8, maxWidth: 2.6 });
    resize();
    window.addEventListener("resize", resize);
    document.getElementById("signature-clear").addEventListener("click", function () {
      pad.clear();
      hidden.value = "";
    });
  }

  var typed = form.querySelector("input[name=typed_name]");
  var preview = document.getElementById("typed-preview");
  if (typed && preview) {
    // Shows exactly what the document will print, so the signer sees it before submitting.
    typed.addEventListener("input", function () { preview.textContent = typed.value; });
  }

  var radios = form.querySelectorAll("[data-method]");
  function showMethod() {
    var chosen = form.querySelector("[data-method]:checked");
    form.querySelectorAll("[data-method-panel]").forEach(function (panel) {
      panel.hidden = radios.length > 1 && chosen && panel.dataset.methodPanel !== chosen.value;
    });
    if (chosen && chosen.value === "drawn") { resize(); }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showMethod); });
  showMethod();
  if (pad && hidden.value) {
    // After a refused submit the server sends the drawing back: show it again.
    pad.fromDataURL(hidden.value, { ratio: 1, width: canvas.offsetWidth, height: canvas.offsetHeight });
  }

  form.addEventListener("submit", function (event) {
    if (submit.disabled) { event.preventDefault(); return; }
    if (pad && hidden) { hidden.value = pad.isEmpty() ? "" : pad.toDataURL("image/png"); }
    // Weak connections invite a second tap; the server also refuses a double signature.
    submit.disabled = true;
    submit.textContent = submit.dataset.busy || submit.textContent;
  });
}());
