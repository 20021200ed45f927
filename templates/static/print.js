// The Print button of printable pages (the referral letter). The button is hidden until
// this script shows it, so without scripts the page only shows the Ctrl+P hint.
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
