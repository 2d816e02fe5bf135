// Small progressive enhancements; every page works without them.
(function () {
  "use strict";
  // Focus the search box on "/".
  document.addEventListener("keydown", function (e) {
    var box = document.querySelector(".search input");
    if (box && e.key === "/" && document.activeElement !== box) {
      e.preventDefault();
      box.focus();
    }
  });
  // Let messages fade out after a while.
  var messages = document.querySelector(".messages");
  if (messages) setTimeout(function () { messages.style.display = "none"; }, 8000);
})();
