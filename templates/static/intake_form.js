// The pre-visit form, every step. Without this script the form works the same, only
// longer: every details box and a few empty medicine lines are shown.
(function () {
  // A step that came back with missing answers: its summary takes focus, so a screen
  // reader reads it and the phone scrolls to it; its links move focus to the field.
  var summary = document.getElementById('error-summary');
  if (summary) {
    summary.focus();
    summary.querySelectorAll('a[href^="#"]').forEach(function (link) {
      link.addEventListener('click', function (e) {
        var field = document.getElementById(link.getAttribute('href').slice(1));
        if (!field) return;
        e.preventDefault();
        var around = field.closest('fieldset') || field;
        around.scrollIntoView({ block: 'start' });
        field.focus({ preventScroll: true });
      });
    });
  }

  // Health conditions: the details box only after "Yes" or "Not sure" (or when it
  // already holds something).
  document.querySelectorAll('[data-details-for]').forEach(function (box) {
    var name = box.getAttribute('data-details-for');
    var radios = document.querySelectorAll('input[type=radio][name="' + name + '"]');
    var input = box.querySelector('input');
    function sync() {
      var checked = document.querySelector('input[type=radio][name="' + name + '"]:checked');
      var wanted = checked && (checked.value === 'yes' || checked.value === 'unsure');
      box.hidden = !(wanted || (input && input.value.trim() !== ''));
    }
    radios.forEach(function (r) { r.addEventListener('change', sync); });
    sync();
  });

  // Medicines and operations: one empty line and an "Add another" button, instead of
  // the few empty lines the page brings for phones without scripts.
  document.querySelectorAll('[data-add-row]').forEach(function (button) {
    var cls = button.getAttribute('data-add-row');
    function rows() { return Array.prototype.slice.call(document.querySelectorAll('.' + cls)); }
    function empty(row) {
      return Array.prototype.every.call(row.querySelectorAll('input'), function (i) {
        return i.value.trim() === '';
      });
    }
    var seenEmpty = false;
    rows().forEach(function (row) {
      if (!empty(row)) return;
      if (seenEmpty) row.hidden = true;
      seenEmpty = true;
    });
    var hint = button.parentNode.querySelector('.no-script-hint');
    if (hint) hint.hidden = true;
    button.hidden = false;
    button.addEventListener('click', function () {
      var all = rows();
      var next = all.filter(function (r) { return r.hidden; })[0];
      if (!next) {
        // Past the lines the page brought: copy the last one with the next number.
        var last = all[all.length - 1];
        var n = all.length;
        next = last.cloneNode(true);
        next.querySelectorAll('input, label').forEach(function (el) {
          ['id', 'name', 'for'].forEach(function (attr) {
            var v = el.getAttribute(attr);
            if (v) el.setAttribute(attr, v.replace(/_\d+_/, '_' + n + '_'));
          });
          if (el.tagName === 'INPUT') el.value = '';
        });
        last.parentNode.insertBefore(next, last.nextSibling);
      }
      next.hidden = false;
      var first = next.querySelector('input');
      if (first) first.focus();
    });
  });
})();
