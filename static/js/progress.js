// Progress bars take their width from data-width (no inline styles under CSP).
document.querySelectorAll(".progress-bar[data-width]").forEach(function (bar) {
  bar.style.width = Math.max(0, Math.min(100, parseFloat(bar.dataset.width) || 0)) + "%";
});
