using System.Text;

namespace Resume.Actors.Stats;

/// <summary>
/// The status endpoint as an HTML page for a browser: a static page whose small script fetches the
/// endpoint's JSON (<c>?format=json</c>, with the page's token if it was given one) every second and
/// redraws connections, totals, the requests in flight (what each waits on, and for how long) and the
/// cluster's members. Static, so the server renders nothing per refresh but the JSON tools read too;
/// no outside script or style, so it works where the node cannot reach the internet.
/// </summary>
public static class StatusPage
{
    public static byte[] Html { get; } = Encoding.UTF8.GetBytes("""
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <title>Resume status</title>
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <!-- No icon: else the browser asks the app for /favicon.ico at every visit. -->
        <link rel="icon" href="data:,">
        <style>
          body { font: 14px system-ui, sans-serif; margin: 1.5em; color: #222; }
          h1 { font-size: 1.3em; margin: 0 0 .3em; }
          h2 { font-size: 1.05em; margin: 1.4em 0 .4em; }
          table { border-collapse: collapse; }
          th, td { text-align: left; padding: .2em .8em .2em 0; border-bottom: 1px solid #ddd; font-variant-numeric: tabular-nums; }
          th { color: #555; font-weight: 600; }
          .muted { color: #777; }
          #error { color: #b00; }
        </style>
        </head>
        <body>
        <h1>Resume status</h1>
        <div class="muted">Updated <span id="updated">never</span> <span id="error"></span></div>
        <h2>Connections: <span id="connections">?</span> &middot; requests in flight: <span id="in-flight-count">?</span></h2>
        <table id="in-flight">
          <thead><tr><th>id</th><th>app</th><th>method</th><th>path</th><th>state</th><th>waiting on</th><th>for</th><th>bytes in</th><th>bytes out</th></tr></thead>
          <tbody></tbody>
        </table>
        <h2>Totals</h2>
        <table id="totals"><tbody></tbody></table>
        <h2>Cluster</h2>
        <div id="cluster-none" class="muted">Not clustered.</div>
        <table id="members" hidden>
          <thead><tr><th>address</th><th>status</th><th>since</th><th>reachable</th><th>in flight</th><th>entities</th></tr></thead>
          <tbody></tbody>
        </table>
        <script>
        "use strict";
        const token = new URLSearchParams(location.search).get("token");
        const headers = token ? { Authorization: "Bearer " + token } : {};
        const cell = (row, text) => { const td = document.createElement("td"); td.textContent = text ?? ""; row.appendChild(td); };
        const seconds = s => s < 60 ? s.toFixed(1) + " s" : s < 3600 ? (s / 60).toFixed(1) + " min" : (s / 3600).toFixed(1) + " h";
        function fill(table, rows) { const body = document.querySelector(table + " tbody"); body.replaceChildren(...rows); }
        function render(status) {
          document.getElementById("connections").textContent = status.connections;
          document.getElementById("in-flight-count").textContent = status.in_flight.length;
          fill("#in-flight", status.in_flight.map(r => {
            const row = document.createElement("tr");
            row.dataset.id = r.id;
            for (const text of [r.id, r.app, r.method, r.path, r.state, r.waiting_on ?? "", seconds(r.for_seconds), r.bytes_in, r.bytes_out]) cell(row, String(text));
            return row;
          }));
          fill("#totals", Object.entries(status.totals).map(([name, value]) => {
            const row = document.createElement("tr"); cell(row, name.replaceAll("_", " ")); cell(row, String(value)); return row;
          }));
          const members = status.cluster ? status.cluster.members : [];
          document.getElementById("members").hidden = !status.cluster;
          document.getElementById("cluster-none").hidden = !!status.cluster;
          fill("#members", members.map(m => {
            const row = document.createElement("tr");
            cell(row, m.address + (status.cluster.self === m.address ? " (this node)" : ""));
            cell(row, m.status); cell(row, m.since ?? ""); cell(row, m.reachable ? "yes" : "no");
            cell(row, m.in_flight !== undefined ? String(m.in_flight) : m.problem);
            cell(row, m.entities ? Object.entries(m.entities).map(([t, n]) => t + ": " + n).join(", ") : "");
            return row;
          }));
        }
        async function refresh() {
          try {
            const response = await fetch(location.pathname + "?format=json", { headers, cache: "no-store" });
            if (!response.ok) throw new Error(response.status + " " + response.statusText);
            render(await response.json());
            document.getElementById("updated").textContent = new Date().toLocaleTimeString();
            document.getElementById("error").textContent = "";
          } catch (e) {
            document.getElementById("error").textContent = "(refresh failed: " + e.message + ")";
          }
          setTimeout(refresh, 1000);
        }
        refresh();
        </script>
        </body>
        </html>
        """);
}
