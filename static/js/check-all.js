// A "tick all" button for a list of checkboxes of the same name.
(function () {
  "use strict";
  document.querySelectorAll("[data-check-all]").forEach(function (button) {
    button.addEventListener("click", function () {
      var boxes = document.querySelectorAll("input[type=checkbox][name='" + button.dataset.checkAll + "']");
      var all = Array.prototype.every.call(boxes, function (box) { return box.checked; });
      boxes.forEach(function (box) { box.checked = !all; });
    });
  });
}());
