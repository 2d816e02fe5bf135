// Product gallery: click a thumbnail to show it first.
(function () {
  "use strict";
  var gallery = document.querySelector("[data-gallery]");
  if (!gallery) return;
  gallery.addEventListener("click", function (e) {
    if (e.target.tagName === "IMG" && e.target !== gallery.firstElementChild) {
      gallery.insertBefore(e.target, gallery.firstElementChild);
    }
  });
})();
