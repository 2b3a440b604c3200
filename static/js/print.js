// Buttons marked data-print open the browser's print dialog (no inline handlers under CSP).
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.addEventListener("click", function () { window.print(); });
});
