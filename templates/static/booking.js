// The booking form's practitioner and date: choosing either shows that practitioner's
// day at once. Without this script the "Show the day" button does the same GET.
(function () {
  var picker = document.getElementById("day-picker");
  if (!picker) { return; }
  ["practitioner_id", "date"].forEach(function (id) {
    var field = document.getElementById(id);
    if (field) {
      field.addEventListener("change", function () {
        if (picker.requestSubmit) { picker.requestSubmit(); } else { picker.submit(); }
      });
    }
  });
})();
