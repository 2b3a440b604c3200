// A table wider than the screen scrolls inside its box; keyboard users must be able to reach
// that box to scroll it (WCAG 2.1.1), so a box that does overflow becomes a focusable, named
// region. Boxes that fit stay out of the tab order.
document.querySelectorAll(".table-responsive").forEach(function (box) {
  if (box.scrollWidth <= box.clientWidth) return;
  var caption = box.querySelector("caption");
  box.tabIndex = 0;
  box.setAttribute("role", "region");
  if (caption) box.setAttribute("aria-label", caption.textContent.trim());
});
