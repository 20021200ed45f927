// The workspace's one-tap chips for the diagnoses and the plan. Like every helper of
// workspace.js, this only sets the section's fields and fires a bubbling "change";
// workspace.js saves it, and the server judges it like anything typed. The chips'
// words, codes and goal lines come from the server's rendering (the domain's rule
// table and templates), never from here.
(function () {
  "use strict";
  var ws = document.querySelector(".ws");
  if (!ws || ws.dataset.editable !== "true") return;

  function fire(el) { el.dispatchEvent(new Event("change", { bubbles: true })); }
  function each(sel, fn) { Array.prototype.forEach.call(document.querySelectorAll(sel), fn); }
  function codeInputs() {
    return Array.prototype.slice.call(document.querySelectorAll('#diagnoses input[data-key="code"]'));
  }
  function chosenCodes() {
    return codeInputs().map(function (i) { return i.value.trim().toUpperCase(); }).filter(Boolean);
  }

  // A suggestion already among the diagnoses is marked and cannot be added twice (also
  // right after a swap brought the server's chips, which may not know the latest tap).
  function markSuggestions() {
    var chosen = chosenCodes();
    each("[data-dx-code]", function (b) {
      var on = chosen.indexOf(b.dataset.dxCode.toUpperCase()) >= 0;
      b.disabled = on;
      b.classList.toggle("chosen", on);
      var mark = b.querySelector(".dx-added");
      if (mark) mark.hidden = !on;
    });
  }

  // A row for one more diagnosis when the table is full: a copy of the last, emptied.
  function newRow() {
    var inputs = codeInputs();
    var last = inputs[inputs.length - 1].closest("[data-row]");
    var row = last.cloneNode(true);
    var n = String(inputs.length + 1);
    row.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    row.querySelectorAll("input").forEach(function (i) {
      if (i.type === "radio") i.checked = false; else i.value = "";
      i.removeAttribute("aria-invalid");
      var label = i.getAttribute("aria-label");
      if (label) i.setAttribute("aria-label", label.replace(/\d+/, n));
    });
    last.parentNode.insertBefore(row, last.nextSibling);
    return row.querySelector('input[data-key="code"]');
  }

  function addDiagnosis(code) {
    if (chosenCodes().indexOf(code.toUpperCase()) >= 0) return;
    var empty = codeInputs().filter(function (i) { return i.value.trim() === ""; })[0] || newRow();
    empty.value = code;
    // The first diagnosis is the primary one until the practitioner marks another.
    var radios = Array.prototype.slice.call(document.querySelectorAll('#diagnoses input[data-key="primary"]'));
    if (!radios.some(function (r) { return r.checked; })) {
      var first = codeInputs().filter(function (i) { return i.value.trim() !== ""; })[0];
      var radio = first && first.closest("[data-row]").querySelector('input[data-key="primary"]');
      if (radio) radio.checked = true;
    }
    markSuggestions();
    fire(empty);
  }

  function field(id) { return document.getElementById(id); }

  // A preset is pressed while the fields say what it says.
  function markPresets() {
    var vpw = field("plan-vpw"), weeks = field("plan-weeks");
    if (!vpw || !weeks) return;
    each("[data-preset]", function (b) {
      var on = vpw.value.trim() === b.dataset.vpw && weeks.value.trim() === b.dataset.weeks;
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
  }

  function applyPreset(b) {
    var weeks = field("plan-weeks");
    field("plan-vpw").value = b.dataset.vpw;
    weeks.value = b.dataset.weeks;
    // The re-examination at the end of the course, unless one was already chosen.
    var reexam = field("plan-reexam");
    if (reexam && !reexam.value && b.dataset.reexam) reexam.value = b.dataset.reexam;
    markPresets();
    fire(weeks);
  }

  // The goal's line, with the weeks as the field says now ("{weeks}" is the marker of
  // plan_templates::WEEKS); without weeks, the line without a time frame.
  function addGoal(b) {
    var goals = field("plan-goals");
    var weeks = (field("plan-weeks") || { value: "" }).value.trim();
    var line = /^\d+$/.test(weeks) ? b.dataset.goal.split("{weeks}").join(weeks) : b.dataset.goalOpen;
    if (goals.value.indexOf(line) >= 0) return;
    var before = goals.value.replace(/\s+$/, "");
    goals.value = before ? before + "\n" + line : line;
    fire(goals);
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : null;
    if (!t) return;
    var dx = t.closest("[data-dx-code]");
    if (dx && !dx.disabled) return addDiagnosis(dx.dataset.dxCode);
    var preset = t.closest("[data-preset]");
    if (preset) return applyPreset(preset);
    var goal = t.closest("[data-goal]");
    if (goal) return addGoal(goal);
  });

  document.addEventListener("input", function (e) {
    if (e.target.id === "plan-vpw" || e.target.id === "plan-weeks") markPresets();
    if (e.target.matches && e.target.matches('#diagnoses input[data-key="code"]')) markSuggestions();
  });

  // A technique that needs an override reason asks for it as soon as it is chosen.
  document.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.matches || !box.matches('#allowed input[data-key="technique"]') || !box.checked) return;
    var reason = box.closest("[data-row]").querySelector('input[data-key="override_reason"]');
    if (reason && box.closest(".iv-relative") && !reason.value.trim()) reason.focus();
  });

  document.addEventListener("ws:swapped", markSuggestions);
  markSuggestions();
  markPresets();
})();
