// groupsim serve: poll a running comparison and reload its page when it is done. No other script.
(function () {
  "use strict";
  var status = document.getElementById("status");
  if (!status) { return; }
  var job = status.getAttribute("data-job");
  function poll() {
    fetch("/api/results/" + encodeURIComponent(job)).then(function (r) { return r.json(); }).then(function (s) {
      document.getElementById("done").textContent = String(s.done);
      document.getElementById("progress").value = s.done;
      if (s.status === "done" || s.status === "failed") { window.location.reload(); } else { setTimeout(poll, 500); }
    }).catch(function () { setTimeout(poll, 1000); });
  }
  setTimeout(poll, 300);
})();
