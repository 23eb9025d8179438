/// The console's stylesheet and script, committed as sources (no build step, no Node): a few
/// kilobytes, served at `/gui/assets/`.
enum ConsoleAssets {
    /// Layout for wide screens and phones (tables become labelled cards below 720 px),
    /// visible focus, and badges whose text carries the meaning (colour only repeats it).
    static let stylesheet = #"""
    :root { --ink: #1d2430; --muted: #5b6473; --line: #d8dde5; --paper: #ffffff; --wash: #f4f6f9;
            --accent: #1f5fbf; --good: #1c6b3a; --good-bg: #e3f4e8; --bad: #a3231a; --bad-bg: #fbe6e4;
            --warn: #7a5200; --warn-bg: #fdf1d6; }
    * { box-sizing: border-box; }
    html { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: var(--wash); }
    body { margin: 0; }
    a { color: var(--accent); }
    a:focus-visible, [tabindex]:focus-visible, summary:focus-visible { outline: 3px solid #f0a000; outline-offset: 2px; }
    .skip-link { position: absolute; left: -9999px; top: 0; background: var(--paper); padding: .5rem 1rem; z-index: 10; }
    .skip-link:focus { left: .5rem; }
    .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .banner { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1.5rem; background: #14233c; color: #fff; }
    .banner a { color: #fff; text-decoration: none; }
    .banner a:hover { text-decoration: underline; }
    .brand { font-weight: 700; font-size: 1.15rem; letter-spacing: .02em; }
    .banner nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
    .live { margin: 0 0 0 auto; font-size: .85rem; color: #c9d6ea; }
    .live::before { content: "●"; color: #5fd38d; margin-right: .35rem; }
    main { max-width: 1200px; margin: 0 auto; padding: 1.25rem 1.5rem 2rem; }
    main:focus { outline: none; }
    h1 { font-size: 1.6rem; margin: .1rem 0 1rem; word-break: break-word; }
    h2 { font-size: 1.15rem; margin: 0 0 .6rem; }
    .kind { margin: 0; color: var(--muted); text-transform: uppercase; font-size: .8rem; letter-spacing: .08em; }
    section { background: var(--paper); border: 1px solid var(--line); border-radius: 8px; padding: 1rem 1.25rem; margin: 0 0 1rem; }
    .table-wrap { overflow-x: auto; }
    table { width: 100%; border-collapse: collapse; font-size: .93rem; }
    th, td { text-align: left; vertical-align: top; padding: .45rem .6rem; border-bottom: 1px solid var(--line); }
    thead th { font-size: .8rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); border-bottom-width: 2px; }
    tbody th { font-weight: 600; }
    tbody tr:last-child th, tbody tr:last-child td { border-bottom: none; }
    .badge { display: inline-block; padding: .05rem .5rem; border-radius: 999px; font-size: .8rem; font-weight: 600; border: 1px solid transparent; white-space: nowrap; }
    .badge.good { color: var(--good); background: var(--good-bg); border-color: #b9e0c6; }
    .badge.bad { color: var(--bad); background: var(--bad-bg); border-color: #f1bdb8; }
    .badge.warn { color: var(--warn); background: var(--warn-bg); border-color: #efd79c; }
    .badge.neutral { color: var(--muted); background: var(--wash); border-color: var(--line); }
    .muted, .empty { color: var(--muted); }
    .empty { margin: .25rem 0; }
    .problems { list-style: none; margin: 0; padding: 0; }
    .problems li { padding: .6rem 0; border-bottom: 1px solid var(--line); }
    .problems li:last-child { border-bottom: none; }
    .message { margin: .25rem 0 0; color: var(--ink); font-size: .9rem; overflow-wrap: anywhere; }
    .long { overflow-wrap: anywhere; }
    .reason { color: var(--muted); font-size: .85rem; }
    .all-good { margin: 0; }
    .parent { display: inline-block; margin: .1rem 0; }
    .facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: .5rem 1.5rem; margin: 0 0 1rem; }
    .facts dt { font-size: .8rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
    .facts dd { margin: 0; word-break: break-word; }
    details { margin: .5rem 0; border: 1px solid var(--line); border-radius: 6px; }
    summary { cursor: pointer; padding: .45rem .7rem; font-weight: 600; }
    pre.yaml { margin: 0; padding: .75rem 1rem; background: #0f1a2b; color: #e6edf7; border-radius: 0 0 6px 6px; overflow-x: auto; font-size: .85rem; }
    .links { margin: .75rem 0 0; }
    .plain { margin: 0; padding-left: 1.2rem; }
    .footer { max-width: 1200px; margin: 0 auto; padding: 0 1.5rem 2rem; color: var(--muted); font-size: .85rem; }
    @media (max-width: 720px) {
      html { font-size: 14px; }
      .banner { padding: .6rem 1rem; }
      .live { margin-left: 0; width: 100%; }
      main { padding: 1rem .75rem 1.5rem; }
      section { padding: .75rem .85rem; }
      table, thead, tbody, tr, th, td { display: block; width: 100%; }
      thead { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }
      tbody tr { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 .6rem; padding: .3rem .2rem; }
      tbody th, tbody td { border: none; padding: .2rem .5rem; }
      td[data-label]::before { content: attr(data-label); display: block; font-size: .75rem; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
    }
    """#

    /// Live updates: on each server-sent event, fetch this page again and swap `<main>` (the
    /// open YAML blocks and the focused link stay as they were); no reload, no framework.
    static let script = #"""
    (function () {
      "use strict";
      var live = document.getElementById("live");
      var busy = false, again = false;
      function say(text) { if (live) { live.textContent = text; } }
      function refresh() {
        if (busy) { again = true; return; }
        busy = true;
        fetch(location.pathname, { cache: "no-store", headers: { "Accept": "text/html" } })
          .then(function (response) { return response.text(); })
          .then(function (text) {
            var next = new DOMParser().parseFromString(text, "text/html");
            var incoming = next.querySelector("main"), main = document.querySelector("main");
            if (!incoming || !main) { return; }
            var version = next.getElementById("store-version"), mine = document.getElementById("store-version");
            if (version && mine) { mine.textContent = version.textContent; }
            if (incoming.innerHTML === main.innerHTML) { return; }
            var open = Array.prototype.map.call(main.querySelectorAll("details[open] > summary"), function (s) { return s.textContent; });
            var focused = document.activeElement && main.contains(document.activeElement) ? document.activeElement.getAttribute("href") : null;
            main.innerHTML = incoming.innerHTML;
            main.setAttribute("data-version", incoming.getAttribute("data-version") || "");
            Array.prototype.forEach.call(main.querySelectorAll("details > summary"), function (s) {
              if (open.indexOf(s.textContent) >= 0) { s.parentNode.open = true; }
            });
            if (focused) { var again2 = main.querySelector('a[href="' + focused.replace(/"/g, '\\"') + '"]'); if (again2) { again2.focus(); } }
            document.title = next.title;
            say("Updated " + new Date().toLocaleTimeString());
          })
          .catch(function () { say("Update failed; retrying"); })
          .then(function () { busy = false; if (again) { again = false; refresh(); } });
      }
      // One event stream for every console tab of this browser, held by a shared worker
      // (browsers allow only six connections per server over HTTP/1.1); a tab on its own
      // stream where shared workers are missing.
      if (window.SharedWorker) {
        var worker = new SharedWorker("/gui/assets/events-worker.js");
        worker.port.onmessage = function (message) {
          if (message.data === "open") { say("Live"); }
          else if (message.data === "error") { say("Reconnecting…"); }
          else { refresh(); }
        };
        worker.port.start();
        window.addEventListener("pagehide", function () { worker.port.postMessage("bye"); });
      } else if (window.EventSource) {
        var events = new EventSource("/gui/events");
        events.onmessage = refresh;
        events.onopen = function () { say("Live"); };
        events.onerror = function () { say("Reconnecting…"); };
        window.addEventListener("pagehide", function () { events.close(); });
      }
    })();
    """#

    /// The shared worker holding the one event stream of all console tabs: it forwards each
    /// change (and the stream's state) to every tab still open.
    static let eventsWorker = #"""
    "use strict";
    var ports = [];
    var events = new EventSource("/gui/events");
    function tell(message) { ports.forEach(function (port) { port.postMessage(message); }); }
    events.onmessage = function (event) { tell(event.data); };
    events.onopen = function () { tell("open"); };
    events.onerror = function () { tell("error"); };
    onconnect = function (connection) {
      var port = connection.ports[0];
      ports.push(port);
      port.onmessage = function (message) {
        if (message.data === "bye") { ports = ports.filter(function (other) { return other !== port; }); }
      };
      port.start();
      if (events.readyState === 1) { port.postMessage("open"); }
    };
    """#
}
