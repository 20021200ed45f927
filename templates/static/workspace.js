// The assessment workspace: saves each section as you go, shows errors next to their
// fields, keeps what was typed when someone else saved first, updates the page in place
// (no reloads while charting) and gives the keyboard shortcuts. Each section form is read
// into the JSON the API takes (data-key names a field, data-row a row of a list,
// data-const the row's fixed codes, data-when the fields that make a row worth sending)
// and posted with the draft's version.
//
// Other scripts (palpation.js, plan.js) only set the section's controls and fire a
// bubbling "change"; this file sends it. After each save it fires `ws:saved`
// {section, body} on document, and after it replaced parts of the page with the
// server's current rendering, `ws:swapped` {sections: [ids]}. What is replaced: the
// parts that follow the flags (`followsFlags`, `[data-follows-flags]`) when a save
// changed the flags, and any `[data-follows="history palpation …"][id]` after a save of
// one of the sections it names (the diagnosis suggestions, the goal chips, the
// interventions grid).
(function () {
  "use strict";
  var ws = document.querySelector(".ws");
  if (!ws || ws.dataset.editable !== "true") return;
  var versionEl = document.getElementById("ws-version");
  var csrf = document.getElementById("ws-csrf").value;
  var queue = [];
  var busy = false;
  var timers = {};
  var flagCount = Number(ws.dataset.flags || "0");
  // Sections whose last save was refused, with the reason: they stay marked until fixed.
  var unsaved = {};
  var storeKey = "ws-unsaved:" + ws.dataset.assessment + ":";

  function status() { return document.getElementById("ws-status"); }
  function say(text, kind) {
    var el = status();
    if (!el) return;
    el.textContent = text;
    el.className = "ws-status" + (kind ? " ws-status-" + kind : "");
  }
  function sectionName(code) {
    var link = document.querySelector('.ws-index a[href="#' + code + '"]');
    return link ? link.getAttribute("title") || code : code;
  }
  // The status line never hides a refused section behind a later success.
  function sayState(done) {
    var open = Object.keys(unsaved);
    if (open.length) {
      say("Not saved: " + open.map(sectionName).join(", ") + " (see the message by the field)", "warn");
    } else {
      say(done, "ok");
    }
  }

  function setVersion(v) {
    versionEl.value = String(v);
    document.querySelectorAll('input[name="version"]').forEach(function (i) { i.value = String(v); });
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
    // A list may be drawn in several parts (the neuro screen's limbs): they add up.
    function rows(container, name) {
      var list = [];
      rowsBy[name] = rowsBy[name] || [];
      container.querySelectorAll("[data-row]").forEach(function (row) {
        var v = rowValue(row);
        if (v) { list.push(v); rowsBy[name].push(row); }
      });
      return list;
    }
    if (form.dataset.shape === "list") return [rows(form, ""), rowsBy];
    var obj = fields(form, function (el) { return el.closest("[data-list]"); });
    form.querySelectorAll("[data-list]").forEach(function (l) {
      obj[l.dataset.list] = (obj[l.dataset.list] || []).concat(rows(l, l.dataset.list));
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
    var place = null;
    if (list !== null && m[2] !== undefined && rowsBy[list]) {
      var row = rowsBy[list][Number(m[2])];
      if (row) {
        target = (m[3] && row.querySelector('[data-key="' + m[3] + '"]')) || row.querySelector("[data-key]");
        // A message about the whole row (a refused intervention) goes where the row
        // says, not inside a chip's label.
        place = (!m[3] && row.querySelector("[data-error-here]")) || target;
      }
    } else if (m[1]) {
      target = form.querySelector('[data-key="' + m[1] + '"]');
    }
    var span = document.createElement("span");
    span.className = "field-error";
    span.textContent = message;
    if (target) {
      target.setAttribute("aria-invalid", "true");
      (place || target).insertAdjacentElement("afterend", span);
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

  // ---- What a refused section keeps: the mark in the rail, and what was typed, so a
  // reload brings it back (and sends it again) rather than losing it silently.
  function controls(form) { return form.querySelectorAll("[data-key]"); }
  function remember(form) {
    var values = Array.prototype.map.call(controls(form), function (el) {
      return el.type === "checkbox" || el.type === "radio" ? el.checked : el.value;
    });
    try { sessionStorage.setItem(storeKey + form.dataset.section, JSON.stringify(values)); } catch (e) { /* private mode: the mark still shows */ }
  }
  function forget(section) {
    try { sessionStorage.removeItem(storeKey + section); } catch (e) { /* nothing kept */ }
  }
  function markRail() {
    document.querySelectorAll(".ws-index a").forEach(function (a) {
      var code = a.getAttribute("href").slice(1);
      var bad = Object.prototype.hasOwnProperty.call(unsaved, code);
      a.classList.toggle("unsaved", bad);
      var flag = a.querySelector(".unsaved-mark");
      if (bad && !flag) {
        flag = document.createElement("span");
        flag.className = "unsaved-mark";
        flag.textContent = " not saved";
        a.appendChild(flag);
      } else if (!bad && flag) {
        flag.remove();
      }
    });
  }
  function refused(form, message) {
    unsaved[form.dataset.section] = message;
    remember(form);
    markRail();
  }
  function accepted(form) {
    delete unsaved[form.dataset.section];
    forget(form.dataset.section);
    markRail();
  }
  function restore() {
    document.querySelectorAll("form.ws-section").forEach(function (form) {
      var raw = null;
      try { raw = sessionStorage.getItem(storeKey + form.dataset.section); } catch (e) { raw = null; }
      if (!raw) return;
      var values = JSON.parse(raw);
      var els = controls(form);
      if (!Array.isArray(values) || values.length !== els.length) return forget(form.dataset.section);
      els.forEach(function (el, i) {
        if (el.type === "checkbox" || el.type === "radio") el.checked = values[i] === true;
        else el.value = values[i];
      });
      unsaved[form.dataset.section] = "kept from before the reload";
      enqueue(form);
    });
    markRail();
  }

  // "Before signing", as the server says after each save (never stale), with the
  // reminders that do not block it (carried-forward sections not yet checked).
  function listOf(box, heading, items, cls) {
    var p = document.createElement("p");
    p.textContent = heading;
    var ul = document.createElement("ul");
    if (cls) ul.className = cls;
    items.forEach(function (b) {
      var li = document.createElement("li");
      li.textContent = b;
      ul.appendChild(li);
    });
    box.appendChild(p);
    box.appendChild(ul);
  }
  function showBlockers(list, reminders) {
    var box = document.getElementById("ws-blockers");
    if (!box || !Array.isArray(list)) return;
    box.textContent = "";
    if (list.length === 0) {
      var p = document.createElement("p");
      p.textContent = "Ready to sign. After signing the record never changes; corrections are addenda.";
      box.appendChild(p);
    } else {
      listOf(box, "Before signing:", list);
    }
    if (Array.isArray(reminders) && reminders.length) {
      listOf(box, "Reminders (they do not stop signing):", reminders, "ws-reminders");
    }
  }

  // A save of a section makes it the practitioner's own: its carried-forward note and
  // rail mark go, as the server's answer says.
  function showCarried(marks) {
    if (!marks || typeof marks !== "object") return;
    document.querySelectorAll("[data-carried]").forEach(function (el) {
      if (!Object.prototype.hasOwnProperty.call(marks, el.dataset.carried)) el.remove();
    });
  }

  // "% of normal" as the degrees are typed, rounded as the server rounds it.
  document.addEventListener("input", function (e) {
    var input = e.target;
    if (!input.matches('#rom input[data-key="degrees"]')) return;
    var cell = input.closest("tr").querySelector("[data-percent]");
    var normal = Number(input.dataset.normal);
    var deg = input.value.trim() === "" ? NaN : Number(input.value);
    if (!cell) return;
    cell.textContent = normal > 0 && Number.isInteger(deg) && deg >= 0
      ? Math.floor((deg * 100 + Math.floor(normal / 2)) / normal) + "%"
      : "";
  });

  // PART as the palpation findings are chosen: pain (tenderness ≥ I), asymmetry
  // (alignment not normal), range (motion not normal), tissue (tone not normal or
  // swelling); two of
  // four with A or R is a subluxation on exam. The server's figure replaces it on save.
  document.addEventListener("change", function (e) {
    var row = e.target.closest && e.target.closest("#palpation [data-row]");
    if (!row) return;
    var cell = row.querySelector("[data-part]");
    if (!cell) return;
    function v(k) { var el = row.querySelector('select[data-key="' + k + '"]'); return el ? el.value : ""; }
    var p = v("tenderness") !== "" && Number(v("tenderness")) > 0;
    var a = v("alignment") !== "" && v("alignment") !== "normal";
    var r = v("motion") !== "" && v("motion") !== "normal";
    var t = (v("tone") !== "" && v("tone") !== "normal") || (v("swelling") !== "" && v("swelling") !== "none");
    var letters = (p ? "P" : "") + (a ? "A" : "") + (r ? "R" : "") + (t ? "T" : "");
    var sub = [p, a, r, t].filter(Boolean).length >= 2 && (a || r);
    cell.textContent = letters + (sub ? " ✔" : "");
    cell.classList.toggle("part-sub", sub);
  });

  function tickRail(section) {
    var link = document.querySelector('.ws-index a[href="#' + section + '"]');
    if (link && !link.classList.contains("done")) {
      link.classList.add("done");
      var tick = document.createElement("span");
      tick.className = "tick";
      tick.setAttribute("aria-label", "charted");
      tick.textContent = " ✓";
      link.insertBefore(tick, link.querySelector(".unsaved-mark"));
    }
  }

  // ---- In place: parts of the page are replaced by the server's current rendering of
  // the workspace, so what the flags say and allow is always the server's decision.
  var followsFlags = ["ws-flags", "allowed", "ws-blockers"];
  // A part swapped inside a section form (the interventions grid) keeps what the page
  // holds, which may not be saved yet: the server's rendering brings what the flags
  // allow and the order, the page keeps the choices. A choice the flags now rule out
  // (disabled) is dropped, so it is not sent again.
  function keepEntries(old, copy) {
    if (!old.parentElement || !old.parentElement.closest("form.ws-section")) return;
    old.querySelectorAll("[data-key][id]").forEach(function (el) {
      var n = copy.querySelector("#" + CSS.escape(el.id));
      if (!n || n.disabled) return;
      if (el.type === "checkbox" || el.type === "radio") n.checked = el.checked;
      else n.value = el.value;
    });
  }
  // The ids of the parts that follow a save of `section`.
  function following(section) {
    return Array.prototype.filter.call(document.querySelectorAll("[data-follows][id]"), function (el) {
      return el.dataset.follows.split(" ").indexOf(section) >= 0;
    }).map(function (el) { return el.id; });
  }
  function swapFrom(html, ids) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.querySelector(".ws");
    if (!fresh || fresh.dataset.assessment !== ws.dataset.assessment) return false;
    var swapped = [];
    ids.concat(Array.prototype.map.call(doc.querySelectorAll("[data-follows-flags][id]"), function (el) { return el.id; }))
      .forEach(function (id) {
        var n = doc.getElementById(id);
        var old = document.getElementById(id);
        if (n && old && swapped.indexOf(id) < 0) {
          // A list the practitioner had open stays open.
          var opened = Array.prototype.map.call(old.querySelectorAll("details"), function (d) { return d.open; });
          var copy = document.importNode(n, true);
          copy.querySelectorAll("details").forEach(function (d, i) { if (opened[i]) d.open = true; });
          keepEntries(old, copy);
          old.replaceWith(copy);
          swapped.push(id);
        }
      });
    var v = doc.getElementById("ws-version");
    if (v) setVersion(v.value);
    flagCount = Number(fresh.dataset.flags || "0");
    ws.dataset.flags = String(flagCount);
    markRail();
    pinHeight();
    // A section drawn again by the server comes open: fold it again if it is away
    // from where the practitioner charts.
    if (here) openAround(here, null);
    document.dispatchEvent(new CustomEvent("ws:swapped", { detail: { sections: swapped } }));
    return true;
  }
  function refresh(ids) {
    return fetch(location.pathname, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) swapFrom(html, ids); })
      .catch(function () { /* the next save tries again */ });
  }
  // Posts a plain form and shows the page it leads to; false if that page is not this
  // workspace (a form that came back with a mistake shows on its own page).
  function postInPlace(form, ids) {
    return fetch(form.getAttribute("action"), {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html" },
      body: new URLSearchParams(new FormData(form)).toString()
    }).then(function (r) {
      return r.text().then(function (html) { return r.ok && swapFrom(html, ids) ? html : null; });
    });
  }

  function afterSave(form, body) {
    showBlockers(body.sign_blockers, body.sign_reminders);
    showCarried(body.carried_forward);
    setVersion(body.version);
    (body.part || []).forEach(function (p) {
      var cell = document.querySelector('[data-part="' + p.segment + '"]');
      if (cell) {
        cell.textContent = p.criteria + (p.subluxation ? " ✔" : "");
        cell.classList.toggle("part-sub", p.subluxation);
      }
    });
    accepted(form);
    tickRail(form.dataset.section);
    var digest = document.getElementById("digest-" + form.dataset.section);
    if (digest && typeof body.digest === "string") digest.textContent = body.digest;
    if (form.dataset.section === "history") {
      form.querySelectorAll("[data-row]").forEach(function (row) {
        var sel = row.querySelector('select[data-key="status"]');
        if (!sel) return;
        var words = { "": "patient-reported", verified: "practitioner-verified", corrected: "corrected" };
        var tag = row.querySelector(".tag");
        if (tag) {
          tag.textContent = words[sel.value] || "patient-reported";
          tag.className = "tag" + (sel.value === "verified" ? " tag-ok" : sel.value === "corrected" ? " tag-warn" : "");
        }
        // The compact answers "No": a ✓ for the eye, the words for a screen reader.
        var mark = row.querySelector(".hx-ok"), st = row.querySelector(".hx-st");
        if (mark) mark.hidden = sel.value !== "verified";
        if (st) st.textContent = words[sel.value] || "patient-reported";
      });
    }
    document.dispatchEvent(new CustomEvent("ws:saved", { detail: { section: form.dataset.section, body: body } }));
    var follow = following(form.dataset.section);
    if (body.flags_count !== flagCount) {
      // A finding raised a flag (or a flag changed): show the strip and what the flags
      // allow now, without a reload.
      flagCount = body.flags_count;
      sayState("Saved · the flags changed: see the strip above");
      return refresh(followsFlags.concat(follow));
    }
    if (follow.length) {
      // The parts that read this section (the diagnosis suggestions read palpation…)
      // are the server's again before the status says saved.
      return refresh(follow).then(function () { sayState("Saved · version " + body.version); });
    }
    sayState("Saved · version " + body.version);
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
        refused(form, "session ended");
        return say("Not saved: your session ended. Sign in again in another tab, then change any field here to save (what you typed is still on this page).", "warn");
      }
      return r.json().catch(function () { return {}; }).then(function (body) {
        clearErrors(form);
        if (r.ok) return afterSave(form, body);
        if (r.status === 409 && body.current_version) {
          conflictBox(form, body.current_version);
          refused(form, "someone else saved first");
          return say("Not saved: someone else saved first.", "warn");
        }
        if (r.status === 422) {
          Object.keys(body.errors || {}).forEach(function (k) { showError(form, c[1], k, body.errors[k]); });
          refused(form, "check the highlighted fields");
          return sayState("");
        }
        form.querySelector(".ws-errors").textContent = body.error || "Not saved.";
        refused(form, body.error || "not saved");
        sayState("");
      });
    }).catch(function () {
      refused(form, "no connection");
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

  function flush() {
    Object.keys(timers).forEach(function (k) {
      clearTimeout(timers[k]); delete timers[k];
      var f = document.getElementById(k);
      if (f) enqueue(f);
    });
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

  // Sections are found from the event, so a section replaced in place keeps saving.
  function sectionOf(el) { return el && el.closest ? el.closest("form.ws-section") : null; }
  document.addEventListener("change", function (e) {
    var form = sectionOf(e.target);
    if (form) schedule(form, 150);
  });
  document.addEventListener("input", function (e) {
    var form = sectionOf(e.target);
    if (!form) return;
    // Typing a correction is correcting the item: one tap fewer, and never "verified"
    // beside a correction.
    if (e.target.matches('#history input[data-key="correction"]') && e.target.value.trim() !== "") {
      var sel = e.target.closest("[data-row]").querySelector('select[data-key="status"]');
      if (sel && sel.value !== "corrected") sel.value = "corrected";
    }
    if (e.target.matches("input:not([type=checkbox]):not([type=radio]), textarea")) schedule(form, 900);
  });
  // A field a person can see: not in a folded region. (A closed <details> keeps its
  // content's boxes in Chromium, so client rects do not tell; checkVisibility does.)
  function shownField(x) {
    if (x.closest("details:not([open])")) return false;
    return x.checkVisibility ? x.checkVisibility() : x.getClientRects().length > 0;
  }
  // Enter (Go on a tablet keyboard) saves the field and moves to the same field of the
  // next row, as in a spreadsheet: never a submit of something else.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || e.altKey || e.ctrlKey || e.metaKey || e.shiftKey) return;
    var el = e.target;
    var form = sectionOf(el);
    if (!form || !el.matches("input[data-key]:not([type=checkbox]):not([type=radio])")) return;
    e.preventDefault();
    schedule(form, 0);
    // The next row in the section's reading order, even across tables (the ROM regions).
    // Fields of a folded region are skipped: they are not on the screen.
    var same = Array.prototype.slice.call(form.querySelectorAll('[data-row] input[data-key="' + el.dataset.key + '"]:not([disabled])'))
      .filter(function (i) { return i === el || shownField(i); });
    var target = same[same.indexOf(el) + 1];
    if (target) { target.focus(); if (target.select) target.select(); }
  });
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (f.matches("form.ws-section")) {
      e.preventDefault();
      enqueue(f);
    } else if (f.matches("form.ws-normal")) {
      // "All normal": pending saves finish first, then the server fills the section and
      // the section (with the flags it may raise) is shown in place.
      e.preventDefault();
      flush();
      idle().then(function () {
        f.querySelector('input[name="version"]').value = versionEl.value;
        say("Saving…");
        return postInPlace(f, [f.dataset.for, "ws-index"].concat(followsFlags));
      }).then(function (html) {
        if (html === null) return HTMLFormElement.prototype.submit.call(f);
        accepted(document.getElementById(f.dataset.for));
        sayState("Saved as all normal: " + sectionName(f.dataset.for));
      }).catch(function () { say("Not saved: no connection.", "warn"); });
    } else if (f.matches("form.ws-carry-form, form.ws-keep")) {
      // "Carry forward" and "Keep as is": pending saves finish first, then the server's
      // rendering of the sections, their notes, the rail and Before signing comes in place.
      e.preventDefault();
      var carry = f.matches(".ws-carry-form");
      var ids = carry ? ["carry-forward", "posture", "rom", "palpation"] : [f.dataset.for];
      flush();
      idle().then(function () {
        f.querySelector('input[name="version"]').value = versionEl.value;
        say("Saving…");
        return postInPlace(f, ids.concat(["ws-index", "ws-keep-forms"], followsFlags));
      }).then(function (html) {
        if (html === null) return HTMLFormElement.prototype.submit.call(f);
        ids.forEach(function (id) { var s = document.getElementById(id); if (s && s.matches("form.ws-section")) accepted(s); });
        sayState(carry ? "Carried forward: check the marked sections." : "Kept as is: " + sectionName(f.dataset.for));
      }).catch(function () { say("Not saved: no connection.", "warn"); });
    } else if (f.matches("#ws-flags form, #ws-pin-form")) {
      // A flag decision or "Review this form": done in place; a mistake in a flag's
      // form is shown on the flag's own page, as without the script.
      e.preventDefault();
      var pin = f.id === "ws-pin-form";
      flush();
      idle().then(function () {
        var v = f.querySelector('input[name="version"]');
        if (v) v.value = versionEl.value;
        say("Saving…");
        return postInPlace(f, pin ? ["history", "ws-index"].concat(followsFlags) : followsFlags);
      }).then(function (html) {
        if (html === null) return HTMLFormElement.prototype.submit.call(f);
        sayState(pin ? "The history review now reads the newest pre-visit form; answers that changed are to be reviewed again." : "Flag updated.");
        var strip = document.querySelector("#ws-flags summary");
        if (!pin && strip) strip.focus({ preventScroll: true });
      }).catch(function () { say("Not saved: no connection.", "warn"); });
    } else if (f.matches("form.ws-sign")) {
      e.preventDefault();
      flush();
      idle().then(function () {
        f.querySelector('input[name="version"]').value = versionEl.value;
        HTMLFormElement.prototype.submit.call(f);
      });
    }
  });

  document.addEventListener("click", function (e) {
    if (!e.target.closest || !e.target.closest(".ws-confirm-all")) return;
    var form = document.getElementById("history");
    form.querySelectorAll('select[data-key="status"]').forEach(function (s) { if (!s.value) s.value = "verified"; });
    enqueue(form);
  });

  // Escape closes the open flag list.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "Escape") return;
    var open = document.querySelector("#ws-flags details[open]");
    if (open) { open.open = false; open.querySelector("summary").focus(); }
  });

  // Keyboard: Alt+1…9 sections, Alt+0 signing, Alt+N "all normal" for the section in view
  // (not for tests, whose screening sets are chosen by name).
  function order() {
    return Array.prototype.map.call(document.querySelectorAll(".ws-index a"), function (a) {
      return a.getAttribute("href").slice(1);
    });
  }
  function current() {
    var best = null;
    document.querySelectorAll("form.ws-section").forEach(function (f) {
      if (f.getBoundingClientRect().top < window.innerHeight / 2) best = f;
    });
    return sectionOf(document.activeElement) || best;
  }
  function go(target) {
    var el = document.getElementById(target);
    if (!el) return;
    // The field being left lets go first (its change goes out as it would on Tab), so
    // its section folds like the rest.
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    if (el.matches("form.ws-section")) openAround(target, null);
    el.scrollIntoView({ block: "start" });
    // The address says where the practitioner is: a reload resumes there.
    if (location.hash !== "#" + target) history.replaceState(null, "", "#" + target);
    // The first field on the screen (not one of a folded region), never the "all
    // normal" button: a reflex Space must not fill it.
    var shown = function (sel) {
      return Array.prototype.filter.call(el.querySelectorAll(sel), shownField)[0];
    };
    var first = shown("[data-key]:not([disabled]):not([type=hidden])") ||
      shown("select:not([disabled]), input:not([type=hidden]):not([disabled]), textarea, button:not(.ws-normal-btn)");
    if (first) first.focus({ preventScroll: true });
  }
  document.addEventListener("keydown", function (e) {
    if (!e.altKey || e.ctrlKey || e.metaKey) return;
    if (/^Digit[0-9]$/.test(e.code)) {
      var n = Number(e.code.slice(5));
      var target = n === 0 ? "sign" : order()[n - 1];
      if (target) { e.preventDefault(); go(target); }
    } else if (e.code === "KeyN") {
      var f = current();
      // Tests have several named screening sets: Alt+N does not guess which.
      var normal = f && document.querySelector('form.ws-normal[data-for="' + f.dataset.section + '"]:not([data-set])');
      if (normal) { e.preventDefault(); normal.requestSubmit(); }
    }
  });

  // ---- The rolling window: the section being charted and the one either side stay
  // open; the others fold to their heading, one line of what they hold (the server's
  // words, fresh from each save) and Open. A full first visit is nine sections, ten
  // screens of a tablet when all are open; folded, the page is the part in hand. The
  // window moves when a control of another section is touched or focused, from the
  // rail, Alt+digit, Open, or a section's link (#plan). A section that was refused
  // (not saved) never folds, nor the one holding the focus. The practitioner can turn
  // folding off (remembered on this device).
  var foldPref = document.getElementById("ws-fold-pref");
  function folding() { return !foldPref || foldPref.checked; }
  var here = null;
  function sectionForms() { return Array.prototype.slice.call(document.querySelectorAll("form.ws-section")); }
  function setFolded(form, folded) {
    form.classList.toggle("ws-folded", folded);
    var b = form.querySelector(".ws-show");
    if (b) b.setAttribute("aria-expanded", String(!folded));
  }
  // Opens `code` and its neighbours and folds the rest, keeping `anchor` (the control
  // under the finger) where it is on the screen: what folds above it must not move it.
  function openAround(code, anchor) {
    var forms = sectionForms();
    var at = forms.map(function (f) { return f.dataset.section; }).indexOf(code);
    if (at < 0) return;
    here = code;
    var before = anchor && anchor.getClientRects().length ? anchor.getBoundingClientRect().top : null;
    var focused = document.activeElement;
    forms.forEach(function (f, i) {
      var keep = !folding() || Math.abs(i - at) <= 1 ||
        Object.prototype.hasOwnProperty.call(unsaved, f.dataset.section) ||
        (focused && focused !== document.body && f.contains(focused) && !focused.matches(".ws-show"));
      setFolded(f, !keep);
    });
    document.querySelectorAll(".ws-index a").forEach(function (a) {
      var on = a.getAttribute("href") === "#" + code;
      a.classList.toggle("here", on);
      if (on) a.setAttribute("aria-current", "location"); else a.removeAttribute("aria-current");
    });
    if (before !== null && anchor.getClientRects().length) {
      var moved = anchor.getBoundingClientRect().top - before;
      if (moved) window.scrollBy(0, moved);
    }
  }
  function touched(e) {
    var t = e.target;
    if (!t.closest || t.closest(".ws-show")) return;
    var form = sectionOf(t);
    if (form && form.dataset.section !== here) openAround(form.dataset.section, t);
  }
  // Pointer first (before the focus a tap gives), so the fold above happens before the
  // click lands; focus and change for the keyboard and for controls set by a script.
  // A typed field's change fires when it loses focus, i.e. when the practitioner has
  // already moved elsewhere: it must not pull the window back to it.
  document.addEventListener("pointerdown", touched, true);
  document.addEventListener("focusin", touched);
  document.addEventListener("change", function (e) {
    if (e.target.matches && e.target.matches("textarea, input:not([type=checkbox]):not([type=radio])")) return;
    touched(e);
  }, true);
  document.addEventListener("click", function (e) {
    var show = e.target.closest && e.target.closest(".ws-show");
    if (show) { e.preventDefault(); go(show.getAttribute("aria-controls")); return; }
    var link = e.target.closest && e.target.closest(".ws-index a");
    if (!link) return;
    var code = link.getAttribute("href").slice(1);
    var target = document.getElementById(code);
    if (target && target.matches("form.ws-section")) {
      e.preventDefault();
      go(code);
    }
  });
  if (foldPref) {
    var label = foldPref.closest("label");
    if (label) label.hidden = false;
    try { foldPref.checked = localStorage.getItem("ws-fold") !== "off"; } catch (e) { /* default: fold */ }
    foldPref.addEventListener("change", function () {
      try { localStorage.setItem("ws-fold", foldPref.checked ? "on" : "off"); } catch (e) { /* this page only */ }
      if (here) openAround(here, document.activeElement);
    });
  }
  // Where the practitioner starts: the section of the link, else the first section not
  // yet charted (a draft reopened later resumes there), else the history.
  function startAt() {
    var forms = sectionForms();
    var hash = location.hash.slice(1);
    if (hash && forms.some(function (f) { return f.dataset.section === hash; })) return hash;
    var open = forms.filter(function (f) {
      var link = document.querySelector('.ws-index a[href="#' + f.dataset.section + '"]');
      return link && !link.classList.contains("done");
    })[0];
    return (open || forms[0] || { dataset: {} }).dataset.section || null;
  }
  window.addEventListener("hashchange", function () {
    var code = location.hash.slice(1);
    if (document.getElementById(code) && code !== here) go(code);
  });

  // Sections land just below the pinned bar, whatever its height.
  function pinHeight() {
    var sticky = document.querySelector(".ws-sticky");
    if (sticky) document.documentElement.style.setProperty("--ws-pinned", sticky.offsetHeight + 8 + "px");
  }
  pinHeight();
  window.addEventListener("resize", pinHeight);
  restore();
  var start = startAt();
  if (start) {
    openAround(start, null);
    if (location.hash.slice(1) === start) document.getElementById(start).scrollIntoView({ block: "start" });
  }
  if (Object.keys(unsaved).length === 0) say("Changes save as you go.");
})();
