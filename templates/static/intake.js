// The pain diagram: tapping (or Space/Enter on) a body area ticks the matching box in the
// list below, which is what the form submits. Without this script the list works alone.
(function () {
  var map = document.querySelectorAll('.body-map');
  if (!map.length) return;
  map.forEach(function (svg) { svg.removeAttribute('aria-hidden'); });
  document.querySelectorAll('.body-map [data-area]').forEach(function (el) {
    var area = el.getAttribute('data-area');
    var box = document.querySelector('input[name="pain_region"][value="' + area + '"]');
    if (!box) return;
    el.setAttribute('tabindex', '0');
    el.setAttribute('role', 'checkbox');
    function sync() {
      document.querySelectorAll('.body-map [data-area="' + area + '"]').forEach(function (s) {
        s.classList.toggle('on', box.checked);
        s.setAttribute('aria-checked', box.checked ? 'true' : 'false');
      });
    }
    function toggle() { box.checked = !box.checked; sync(); }
    el.addEventListener('click', toggle);
    el.addEventListener('keydown', function (e) {
      if (e.key === ' ' || e.key === 'Enter') { e.preventDefault(); toggle(); }
    });
    box.addEventListener('change', sync);
    sync();
  });
})();
