// batchship web desk: drag and drop onto the upload box, and live progress of a run (server-sent events,
// polling when the browser or a proxy cannot keep the stream open). The page works without this script.
"use strict";

(function () {
  function text(el, value) { if (el) { el.textContent = value; } }

  function setupDrop() {
    var drop = document.getElementById("drop");
    var input = document.getElementById("file");
    var form = document.getElementById("upload-form");
    if (!drop || !input || !form) { return; }
    ["dragenter", "dragover"].forEach(function (name) {
      drop.addEventListener(name, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (name) {
      drop.addEventListener(name, function () { drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      e.preventDefault();
      if (e.dataTransfer && e.dataTransfer.files.length) {
        input.files = e.dataTransfer.files;
        var label = drop.querySelector("span");
        text(label, e.dataTransfer.files[0].name);
      }
    });
    input.addEventListener("change", function () {
      if (input.files.length) { text(drop.querySelector("span"), input.files[0].name); }
    });
  }

  function words() {
    var node = document.getElementById("progress-words");
    return node ? JSON.parse(node.textContent) : {};
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k] === undefined || values[k] === null ? "-" : values[k]; });
  }

  function setupProgress() {
    var box = document.getElementById("progress");
    if (!box) { return; }
    var id = box.getAttribute("data-run");
    var mode = box.getAttribute("data-mode");
    var bar = document.getElementById("progress-bar");
    var line = document.getElementById("progress-text");
    var say = words();
    var finished = false;

    function show(data) {
      if (finished) { return; }
      if (data.status === "done" || data.status === "failed") {
        finished = true;
        window.location.reload();
        return;
      }
      var p = data.progress || {};
      var phase = p.phase || data.status;
      if (phase === "sending" && p.total) {
        bar.max = p.total;
        bar.value = p.done;
        text(line, fill(say.sending || "", p));
      } else if (phase === "queued" && mode === "dispatch") {
        text(line, say.queued_dispatch || "");
      } else {
        text(line, say[phase] || say.running || "");
      }
    }

    function poll() {
      fetch("/api/v1/runs/" + id + "?rows=false", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) { show(data); if (!finished) { setTimeout(poll, 1000); } })
        .catch(function () { setTimeout(poll, 2000); });
    }

    if (window.EventSource) {
      var source = new EventSource("/api/v1/runs/" + id + "/events");
      source.onmessage = function (e) { show(JSON.parse(e.data)); };
      source.onerror = function () { source.close(); if (!finished) { poll(); } };
    } else {
      poll();
    }
  }

  document.addEventListener("DOMContentLoaded", function () { setupDrop(); setupProgress(); });
})();
