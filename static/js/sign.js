// Signing page: the drawn signature pad, the typed-name alternative, one submit only, and a
// draft kept on the phone so that a reload or a lost signal loses nothing.
(function () {
  "use strict";
  var form = document.getElementById("sign-form");
  if (!form) { return; }
  var canvas = document.getElementById("signature-pad");
  var hidden = form.querySelector("input[name=signature]");
  var submission = form.querySelector("input[name=submission]");
  var typed = form.querySelector("input[name=typed_name]");
  var preview = document.getElementById("typed-preview");
  var submit = document.getElementById("sign-submit");
  var offline = document.getElementById("sign-offline");
  var retry = document.getElementById("sign-retry");
  var draftKey = form.dataset.draft;
  var DRAFT_HOURS = 24;
  var pad = null;
  var sending = false;

  // --- the draft: ticks, method, typed name, drawing and submission key, per user and page ---
  function storage() {
    try { return window.localStorage; } catch (e) { return null; }
  }
  function saveDraft() {
    var store = storage();
    if (!store || !draftKey) { return; }
    var chosen = form.querySelector("[data-method]:checked");
    var draft = {
      saved: Date.now(),
      submission: submission ? submission.value : "",
      method: chosen ? chosen.value : "",
      typed: typed ? typed.value : "",
      points: Array.prototype.map.call(form.querySelectorAll("input[name^=point_]:checked"),
        function (box) { return box.name; }),
      drawing: pad && !pad.isEmpty() ? pad.toDataURL("image/png") : ""
    };
    try { store.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* storage full */ }
  }
  function loadDraft() {
    var store = storage();
    if (!store || !draftKey) { return null; }
    try {
      var draft = JSON.parse(store.getItem(draftKey) || "null");
      if (draft && Date.now() - draft.saved < DRAFT_HOURS * 3600 * 1000) { return draft; }
      store.removeItem(draftKey);
    } catch (e) { /* a damaged draft is no draft */ }
    return null;
  }
  function clearDraft() {
    var store = storage();
    if (store && draftKey) { store.removeItem(draftKey); }
  }

  function resize() {
    // Draw at device resolution so the stored PNG is sharp, but at most twice the CSS pixels:
    // the certificate prints the pad's 200 px in 18 mm, so 2x is already over 500 dpi, and a
    // 3x phone's PNG has 2.25 times the pixels to send and for the server to check.
    // Resizing clears the canvas, so redraw it: redraw() keeps both the strokes and a drawing
    // restored by fromDataURL.
    var ratio = Math.min(Math.max(window.devicePixelRatio || 1, 1), 2);
    canvas.width = canvas.offsetWidth * ratio;
    canvas.height = canvas.offsetHeight * ratio;
    canvas.getContext("2d").scale(ratio, ratio);
    if (pad) { pad.redraw(); }
  }

  if (canvas && window.SignaturePad) {
    pad = new window.SignaturePad(canvas, { penColor: "#0b1f44", minWidth: 0.8, maxWidth: 2.6 });
    resize();
    window.addEventListener("resize", resize);
    pad.addEventListener("endStroke", saveDraft);
    document.getElementById("signature-clear").addEventListener("click", function () {
      pad.clear();
      hidden.value = "";
      saveDraft();
    });
  }

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
    if (chosen && chosen.value === "drawn" && canvas) { resize(); }
  }
  radios.forEach(function (radio) { radio.addEventListener("change", showMethod); });

  var draft = loadDraft();
  if (draft) {
    if (submission && draft.submission) { submission.value = draft.submission; }
    draft.points.forEach(function (name) {
      var box = form.querySelector("input[name='" + name + "']");
      if (box) { box.checked = true; }
    });
    radios.forEach(function (radio) { radio.checked = radio.value === draft.method; });
    if (typed && draft.typed) { typed.value = draft.typed; }
    if (preview && typed) { preview.textContent = typed.value; }
  }
  showMethod();
  var drawing = (draft && draft.drawing) || (hidden && hidden.value);
  if (pad && drawing) {
    // A draft, or the drawing the server sent back after a refused submit: show it again.
    pad.fromDataURL(drawing, { ratio: 1, width: canvas.offsetWidth, height: canvas.offsetHeight });
  }
  form.addEventListener("change", saveDraft);
  form.addEventListener("input", saveDraft);

  // --- sending: by fetch, so a lost reply leaves the page (and the draft) in place ----------
  function busy(on) {
    sending = on;
    submit.disabled = on;
    if (on) {
      submit.dataset.label = submit.dataset.label || submit.textContent;
      submit.textContent = submit.dataset.busy || submit.textContent;
    } else if (submit.dataset.label) {
      submit.textContent = submit.dataset.label;
    }
  }
  function send() {
    if (pad && hidden) { hidden.value = pad.isEmpty() ? "" : pad.toDataURL("image/png"); }
    saveDraft();
    busy(true);
    offline.classList.add("d-none");
    window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "X-Sign-Fetch": "1" }
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (response.ok && type.indexOf("application/json") === 0) {
        return response.json().then(function (answer) {
          clearDraft();
          window.location.assign(answer.next);
        });
      }
      // Refused (a field to correct, a closed campaign): the server's own page says why.
      form.dataset.native = "1";
      form.submit();
    }).catch(function () {
      busy(false);
      offline.classList.remove("d-none");
      offline.focus();
    });
  }

  form.addEventListener("submit", function (event) {
    if (form.dataset.native) { return; }
    event.preventDefault();
    if (sending) { return; }  // weak connections invite a second tap
    if (!window.fetch || !window.FormData) {
      form.dataset.native = "1";
      if (pad && hidden) { hidden.value = pad.isEmpty() ? "" : pad.toDataURL("image/png"); }
      busy(true);
      form.submit();
      return;
    }
    send();
  });
  if (retry) { retry.addEventListener("click", function () { if (!sending) { send(); } }); }
  window.addEventListener("online", function () {
    if (!offline.classList.contains("d-none") && !sending) { send(); }
  });
}());
