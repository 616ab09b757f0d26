/* Incognito dashboard: the coaching-PDF button. Vanilla JS, no dependencies.
 *
 * POST {store, start, end} as JSON to the coaching report API (X-CSRFToken header, session
 * cookie), then poll GET <api>/<id>/ until the job is done or failed, announcing progress in
 * the aria-live region, and finally offer <api>/<id>/pdf/ as a download link.
 */
(function () {
  "use strict";

  var button = document.getElementById("coaching-pdf-button");
  if (!button || !window.fetch) {
    return;
  }
  var status = document.getElementById("coaching-pdf-status");
  var progress = document.getElementById("coaching-pdf-progress");
  var download = document.getElementById("coaching-pdf-download");
  var base = button.getAttribute("data-url");
  var POLL_MS = 1500;
  var MAX_POLLS = 400; // about ten minutes

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }

  function say(text) {
    status.textContent = text;
  }

  function message(name) {
    return button.getAttribute("data-msg-" + name) || "";
  }

  function finish() {
    button.disabled = false;
    button.removeAttribute("aria-busy");
    progress.hidden = true;
  }

  function fail(text) {
    finish();
    say(text);
  }

  function url(id, suffix) {
    return base + encodeURIComponent(id) + "/" + (suffix || "");
  }

  function show(job) {
    if (job.status === "done") {
      finish();
      download.href = url(job.id, "pdf/");
      download.hidden = false;
      say(message("done"));
      download.focus();
      return true;
    }
    if (job.status === "failed") {
      fail(message("failed") + " " + (job.reason || ""));
      return true;
    }
    say(job.status === "running" ? message("running") : message("queued"));
    return false;
  }

  function poll(id, count) {
    if (count > MAX_POLLS) {
      fail(message("timeout"));
      return;
    }
    window.setTimeout(function () {
      fetch(url(id), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (job) {
          if (!show(job)) {
            poll(id, count + 1);
          }
        })
        .catch(function () {
          fail(message("error"));
        });
    }, count === 0 ? 300 : POLL_MS);
  }

  button.hidden = false;
  button.addEventListener("click", function () {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    download.hidden = true;
    progress.hidden = false;
    say(message("queued"));
    fetch(base, {
      method: "POST",
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify({
        store: button.getAttribute("data-store"),
        start: button.getAttribute("data-start"),
        end: button.getAttribute("data-end"),
      }),
    })
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            var detail = body && (body.detail || body.reason || JSON.stringify(body));
            throw new Error(detail || String(response.status));
          }
          return body;
        });
      })
      .then(function (job) {
        if (!show(job)) {
          poll(job.id, 0);
        }
      })
      .catch(function (error) {
        fail(message("failed") + " " + (error && error.message ? error.message : ""));
      });
  });
})();
