extension PublicPage {
    /// `/`: the page itself; its script and style come from this listener only.
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Brake: the public record</title>
<link rel="stylesheet" href="/page/style.css">
<script type="module" src="/page/app.js"></script>
</head>
<body data-state="loading">
<header>
<h1>Brake: the public record</h1>
<p id="federation">Loading…</p>
<p id="status"></p>
<p id="stream"></p>
</header>
<noscript><p>This page checks the record in your browser and needs JavaScript. The same data is served as JSON under /v1/ (charter, pauses, motions, compliance, checkpoint, proof/inclusion, log, evidence).</p></noscript>
<main>
<section><h2>Pauses in force</h2><div id="pauses-in-force"></div></section>
<section><h2>Latest checkpoint</h2>
<p class="why">The Merkle root of the log, cosigned by the federation's nodes. Each pause above is proven to be in this tree, and the cosignatures are checked against the charter's keys, here in your browser.</p>
<div id="checkpoint"></div></section>
<section><h2>Open motions</h2><div id="motions"></div></section>
<section><h2>Compliance</h2><div id="compliance"></div></section>
<section><h2>Pause history</h2><div id="pause-history"></div></section>
<section><h2>Evidence of a split history</h2><div id="evidence"></div></section>
<section><h2>Charter</h2><div id="charter"></div></section>
</main>
</body>
</html>
"""#
}
