/* Exam page behaviour: the countdown, hide/show timer, and autosave retries.
   The server owns the clock; this only displays its figure and submits at zero. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function format(seconds) {
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mm = (h ? String(m).padStart(2, "0") : String(m)), ss = String(s).padStart(2, "0");
    return (h ? h + ":" : "") + mm + ":" + ss;
  }

  function startTimer() {
    var timer = document.getElementById("timer");
    if (!timer) return;
    var display = document.getElementById("timer-display");
    var toggle = document.getElementById("timer-toggle");
    var announcer = document.getElementById("timer-announcer");
    var form = document.getElementById("timeout-form");
    var endsAt = Date.now() + Number(timer.dataset.secondsLeft) * 1000;
    var announceAt = [30, 10, 5, 1];
    var announced = {};
    var hidden = sessionStorage.getItem("timer-hidden") === "1";
    var submitted = false;

    function render() {
      var left = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
      var forceVisible = left <= 300;
      var show = !hidden || forceVisible;
      display.textContent = show ? format(left) : "hidden";
      display.classList.toggle("urgent", left <= 300);
      toggle.hidden = forceVisible;
      toggle.setAttribute("aria-pressed", hidden ? "true" : "false");
      toggle.textContent = hidden ? "Show timer" : "Hide timer";
      announceAt.forEach(function (minutes) {
        if (left <= minutes * 60 && left > minutes * 60 - 60 && !announced[minutes]) {
          announced[minutes] = true;
          announcer.textContent = minutes + (minutes === 1 ? " minute" : " minutes") + " left.";
        }
      });
      if (left === 0 && !submitted) {
        submitted = true;
        announcer.textContent = "Time is up. Your answers are being submitted.";
        form.submit();
      }
    }
    // Thresholds already passed at load are not announced again.
    var initialLeft = Number(timer.dataset.secondsLeft);
    announceAt.forEach(function (m) { if (initialLeft <= m * 60 - 60) announced[m] = true; });
    toggle.addEventListener("click", function () {
      hidden = !hidden;
      sessionStorage.setItem("timer-hidden", hidden ? "1" : "0");
      render();
    });
    render();
    setInterval(render, 1000);
  }

  function setUpAutosave() {
    if (!window.htmx) return;
    htmx.config.timeout = 10000;
    var delays = {};
    function retry(evt, why) {
      var form = evt.detail.elt.closest ? evt.detail.elt.closest("form[data-autosave]") : null;
      if (!form) return;
      var status = document.getElementById("save-status");
      var delay = Math.min(30000, (delays[form.id] || 1000) * 2);
      delays[form.id] = delay;
      if (status) {
        status.innerHTML = "";
        var p = document.createElement("span");
        p.className = "save-error";
        p.textContent = "Not saved yet (" + why + "). Retrying in " + Math.round(delay / 1000) +
          " s; your choice is kept on this page.";
        status.appendChild(p);
      }
      setTimeout(function () { htmx.trigger(form, "retry"); }, delay);
    }
    document.body.addEventListener("htmx:sendError", function (evt) { retry(evt, "no connection"); });
    document.body.addEventListener("htmx:timeout", function (evt) { retry(evt, "the server took too long"); });
    document.body.addEventListener("htmx:responseError", function (evt) {
      var code = evt.detail.xhr.status;
      if (code >= 500) { retry(evt, "server error " + code); return; }
      // 4xx: show the server's message; a retry would get the same answer.
      var target = document.getElementById("save-status");
      if (target && evt.detail.xhr.responseText) target.innerHTML = evt.detail.xhr.responseText;
    });
    document.body.addEventListener("htmx:afterRequest", function (evt) {
      var form = evt.detail.elt;
      if (evt.detail.successful && form && form.id) delete delays[form.id];
    });
    // A save swaps in only its own navigator cell: recount the summary line from the cells.
    document.body.addEventListener("htmx:oobAfterSwap", function () {
      var summary = document.getElementById("nav-summary");
      var cells = document.querySelectorAll("#navigator .nav-item");
      if (!summary || !cells.length) return;
      var answered = document.querySelectorAll("#navigator .nav-item.answered").length;
      var flagged = document.querySelectorAll("#navigator .nav-item.flagged").length;
      summary.textContent = answered + " of " + cells.length + " answered · " + flagged + " flagged";
    });
    document.body.addEventListener("htmx:beforeSwap", function (evt) {
      // Let 4xx messages from the server be shown in place.
      if (evt.detail.xhr.status === 400 || evt.detail.xhr.status === 409) {
        evt.detail.shouldSwap = true;
        evt.detail.isError = false;
      }
    });
  }

  // A choice clicked before the scripts were ready was never sent: send it now.
  function saveEarlyChoices() {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var early = Array.prototype.some.call(form.querySelectorAll("input[type=radio]"), function (radio) {
        return radio.checked && !radio.defaultChecked;
      });
      if (early && window.htmx) htmx.trigger(form, "retry");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    startTimer();
    setUpAutosave();
    saveEarlyChoices();
  });
})();
