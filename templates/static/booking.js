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
  // Back can restore this page as it was left, with a date typed for another day in
  // the field while the day shown is this one: put the field back to the day shown.
  window.addEventListener("pageshow", function (e) {
    var date = document.getElementById("date");
    if (e.persisted && date) { date.value = date.defaultValue; }
  });
})();
