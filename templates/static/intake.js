// The pain diagram: tapping (or Space/Enter on) a body area ticks the matching box in the
// list below, which is what the form submits. Without this script the list works alone.
// Each picture is one tab stop (a roving tabindex): the arrow keys move between its
// areas, so the diagram adds two stops to the page, not forty-one. Under each picture a
// line repeats what is marked, so a patient sees it without scrolling to the list.
(function () {
  var maps = document.querySelectorAll('.body-map');
  if (!maps.length) return;
  var boxes = document.querySelectorAll('input[name="pain_region"]');
  function label(box) { return box.parentNode.textContent.trim(); }
  function showPicked() {
    var picked = Array.prototype.filter.call(boxes, function (b) { return b.checked; }).map(label);
    document.querySelectorAll('.map-picked').forEach(function (p) {
      p.textContent = picked.length ? 'Marked: ' + picked.join(', ') : 'Nothing marked yet.';
      p.hidden = false;
    });
  }
  maps.forEach(function (svg) {
    svg.removeAttribute('aria-hidden');
    svg.setAttribute('role', 'group');
    svg.setAttribute('aria-label', (svg.getAttribute('data-view') === 'back' ? 'Back' : 'Front') +
      ' of the body: arrow keys move between areas, Space marks one');
    var areas = Array.prototype.slice.call(svg.querySelectorAll('[data-area]'));
    function moveTo(i) {
      areas.forEach(function (a, j) { a.setAttribute('tabindex', j === i ? '0' : '-1'); });
      areas[i].focus();
    }
    areas.forEach(function (el, i) {
      var area = el.getAttribute('data-area');
      var box = document.querySelector('input[name="pain_region"][value="' + area + '"]');
      if (!box) return;
      el.setAttribute('tabindex', i === 0 ? '0' : '-1');
      el.setAttribute('role', 'checkbox');
      el.setAttribute('aria-label', el.querySelector('title').textContent);
      function sync() {
        document.querySelectorAll('.body-map [data-area="' + area + '"]').forEach(function (s) {
          s.classList.toggle('on', box.checked);
          s.setAttribute('aria-checked', box.checked ? 'true' : 'false');
        });
        showPicked();
      }
      function toggle() { box.checked = !box.checked; sync(); }
      el.addEventListener('click', function () {
        areas.forEach(function (a) { a.setAttribute('tabindex', a === el ? '0' : '-1'); });
        toggle();
      });
      el.addEventListener('keydown', function (e) {
        if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); toggle(); }
        else if (e.key === 'ArrowDown' || e.key === 'ArrowRight') { e.preventDefault(); moveTo((i + 1) % areas.length); }
        else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') { e.preventDefault(); moveTo((i + areas.length - 1) % areas.length); }
        else if (e.key === 'Home') { e.preventDefault(); moveTo(0); }
        else if (e.key === 'End') { e.preventDefault(); moveTo(areas.length - 1); }
      });
      box.addEventListener('change', sync);
      sync();
    });
  });
})();
