// Live reload for pages served by `distillm serve`; `distillm build` output never loads it.
//
// Listens to the server's event stream (Server-Sent Events) next to this
// script. Events: `status` (errors, warnings, skipped posts of the last
// rebuild, and the server's id), `reload` (URL paths whose files were just
// written, or null for every page) and `css` (stylesheets to load again).
(function () {
  "use strict";
  var script = document.currentScript;
  var eventsUrl = new URL("events", script.src).href;
  var serverId = null;
  var failed = false;
  var warningsOpen = false;

  function normalize(path) {
    var decoded = path;
    try { decoded = decodeURIComponent(path); } catch (error) { /* keep it as sent */ }
    return decoded.replace(/index\.html$/, "");
  }

  function onReload(data) {
    var paths = data.paths;
    var here = normalize(location.pathname);
    if (paths === null || paths.some(function (path) { return normalize(path) === here; })) {
      location.reload();
    }
  }

  function onStylesheets(data) {
    var wanted = data.paths.map(normalize);
    var links = document.querySelectorAll('link[rel="stylesheet"]');
    Array.prototype.forEach.call(links, function (link) {
      var url = new URL(link.href);
      if (wanted.indexOf(normalize(url.pathname)) < 0) { return; }
      url.searchParams.set("distillm-reload", String(Date.now()));
      // The new sheet replaces the old one once loaded, so the page never shows unstyled.
      var fresh = link.cloneNode();
      fresh.href = url.href;
      fresh.addEventListener("load", function () { link.remove(); });
      link.after(fresh);
    });
  }

  function onStatus(data) {
    // Tells tests, and anyone inspecting the page, that the page listens for rebuilds.
    document.documentElement.setAttribute("data-distillm-live", "connected");
    if (serverId !== null && data.server !== serverId) {
      location.reload();  // The server restarted and built the site again.
      return;
    }
    serverId = data.server;
    if (failed && !data.failed) {
      location.reload();  // The error is fixed: show the page as it is now.
      return;
    }
    failed = data.failed;
    drawOverlay(data);
  }

  function element(tag, style, text) {
    var node = document.createElement(tag);
    if (style) { node.setAttribute("style", style); }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function list(className, items, format) {
    var node = element("ul", "margin:0.3em 0 0;padding-left:1.2em");
    node.className = className;
    items.forEach(function (item) { node.appendChild(element("li", "margin:0.2em 0", format(item))); });
    return node;
  }

  function drawOverlay(data) {
    var old = document.getElementById("distillm-overlay");
    if (old) { old.remove(); }
    var errors = data.errors.map(function (error) { return error.text; });
    if (data.error_message) { errors.push("error: " + data.error_message); }
    if (!errors.length && !data.warnings.length && !data.skipped.length) { return; }
    var font = "font:14px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;";
    var overlay = element("div", font + "position:fixed;z-index:2147483647;color:#1b1b1b;" + (errors.length
      ? "inset:0;overflow:auto;background:rgba(255,255,255,0.97);padding:2em"
      : "right:1em;bottom:1em;max-width:min(48em,90vw);max-height:60vh;overflow:auto;" +
        "background:#fffbe6;border:1px solid #d4a72c;border-radius:6px;padding:0.6em 1em"));
    overlay.id = "distillm-overlay";
    overlay.setAttribute("role", errors.length ? "alert" : "status");
    if (errors.length) {
      overlay.appendChild(element("h2", "margin:0 0 0.5em;color:#b3261e;font-size:1.2em",
        "The rebuild failed; this is the last good version of the page"));
      overlay.appendChild(list("distillm-errors", errors, function (text) { return text; }));
    }
    if (data.warnings.length || data.skipped.length) {
      var details = element("details", errors.length ? "margin-top:1.5em" : "");
      details.open = warningsOpen || errors.length > 0;
      details.addEventListener("toggle", function () { warningsOpen = details.open; });
      var counts = [];
      if (data.warnings.length) { counts.push(data.warnings.length + (data.warnings.length === 1 ? " warning" : " warnings")); }
      if (data.skipped.length) { counts.push(data.skipped.length + (data.skipped.length === 1 ? " skipped post" : " skipped posts")); }
      details.appendChild(element("summary", "cursor:pointer", counts.join(", ")));
      if (data.warnings.length) {
        details.appendChild(element("h3", "margin:0.6em 0 0;font-size:1em", "Warnings"));
        details.appendChild(list("distillm-warnings", data.warnings, function (text) { return text; }));
      }
      if (data.skipped.length) {
        details.appendChild(element("h3", "margin:0.6em 0 0;font-size:1em", "Skipped posts"));
        details.appendChild(list("distillm-skipped", data.skipped, function (post) {
          return post.path + ": " + post.reason + " (" + post.detail + ")";
        }));
      }
      overlay.appendChild(details);
    }
    document.body.appendChild(overlay);
  }

  function listen(name, handler) {
    source.addEventListener(name, function (event) { handler(JSON.parse(event.data)); });
  }

  // EventSource reconnects by itself after the server went away (the stream asks for 500 ms).
  var source = new EventSource(eventsUrl);
  listen("status", onStatus);
  listen("reload", onReload);
  listen("css", onStylesheets);
  source.addEventListener("error", function () {
    document.documentElement.setAttribute("data-distillm-live", "reconnecting");
  });
})();
