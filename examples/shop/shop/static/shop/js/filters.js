// Catalog filters: remember the last sort order in this browser.
(function () {
  "use strict";
  var params = new URLSearchParams(location.search);
  if (params.has("sort")) {
    try { localStorage.setItem("shop.sort", params.get("sort")); } catch (e) { /* private mode */ }
  }
})();
