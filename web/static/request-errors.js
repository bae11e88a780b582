// Shows why the server refused a button's or form's request. htmx swaps
// no 4xx or 5xx answer into the page, so without this a refusal (403: the
// role is missing; 400: nothing ticked, a bad value) left the page as it
// was. The reason is set with textContent, never parsed as HTML; the next
// action (a POST) that succeeds hides it, a list's refresh does not.
(function () {
  "use strict";
  function box() { return document.getElementById("request-error"); }

  function reason(xhr) {
    var text = (xhr && xhr.responseText) || "";
    try {
      var j = JSON.parse(text);
      if (j && typeof j.error === "string") { text = j.error; }
    } catch (e) { /* text/plain from http.Error */ }
    text = text.trim();
    if (text.length > 600) { text = text.slice(0, 600) + "…"; }
    if (!text && xhr) { text = "the server answered " + xhr.status + " " + (xhr.statusText || ""); }
    return text;
  }

  function show(text) {
    var el = box();
    if (!el) { return; }
    el.textContent = text;
    el.hidden = false;
  }

  document.addEventListener("htmx:responseError", function (e) {
    show(reason(e.detail && e.detail.xhr));
  });
  document.addEventListener("htmx:sendError", function () {
    show("the dashboard did not answer: check the connection and try again");
  });
  document.addEventListener("htmx:afterRequest", function (e) {
    var el = box();
    var d = e.detail || {};
    var verb = d.requestConfig && d.requestConfig.verb;
    if (el && d.successful && verb && verb.toLowerCase() !== "get") { el.hidden = true; el.textContent = ""; }
  });
})();
