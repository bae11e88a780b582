// mentionwatch dashboard charts. Data comes from the JSON API; text is
// drawn on canvas or set with textContent, never parsed as HTML.
(function () {
  "use strict";
  var colors = { negative: "#c0392b", neutral: "#7f8c8d", positive: "#27ae60" };
  var palette = ["#2760b0", "#e67e22", "#8e44ad", "#16a085", "#c0392b", "#7f8c8d"];
  var charts = {};

  function fetchJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (r) {
      if (!r.ok) { return r.json().then(function (e) { throw new Error(e.error || r.statusText); }); }
      return r.json();
    });
  }

  function showError(el, err) {
    var p = document.createElement("p");
    p.className = "error";
    p.textContent = "Could not load chart: " + err.message;
    el.replaceChildren(p);
  }

  // A chart is as wide as its box, down to a phone's (280 px at 360).
  function width(el) { return Math.max(200, el.clientWidth || 600); }

  // The charts read their times in the dashboard's zone (timezone:, the
  // page's data-tz), as every other time on the page, not in the
  // browser's.
  function inZone(el, opts) {
    var tz = el.getAttribute("data-tz");
    if (tz) { opts.tzDate = function (ts) { return uPlot.tzDate(new Date(ts * 1e3), tz); }; }
    return opts;
  }

  // Vertical markers at alert starts, drawn on the canvas.
  function alertMarkers(getAlerts) {
    return {
      hooks: {
        draw: [function (u) {
          var alerts = getAlerts();
          var ctx = u.ctx;
          ctx.save();
          ctx.font = Math.round(11 * devicePixelRatio) + "px system-ui, sans-serif";
          for (var i = 0; i < alerts.length; i++) {
            var a = alerts[i];
            var x = Math.round(u.valToPos(a.t, "x", true));
            if (x < u.bbox.left || x > u.bbox.left + u.bbox.width) { continue; }
            ctx.strokeStyle = a.state === "firing" ? "#c0392b" : "#e67e22";
            ctx.lineWidth = 2 * devicePixelRatio;
            ctx.setLineDash([6 * devicePixelRatio, 4 * devicePixelRatio]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.fillStyle = ctx.strokeStyle;
            ctx.fillText("⚠ " + (a.label || a.scope), x + 4 * devicePixelRatio, u.bbox.top + 12 * devicePixelRatio);
          }
          ctx.restore();
        }]
      }
    };
  }

  // A chart follows its box's width when the window is resized, as the
  // tables around it do (before, it kept the width it was first drawn at
  // and made its section scroll sideways).
  function followWidth(el, u) {
    if (typeof ResizeObserver === "undefined") { return; }
    var last = el.clientWidth;
    new ResizeObserver(function () {
      var w = el.clientWidth;
      if (!w || w === last) { return; }
      last = w;
      u.setSize({ width: width(el), height: u.height });
    }).observe(el);
  }

  function volumeData(s) { return [s.t, s.negative, s.neutral, s.positive]; }

  function volumeChart(el) {
    var src = el.getAttribute("data-src");
    var brand = el.getAttribute("data-brand") || "";
    var state = { alerts: [] };
    fetchJSON(src).then(function (s) {
      state.alerts = s.alerts || [];
      var opts = {
        width: width(el), height: 300,
        title: brand,
        cursor: { drag: { x: true, y: false, setScale: false } },
        scales: { x: { time: true } },
        series: [
          {},
          { label: "negative", stroke: colors.negative, fill: "rgba(192,57,43,0.12)", width: 2 },
          { label: "neutral", stroke: colors.neutral, width: 1.5 },
          { label: "positive", stroke: colors.positive, width: 1.5 }
        ],
        axes: [{}, { label: "mentions" }],
        plugins: [alertMarkers(function () { return state.alerts; })],
        hooks: {
          setSelect: [function (u) {
            if (u.select.width < 5) { return; }
            var from = Math.floor(u.posToVal(u.select.left, "x"));
            var to = Math.ceil(u.posToVal(u.select.left + u.select.width, "x"));
            u.setSelect({ left: 0, width: 0, top: 0, height: 0 }, false);
            var q = new URLSearchParams({ brand: brand, from: String(from), to: String(to) });
            fetchJSON("/api/series?" + q.toString()).then(function (z) {
              state.alerts = z.alerts || [];
              u.setData(volumeData(z));
            }).catch(function (err) { showError(el, err); });
          }]
        }
      };
      el.replaceChildren();
      var u = new uPlot(inZone(el, opts), volumeData(s), el);
      charts.volume = { u: u, reset: function () { state.alerts = s.alerts || []; u.setData(volumeData(s)); } };
      followWidth(el, u);
      el.setAttribute("data-rendered", "true");
    }).catch(function (err) { showError(el, err); });
  }

  function sovChart(el) {
    fetchJSON(el.getAttribute("data-src")).then(function (s) {
      var data = [s.t];
      var series = [{}];
      (s.brands || []).forEach(function (b, i) {
        data.push(b.counts);
        series.push({ label: b.name, stroke: palette[i % palette.length], width: i === 0 ? 2 : 1.5 });
      });
      el.replaceChildren();
      followWidth(el, new uPlot(inZone(el, { width: width(el), height: 200, scales: { x: { time: true } }, series: series,
        cursor: { drag: { x: true, y: false } }, axes: [{}, { label: "mentions" }] }), data, el));
      el.setAttribute("data-rendered", "true");
    }).catch(function (err) { showError(el, err); });
  }

  function init(root) {
    var els = (root || document).querySelectorAll(".chart[data-chart]");
    els.forEach(function (el) {
      if (el.getAttribute("data-rendered")) { return; }
      if (el.getAttribute("data-chart") === "volume") { volumeChart(el); } else { sovChart(el); }
    });
    (root || document).querySelectorAll("[data-reset]").forEach(function (b) {
      b.addEventListener("click", function () {
        var c = charts[b.getAttribute("data-reset")];
        if (c) { c.reset(); }
      });
    });
  }

  // /#alert=<id> opens that alert: the server renders it into
  // #alert-focus (htmx swaps server-escaped HTML), the page scrolls to it and
  // focuses it, and its row in the alerts list is marked.
  function alertFromHash() {
    var m = /^#alert=([A-Za-z0-9_.:%-]{1,400})$/.exec(location.hash || "");
    if (!m) { return ""; }
    try { return decodeURIComponent(m[1]); } catch (e) { return ""; }
  }

  // The page's view (brand, range or from/to): the focused alert's
  // buttons refresh the alerts list with it, as the list's own do.
  function viewQuery() {
    var page = new URLSearchParams(location.search), q = new URLSearchParams();
    ["brand", "range", "from", "to"].forEach(function (k) { if (page.get(k)) { q.set(k, page.get(k)); } });
    return q.toString();
  }

  // showFocus renders the hash's alert into #alert-focus; quiet (after an
  // action on it) neither moves the focus nor scrolls.
  function showFocus(quiet) {
    var id = alertFromHash();
    var box = document.getElementById("alert-focus");
    if (!id || !box || typeof htmx === "undefined") { return; }
    var q = viewQuery();
    htmx.ajax("GET", "/ui/alert?id=" + encodeURIComponent(id) + (q ? "&" + q : ""), { target: box, swap: "innerHTML" }).then(function () {
      // htmx wires the new buttons only when the swap settles (20 ms
      // later); wire them now, so a click the moment the panel shows
      // acts (processing twice is a no-op).
      htmx.process(box);
      box.hidden = false;
      var el = box.querySelector("[data-alert]") || box.querySelector("[data-alert-missing]");
      if (el) {
        el.setAttribute("data-focused", "true");
        if (!quiet && el.focus) { el.focus({ preventScroll: true }); }
      }
      if (!quiet) { box.scrollIntoView({ block: "start" }); }
      markRow(id);
    });
  }

  function focusAlert() { showFocus(false); }

  function markRow(id) {
    document.querySelectorAll("tr.alert.focused").forEach(function (tr) { tr.classList.remove("focused"); });
    document.querySelectorAll("tr.alert[data-alert]").forEach(function (tr) {
      if (tr.getAttribute("data-alert") === id) { tr.classList.add("focused"); }
    });
  }

  // The alerts list refreshes every minute, which would put a Silence
  // duration chosen but not yet sent back to its default (4 h). While
  // someone works in the list (a change or focus there in the last 3
  // minutes, and a control still focused or changed), the refresh waits.
  var touched = 0;
  function busy(list) {
    if (Date.now() - touched > 180000) { return false; }
    var a = document.activeElement;
    if (a && list.contains(a) && /^(SELECT|INPUT|TEXTAREA)$/.test(a.tagName)) { return true; }
    return Array.prototype.some.call(list.querySelectorAll("select"), function (sel) {
      var d = sel.querySelector("option[selected]");
      return d !== null && sel.value !== d.value;
    });
  }
  ["change", "focusin"].forEach(function (type) {
    document.addEventListener(type, function (e) {
      var list = document.getElementById("alerts");
      if (list && list.contains(e.target)) { touched = Date.now(); }
    });
  });
  document.addEventListener("htmx:beforeRequest", function (e) {
    var elt = e.detail && e.detail.elt;
    if (elt && elt.id === "alerts" && e.target === elt && busy(elt)) { e.preventDefault(); }
  });

  document.addEventListener("DOMContentLoaded", function () { init(document); focusAlert(); });
  window.addEventListener("hashchange", focusAlert);
  // The alerts list refreshes every minute: keep the focused row marked.
  // When a button of the focused alert (Acknowledge, Resolve) swapped the
  // list, render the focused alert again too: it would still say "not
  // yet" and offer the button.
  document.addEventListener("htmx:afterSwap", function (e) {
    var id = alertFromHash();
    if (!id || !e.target || e.target.id !== "alerts") { return; }
    markRow(id);
    var d = e.detail || {};
    var elt = (d.requestConfig && d.requestConfig.elt) || d.elt;
    var box = document.getElementById("alert-focus");
    if (elt && box && box.contains(elt)) { showFocus(true); }
  });
})();
