// The result page of a signature: drafts of this user's signing pages are no longer needed on
// this device (a phone may be shared), so they go.
(function () {
  "use strict";
  var marker = document.querySelector("[data-clear-drafts]");
  if (!marker) { return; }
  try {
    var store = window.localStorage;
    var prefix = marker.dataset.clearDrafts;
    for (var i = store.length - 1; i >= 0; i -= 1) {
      var key = store.key(i);
      if (key && key.indexOf(prefix) === 0) { store.removeItem(key); }
    }
  } catch (e) { /* no storage: nothing to clear */ }
}());
