// The login page keeps a notification's deep link: /#alert=<id> reached
// without a session is sent here, and the fragment never reaches the
// server, so it is added to where the form returns after logging in.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var m = /^#alert=[A-Za-z0-9_.:%-]{1,400}$/.exec(location.hash || "");
    var next = document.querySelector("form.login-form input[name=next]");
    if (!m || !next || next.value.indexOf("#") >= 0) { return; }
    next.value = (next.value || "/") + m[0];
  });
})();
