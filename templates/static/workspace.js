// The assessment workspace: saves each section as you go, shows errors next to their
// fields, keeps what was typed when someone else saved first, and gives the keyboard
// shortcuts. Each section form is read into the JSON the API takes (data-key names a
// field, data-row a row of a list, data-const the row's fixed codes, data-when the
// fields that make a row worth sending) and posted with the draft's version.
(function () {
  "use strict";
  var ws = document.querySelector(".ws");
  if (!ws || ws.dataset.editable !== "true") return;
  var id = ws.dataset.assessment;
  var versionEl = document.getElementById("ws-version");
  var csrf = document.getElementById("ws-csrf").value;
  var status = document.getElementById("ws-status");
  var queue = [];
  var busy = false;
  var timers = {};
  var flagCount = Number(ws.dataset.flags || "0");

  function say(text, kind) {
    status.textContent = text;
    status.className = "ws-status" + (kind ? " ws-status-" + kind : "");
  }

  function value(el) {
    var t = el.dataset.type || "text";
    if (t === "bool") return el.checked;
    if (t === "radio-bool") return el.checked ? true : undefined;
    if (t === "check-value") return el.checked ? el.value : undefined;
    if (t === "radio-int") return el.checked ? Number(el.value) : undefined;
    var v = (el.value || "").trim();
    if (v === "") return undefined;
    if (t === "int") return /^-?\d+$/.test(v) ? Number(v) : v;
    if (t === "num") return isNaN(Number(v)) ? v : Number(v);
    return v;
  }

  // Reads the fields of `scope` that are not inside a nested row or list.
  function fields(scope, skip) {
    var out = {};
    scope.querySelectorAll("[data-key]").forEach(function (el) {
      if (skip && skip(el)) return;
      var k = el.dataset.key;
      if (el.dataset.type === "multi") {
        if (!out[k]) out[k] = [];
        if (el.checked) out[k].push(el.value);
        return;
      }
      var v = value(el);
      if (v !== undefined) out[k] = v;
    });
    return out;
  }

  function rowValue(row) {
    var obj = fields(row);
    var when = (row.dataset.when || "").split(" ").filter(Boolean);
    var used = when.length === 0 || when.some(function (k) {
      var v = obj[k];
      return v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0);
    });
    if (!used) return null;
    if (row.dataset.const) {
      var c = JSON.parse(row.dataset.const);
      Object.keys(c).forEach(function (k) { obj[k] = c[k]; });
    }
    return obj;
  }

  // Returns [json, rowsByList] where rowsByList maps "" or a list name to the rows sent.
  function collect(form) {
    var rowsBy = {};
    function rows(container, name) {
      var list = [];
      rowsBy[name] = [];
      container.querySelectorAll("[data-row]").forEach(function (row) {
        var v = rowValue(row);
        if (v) { list.push(v); rowsBy[name].push(row); }
      });
      return list;
    }
    if (form.dataset.shape === "list") return [rows(form, ""), rowsBy];
    var obj = fields(form, function (el) { return el.closest("[data-list]"); });
    form.querySelectorAll("[data-list]").forEach(function (l) {
      obj[l.dataset.list] = rows(l, l.dataset.list);
    });
    return [obj, rowsBy];
  }

  function clearErrors(form) {
    form.querySelectorAll(".field-error").forEach(function (e) { e.remove(); });
    form.querySelectorAll("[aria-invalid]").forEach(function (e) { e.removeAttribute("aria-invalid"); });
    form.querySelector(".ws-errors").textContent = "";
  }

  function showError(form, rowsBy, key, message) {
    var section = form.dataset.section;
    var rest = key.slice(section.length);
    var m = /^(?:\.([a-z_]+))?(?:\[(\d+)\])?(?:\.([a-z_]+))?/.exec(rest) || [];
    var list = form.dataset.shape === "list" ? "" : m[2] !== undefined ? m[1] : null;
    var target = null;
    if (list !== null && m[2] !== undefined && rowsBy[list]) {
      var row = rowsBy[list][Number(m[2])];
      if (row) target = (m[3] && row.querySelector('[data-key="' + m[3] + '"]')) || row.querySelector("[data-key]");
    } else if (m[1]) {
      target = form.querySelector('[data-key="' + m[1] + '"]');
    }
    var span = document.createElement("span");
    span.className = "field-error";
    span.textContent = message;
    if (target) {
      target.setAttribute("aria-invalid", "true");
      target.insertAdjacentElement("afterend", span);
    } else {
      form.querySelector(".ws-errors").appendChild(span);
    }
  }

  function conflictBox(form, current) {
    var box = form.querySelector(".ws-errors");
    box.textContent = "";
    var p = document.createElement("p");
    p.className = "alert alert-warn";
    p.textContent = "Someone else saved this assessment after you opened it. Nothing of yours was saved, and what you typed is still here. ";
    var mine = document.createElement("button");
    mine.type = "button";
        mine.textContent = "Save my version of this section (replaces theirs)";
    mine.addEventListener("click", function () {
      versionEl.value = String(current);
      enqueue(form);
    });
    var theirs = document.createElement("button");
    theirs.type = "button";
    theirs.textContent = "Discard mine and reload";
    theirs.addEventListener("click", function () { location.reload(); });
    p.appendChild(mine);
    p.appendChild(document.createTextNode(" "));
    p.appendChild(theirs);
    box.appendChild(p);
  }

  // "Before signing", as the server says after each save (never stale).
  function showBlockers(list) {
    var box = document.getElementById("ws-blockers");
    if (!box || !Array.isArray(list)) return;
    box.textContent = "";
    var p = document.createElement("p");
    if (list.length === 0) {
      p.textContent = "Ready to sign. After signing the record never changes; corrections are addenda.";
      box.appendChild(p);
      return;
    }
    p.textContent = "Before signing:";
    var ul = document.createElement("ul");
    list.forEach(function (b) {
      var li = document.createElement("li");
      li.textContent = b;
      ul.appendChild(li);
    });
    box.appendChild(p);
    box.appendChild(ul);
  }

  // "% of normal" as the degrees are typed, rounded as the server rounds it.
  document.querySelectorAll('#rom input[data-key="degrees"]').forEach(function (input) {
    input.addEventListener("input", function () {
      var cell = input.closest("tr").querySelector("[data-percent]");
      var normal = Number(input.dataset.normal);
      var deg = input.value.trim() === "" ? NaN : Number(input.value);
      if (!cell) return;
      cell.textContent = normal > 0 && Number.isInteger(deg) && deg >= 0
        ? Math.floor((deg * 100 + Math.floor(normal / 2)) / normal) + "%"
        : "";
    });
  });

  function afterSave(form, body) {
    showBlockers(body.sign_blockers);
    versionEl.value = String(body.version);
    document.querySelectorAll('input[name="version"]').forEach(function (i) { i.value = String(body.version); });
    (body.part || []).forEach(function (p) {
      var cell = document.querySelector('[data-part="' + p.segment + '"]');
      if (cell) {
        cell.textContent = p.criteria + (p.subluxation ? " ✔" : "");
        cell.classList.toggle("part-sub", p.subluxation);
      }
    });
        var link = document.querySelector('.ws-index a[href="#' + form.dataset.section + '"]');
    if (link && !link.classList.contains("done")) {
      link.classList.add("done");
      var tick = document.createElement("span");
      tick.className = "tick";
      tick.setAttribute("aria-label", "charted");
      tick.textContent = " ✓";
      link.appendChild(tick);
    }
    if (form.dataset.section === "history") {
      form.querySelectorAll("[data-row]").forEach(function (row) {
        var sel = row.querySelector('select[data-key="status"]');
        var tag = row.querySelector(".tag");
        if (!sel || !tag) return;
        var words = { "": "patient-reported", verified: "practitioner-verified", corrected: "corrected" };
        tag.textContent = words[sel.value] || "patient-reported";
        tag.className = "tag" + (sel.value === "verified" ? " tag-ok" : sel.value === "corrected" ? " tag-warn" : "");
      });
    }
    if (body.flags_count !== flagCount && queue.length === 0) {
      // A finding raised (or the plan now meets) a flag: show the banner at once.
      say("A finding raised a flag: reloading to show it…", "warn");
      location.reload();
      return;
    }
    say("Saved · version " + body.version, "ok");
  }

  function send(form) {
    var c = collect(form);
    var data = new URLSearchParams();
    data.set("csrf_token", csrf);
    data.set("version", versionEl.value);
    data.set("data", JSON.stringify(c[0]));
    say("Saving…");
        return fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      // A redirect here means the session ended (to /login): never follow it.
      redirect: "manual",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json" },
      body: data.toString()
    }).then(function (r) {
            if (r.type === "opaqueredirect" || r.status === 401) {
        return say("Not saved: your session ended. Sign in again in another tab, then change any field here to save (what you typed is still on this page).", "warn");
      }
      return r.json().catch(function () { return {}; }).then(function (body) {
        clearErrors(form);
        if (r.ok) return afterSave(form, body);
        if (r.status === 409 && body.current_version) {
          conflictBox(form, body.current_version);
          return say("Not saved: someone else saved first.", "warn");
        }
        if (r.status === 422) {
          Object.keys(body.errors || {}).forEach(function (k) { showError(form, c[1], k, body.errors[k]); });
          return say("Not saved: check the highlighted fields in " + form.dataset.section + ".", "warn");
        }
        
        form.querySelector(".ws-errors").textContent = body.error || "Not saved.";
        say("Not saved.", "warn");
      });
    }).catch(function () {
      say("Not saved: no connection. Your entries are kept; they will be sent with the next change.", "warn");
    });
  }

  function pump() {
    if (busy || queue.length === 0) return;
    busy = true;
    var form = queue.shift();
    send(form).then(function () { busy = false; pump(); });
  }

  function enqueue(form) {
    if (queue.indexOf(form) < 0) queue.push(form);
    pump();
  }

  function idle() {
    return new Promise(function (resolve) {
      (function wait() {
        var pending = Object.keys(timers).length > 0;
        if (!busy && queue.length === 0 && !pending) resolve();
        else setTimeout(wait, 50);
      })();
    });
  }

  function schedule(form, delay) {
    var key = form.dataset.section;
    clearTimeout(timers[key]);
    timers[key] = setTimeout(function () { delete timers[key]; enqueue(form); }, delay);
  }

  document.querySelectorAll("form.ws-section").forEach(function (form) {
    form.addEventListener("change", function () { schedule(form, 150); });
    form.addEventListener("input", function (e) {
      if (e.target.matches("input:not([type=checkbox]):not([type=radio]), textarea")) schedule(form, 900);
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); enqueue(form); });
  });

  // "All normal": the plain forms are moved next to their section's heading; before one
  // is sent, pending saves finish and it carries the latest version.
  document.querySelectorAll("form.ws-normal").forEach(function (f) {
    var head = document.querySelector("#" + f.dataset.for + " .ws-section-head");
    if (head) head.appendChild(f);
    f.addEventListener("submit", function (e) {
      e.preventDefault();
      Object.keys(timers).forEach(function (k) {
        clearTimeout(timers[k]); delete timers[k];
        enqueue(document.getElementById(k));
      });
      idle().then(function () {
        f.querySelector('input[name="version"]').value = versionEl.value;
        HTMLFormElement.prototype.submit.call(f);
      });
    });
  });

  // "Review this form" (re-pin the history) carries the latest version too.
  var pin = document.getElementById("ws-pin-form");
  if (pin) pin.addEventListener("submit", function (e) {
    e.preventDefault();
    idle().then(function () {
      pin.querySelector('input[name="version"]').value = versionEl.value;
      HTMLFormElement.prototype.submit.call(pin);
    });
  });

  var confirmAll = document.querySelector(".ws-confirm-all");
  if (confirmAll) confirmAll.addEventListener("click", function () {
    var form = document.getElementById("history");
    form.querySelectorAll('select[data-key="status"]').forEach(function (s) { if (!s.value) s.value = "verified"; });
    enqueue(form);
  });

  var sign = document.querySelector("form.ws-sign");
  if (sign) sign.addEventListener("submit", function (e) {
    e.preventDefault();
    idle().then(function () {
      sign.querySelector('input[name="version"]').value = versionEl.value;
      HTMLFormElement.prototype.submit.call(sign);
    });
  });

  // Keyboard: Alt+1…9 sections, Alt+0 signing, Alt+N "all normal" for the section in view
  // (not for tests, whose screening sets are chosen by name).
  var order = Array.prototype.map.call(document.querySelectorAll(".ws-index a"), function (a) {
    return a.getAttribute("href").slice(1);
  });
  function current() {
    var best = null;
    document.querySelectorAll("form.ws-section").forEach(function (f) {
      if (f.getBoundingClientRect().top < window.innerHeight / 2) best = f;
    });
    var focused = document.activeElement && document.activeElement.closest("form.ws-section");
    return focused || best;
  }
  function go(target) {
    var el = document.getElementById(target);
    if (!el) return;
    el.scrollIntoView({ block: "start" });
    var first = el.querySelector("select:not([disabled]), input:not([type=hidden]):not([disabled]), textarea, button");
    if (first) first.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    if (/^Digit[0-9]$/.test(e.code)) {
      var n = Number(e.code.slice(5));
      var target = n === 0 ? "sign" : order[n - 1];
      if (target) { e.preventDefault(); go(target); }
    } else if (e.code === "KeyN") {
      var f = current();
      // Tests have several named screening sets: Alt+N does not guess which.
      var btn = f && document.querySelector('form.ws-normal[data-for="' + f.dataset.section + '"]:not([data-set]) button');
      if (btn) { e.preventDefault(); btn.click(); }
    }
  });

    // Sections land just below the pinned flags and index, whatever their height.
  var sticky = document.querySelector(".ws-sticky");
  function pin() {
    if (sticky) document.documentElement.style.setProperty("--ws-pinned", sticky.offsetHeight + 8 + "px");
  }
  pin();
  window.addEventListener("resize", pin);
  var tray = document.querySelector(".ws-normals");
  if (tray && !tray.querySelector("form")) tray.remove();
  say("Changes save as you go.");
})();
