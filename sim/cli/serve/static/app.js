// groupsim serve: poll a running comparison and reload its page when it is done; add and remove rows of list fields.
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

// The form's list tables: add a row (a copy of the table's template row, with a fresh index) or remove one.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var target = ev.target;
    if (!(target instanceof HTMLElement)) { return; }
    var list = target.closest("div.list");
    if (!list) { return; }
    if (target.classList.contains("remove-row")) {
      var row = target.closest("tr");
      if (row) { row.remove(); }
    } else if (target.classList.contains("add-row")) {
      var next = 0;
      list.querySelectorAll("tbody tr[data-index]").forEach(function (r) {
        next = Math.max(next, parseInt(r.getAttribute("data-index"), 10) + 1);
      });
      var template = list.querySelector("template");
      var holder = document.createElement("tbody");
      holder.innerHTML = template.innerHTML.replace(/__i__/g, String(next));
      list.querySelector("tbody").appendChild(holder.firstElementChild);
    }
  });
})();
