// Palpation on the spine: tap a segment on the picture, then its findings as chips in the
// panel beside it. The panel holds no record of its own: each chip sets the segment's row
// of the palpation table and fires a bubbling "change", so workspace.js saves it exactly
// as if the table had been used, and after the save the server's rendering of the
// picture (coloured by what was recorded) replaces it. Without this script the picker
// stays hidden and the table does the work.
(function () {
  "use strict";
  var ws = document.querySelector(".ws");
  var section = document.getElementById("palpation");
  if (!ws || !section || ws.dataset.editable !== "true") return;
  var spine = section.querySelector(".palp-spine");
  var table = document.getElementById("palp-table");
  if (!spine || !table) return;
  var chosen = null;
  var tableKey = "ws-palp-table:" + ws.dataset.assessment;

  spine.hidden = false;
  // The table stays for the keyboard, folded away unless it was opened before.
  try { table.open = sessionStorage.getItem(tableKey) === "open"; } catch (e) { table.open = false; }
  table.addEventListener("toggle", function () {
    try { sessionStorage.setItem(tableKey, table.open ? "open" : "closed"); } catch (e) { /* only the default is lost */ }
  });

  function panel() { return document.getElementById("palp-panel"); }
  function row(segment) {
    return document.getElementById("palpation").querySelector('[data-row][data-segment="' + segment + '"]');
  }
  function control(r, key) { return r.querySelector('select[data-key="' + key + '"]'); }
  function directions(r) { return r.querySelectorAll('input[data-key="restricted"]'); }

  // The panel shows what the table row holds.
  function show() {
    var p = panel();
    var r = chosen && row(chosen);
    document.querySelectorAll("#spine-pick .vb").forEach(function (b) {
      b.setAttribute("aria-pressed", b.dataset.segment === chosen ? "true" : "false");
    });
    p.querySelectorAll(".pchip, .psel").forEach(function (el) { el.disabled = !r; });
    if (!r) return;
    var name = r.querySelector("th[scope=row]").textContent.trim();
    p.querySelector(".palp-title").textContent = name;
    p.querySelectorAll(".pchip").forEach(function (chip) {
      var on;
      if (chip.dataset.multi) {
        var box = r.querySelector('input[data-key="' + chip.dataset.pkey + '"][value="' + chip.dataset.value + '"]');
        on = !!box && box.checked;
      } else {
        var sel = control(r, chip.dataset.pkey);
        on = !!sel && sel.value === chip.dataset.value;
      }
      chip.setAttribute("aria-pressed", on ? "true" : "false");
    });
    p.querySelectorAll(".psel").forEach(function (s) {
      var sel = control(r, s.dataset.pkey);
      s.value = sel ? sel.value : "";
    });
    var part = r.querySelector("[data-part]");
    var letters = part ? part.textContent.trim() : "";
    p.querySelector(".palp-part").textContent = "PART: " + (letters || "none");
  }

  function choose(segment) {
    chosen = segment;
    show();
  }

  // Sets one control of the row and lets workspace.js save the row.
  function set(r, key, value) {
    var sel = control(r, key);
    if (!sel) return null;
    sel.value = value;
    return sel;
  }
  function changed(el) { el.dispatchEvent(new Event("change", { bubbles: true })); }

  function tapChip(chip) {
    var r = chosen && row(chosen);
    if (!r) return;
    var key = chip.dataset.pkey;
    var on = chip.getAttribute("aria-pressed") === "true";
    var last;
    if (chip.dataset.multi) {
      var box = r.querySelector('input[data-key="' + key + '"][value="' + chip.dataset.value + '"]');
      if (!box) return;
      box.checked = !on;
      // A restricted direction is a restricted segment: one tap, not two.
      if (box.checked) set(r, "motion", "restricted");
      last = box;
    } else {
      last = set(r, key, on ? "" : chip.dataset.value);
      // Directions only mean something for a restricted segment (the server drops them
      // too): clear them when the motion is changed away from restricted.
      if (key === "motion" && last && last.value !== "restricted") {
        directions(r).forEach(function (b) { b.checked = false; });
      }
    }
    if (last) changed(last);
    show();
  }

  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target : null;
    if (!t) return;
    var vb = t.closest("#spine-pick .vb");
    if (vb) { choose(vb.dataset.segment); return; }
    var chip = t.closest("#palp-panel .pchip");
    if (chip) tapChip(chip);
  });
  document.addEventListener("change", function (e) {
    var s = e.target.closest && e.target.closest("#palp-panel .psel");
    if (s) {
      var r = chosen && row(chosen);
      if (!r) return;
      var sel = set(r, s.dataset.pkey, s.value);
      if (sel) changed(sel);
      return;
    }
    // The table changed (keyboard): the panel follows when it shows that segment.
    var tr = e.target.closest && e.target.closest("#palpation [data-row]");
    if (tr && tr.dataset.segment === chosen) show();
  });
  // Up and down walk the spine, as the fingers do.
  document.addEventListener("keydown", function (e) {
    var vb = e.target.closest && e.target.closest("#spine-pick .vb");
    if (!vb || (e.key !== "ArrowUp" && e.key !== "ArrowDown")) return;
    var all = Array.prototype.slice.call(document.querySelectorAll("#spine-pick .vb"));
    var next = all[all.indexOf(vb) + (e.key === "ArrowDown" ? 1 : -1)];
    if (next) { e.preventDefault(); next.focus(); choose(next.dataset.segment); }
  });
  // The picture is redrawn by the server after a save: keep the segment chosen (and
  // the focus on it when it had it).
  document.addEventListener("ws:swapped", function (e) {
    var ids = (e.detail && e.detail.sections) || [];
    if (ids.indexOf("spine-pick") < 0 && ids.indexOf("palpation") < 0) return;
    var hadFocus = document.activeElement === document.body;
    if (ids.indexOf("palpation") >= 0) {
      var s = document.querySelector("#palpation .palp-spine");
      if (s) s.hidden = false;
      var t = document.getElementById("palp-table");
      if (t) { try { t.open = sessionStorage.getItem(tableKey) === "open"; } catch (err) { t.open = false; } }
    }
    show();
    if (hadFocus && chosen) {
      var b = document.querySelector('#spine-pick .vb[data-segment="' + chosen + '"]');
      if (b) b.focus({ preventScroll: true });
    }
  });
  // PART changes as workspace.js saves: the panel's line follows.
  document.addEventListener("ws:saved", function (e) {
    if (e.detail && e.detail.section === "palpation") show();
  });
})();
