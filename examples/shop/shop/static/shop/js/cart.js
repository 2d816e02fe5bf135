// Cart quantities: +/- buttons beside each quantity input.
(function () {
  "use strict";
  document.querySelectorAll("input[data-quantity]").forEach(function (input) {
    ["-", "+"].forEach(function (sign) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = sign;
      b.addEventListener("click", function () {
        var n = parseInt(input.value, 10) || 0;
        input.value = Math.max(0, sign === "+" ? n + 1 : n - 1);
      });
      input.parentNode.insertBefore(b, sign === "-" ? input : input.nextSibling);
    });
  });
})();
