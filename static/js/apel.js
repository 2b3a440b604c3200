// The apel screen: the count refreshes itself every few seconds without reloading the page.
(function () {
  "use strict";
  var root = document.getElementById("apel");
  if (!root || !window.fetch) { return; }
  var url = root.dataset.counts;
  var every = parseInt(root.dataset.refresh, 10) || 5000;
  function field(name) { return root.querySelector("[data-field=" + name + "]"); }
  function list(element, items, render) {
    element.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      render(li, item);
      element.appendChild(li);
    });
  }
  function show(counts) {
    field("signed").textContent = counts.signed;
    field("invited").textContent = counts.invited;
    field("percent").textContent = counts.percent;
    field("bar").style.width = Math.min(100, counts.percent) + "%";
    list(field("units"), counts.units.slice(0, 8), function (li, unit) {
      var name = document.createElement("span");
      var number = document.createElement("span");
      name.textContent = unit.name;
      number.textContent = unit.signed + "/" + unit.invited;
      li.appendChild(name);
      li.appendChild(number);
    });
    list(field("last"), counts.last, function (li, person) { li.textContent = person.name; });
  }
  function refresh() {
    window.fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (counts) { field("stale").hidden = true; show(counts); })
      .catch(function () { field("stale").hidden = false; })
      .then(function () { window.setTimeout(refresh, every); });
  }
  var first = parseFloat(field("percent").textContent.replace(",", ".")) || 0;
  field("bar").style.width = Math.min(100, first) + "%";
  window.setTimeout(refresh, every);
}());
