extension PublicPage {
    /// `/page/app.js`: reads the public routes, renders the record, follows the event stream.
    static let appScript = #"""
// The transparency page: reads the node's public read routes, shows the record, and marks each
// pause and the checkpoint verified or not by checking them here, in the browser (verify.js).
import { verifyCheckpoint, verifyEntryInclusion } from "./verify.js";
import { verifyCharterChain } from "./charters.js";

const byID = (id) => document.getElementById(id);

/** An element with attributes and children; text always goes in as text, never as markup. */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value !== undefined && value !== null) node.setAttribute(name, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function badge(ok, why) {
  return el("span", { class: ok ? "badge ok" : "badge bad", title: why }, ok ? "verified" : "not verified");
}

function short(id) {
  return typeof id === "string" ? id.slice(0, 12) : "";
}

async function getJSON(path) {
  const response = await fetch(path, { cache: "no-store", headers: { Accept: "application/json" } });
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) {
    const message = body?.error?.message ?? `${response.status}`;
    const error = new Error(`${path}: ${message}`);
    error.status = response.status;
    error.retryAfter = Number(response.headers.get("Retry-After")) || 0;
    throw error;
  }
  return body;
}

/** A read that may be missing (a route this node does not serve yet): null instead of an error. */
async function getOptional(path) {
  try { return await getJSON(path); } catch (error) { if (error.status === 404) return null; throw error; }
}

function replace(id, ...children) {
  byID(id).replaceChildren(...children);
}

function renderCharter(charter, chain) {
  byID("federation").textContent = `Federation ${charter.federation}, charter ${short(charter.id)}…`;
  const steps = (chain?.steps ?? []).map((step) =>
    el("li", { class: "charter-step", "data-charter-id": step.id, "data-index": step.index, "data-verified": step.ok },
      badge(step.ok, step.why),
      step.cause ? ` entry ${step.index}: ${step.causeKind ?? "change"} ${short(step.cause)}… made charter ${short(step.id)}…` : ` genesis charter ${short(step.id)}…`,
      ` — ${step.why}`,
      step.changes.length ? el("ul", {}, step.changes.map((line) => el("li", {}, line))) : null));
  const parties = el("ul", {}, charter.parties.map((p) => el("li", {}, `${p.name} (${p.id}, ${p.class})`)));
  const nodes = el("ul", {}, charter.nodes.map((n) => el("li", {}, `${n.id}, run by ${n.party}`)));
  const genesis = chain?.steps?.[0]?.id ?? charter.genesis ?? charter.id;
  replace("charter",
    el("p", {}, "Everything here is checked from the genesis charter, id ", el("code", {}, genesis),
      ": compare it with the charter id you hold, or nothing on this page proves anything."),
    el("div", { id: "charter-chain", "data-verified": chain ? chain.ok : false },
      chain ? badge(chain.ok, chain.why) : badge(false, "this node serves no charter history"),
      el("span", {}, ` ${chain ? chain.why : "this node serves no charter history"}`)),
    el("ol", {}, steps),
    el("h3", {}, `In force: charter ${short(charter.id)}…`),
    el("p", {}, `Trigger: ${charter.trigger}. Lift: ${charter.lift}.`),
    el("h3", {}, "Parties"), parties, el("h3", {}, "Nodes"), nodes);
}

function renderCheckpoint(checkpoint, verdict) {
  const cosigners = verdict.cosigners.length === 0
    ? el("p", {}, "No cosignatures from charter nodes.")
    : el("ul", {}, verdict.cosigners.map((c) =>
        el("li", { class: "cosigner", "data-node": c.node, "data-verified": c.ok },
          badge(c.ok, c.why), ` ${c.node}`, c.time ? ` at ${new Date(c.time * 1000).toISOString()}` : "", ` — ${c.why}`)));
  replace("checkpoint",
    el("div", { class: "item", "data-verified": verdict.ok, id: "checkpoint-verdict" },
      badge(verdict.ok, verdict.why),
      el("span", {}, ` size ${checkpoint.size}, root `, el("code", {}, checkpoint.root)),
      el("p", { class: "why" }, verdict.why)),
    cosigners);
}

function renderPause(pause, motion, verdict) {
  const signers = (motion?.signers ?? []).map((s) => el("li", {}, `${s.party} signed at entry ${s.index}, ${s.time}`));
  const ended = pause.liftedAt
    ? `Lifted at entry ${pause.liftedAt}${pause.liftedBy ? ` by motion ${short(pause.liftedBy)}…` : ""}, ${pause.liftedTime ?? ""}`
    : pause.inForce ? (pause.sunset ? `In force until its sunset, ${pause.sunset}` : "In force") : `Ended at its sunset, ${pause.sunset ?? ""}`;
  return el("article", { class: pause.inForce ? "pause in-force" : "pause", "data-pause-id": pause.id, "data-in-force": pause.inForce, "data-verified": verdict.ok },
    el("h3", {}, badge(verdict.ok, verdict.why), ` ${pause.scope}`),
    el("p", {}, pause.reason),
    el("p", {}, `Pause ${short(pause.id)}…, in force since ${pause.since} (entry ${pause.triggeredAt}). ${ended}.`),
    el("p", {}, `Signed by: ${pause.signers.join(", ")}`),
    signers.length ? el("ul", {}, signers) : null,
    el("p", { class: "why" }, verdict.why));
}

function renderMotions(motions, charter) {
  const open = motions.filter((m) => m.state === "open");
  if (open.length === 0) return replace("motions", el("p", {}, "No open motions."));
  const classOf = new Map(charter.parties.map((p) => [p.id, p.class]));
  replace("motions", ...open.map((m) => {
    const parties = [...new Set(m.signers.map((s) => s.party))];
    const byClass = {};
    for (const party of parties) byClass[classOf.get(party) ?? "unknown"] = (byClass[classOf.get(party) ?? "unknown"] ?? 0) + 1;
    const tally = Object.entries(byClass).map(([c, n]) => `${n} ${c}`).join(", ");
    return el("article", { class: "motion", "data-motion-id": m.id },
      el("h3", {}, `${m.kind} ${m.scope}`),
      el("p", {}, m.reason),
      el("p", {}, `Proposed by ${m.proposer}; expires ${m.expires}.`),
      el("p", {}, `Policy: ${m.kind === "lift" ? charter.lift : charter.trigger}. Signed so far by ${parties.length} distinct parties (${tally || "none"}).`),
      el("ul", {}, m.signers.map((s) => el("li", {}, `${s.party} (${classOf.get(s.party) ?? "?"}), entry ${s.index}, ${s.time}`))));
  }));
}

function renderCompliance(rows) {
  if (rows.length === 0) return replace("compliance", el("p", {}, "No pause in force asks for attestations."));
  const headings = ["Party", "Pause", "Last attestation", "Next due", "Status", "Countersigned by", "Disputed by"];
  replace("compliance", el("table", {},
    el("thead", {}, el("tr", {}, headings.map((h) => el("th", {}, h)))),
    el("tbody", {}, rows.map((r) => {
      const status = r.overdue ? `overdue${r.overdueSince ? ` since ${r.overdueSince}` : ""}` : r.expected === false ? "not expected" : "on time";
      const disputes = (r.disputes ?? []).map((d) => `${d.reviewer}: ${d.reason}`);
      return el("tr", { class: r.overdue ? "overdue" : "", "data-party": r.party },
        el("td", {}, r.partyClass ? `${r.party} (${r.partyClass})` : r.party),
        el("td", {}, r.scope ? `${r.scope} (${short(r.pauseID)}…)` : `${short(r.pauseID)}…`),
        el("td", {}, r.lastPeriod ? `${r.lastPeriod}, ${r.lastAttested ?? ""}` : "none"),
        el("td", {}, r.nextDue ?? ""),
        el("td", {}, status),
        el("td", {}, (r.countersignedBy ?? []).join(", ")),
        el("td", {}, disputes.join("; ")));
    }))));
}

function renderEvidence(evidence) {
  if (evidence === null) return replace("evidence", el("p", {}, "This node serves no evidence route."));
  if (evidence.length === 0) return replace("evidence", el("p", {}, "None: no node was caught signing two histories."));
  replace("evidence", el("ul", {}, evidence.map((e) =>
    el("li", { class: "evidence" }, `${e.kind} at size ${e.size}, detected ${e.detectedAt}, signed by ${(e.nodes ?? []).join(", ")}`))));
}

/** Proves each pause's trigger entry is in the checkpoint's tree. */
async function verifyPause(pause, checkpoint, checkpointVerdict) {
  let proof;
  try {
    proof = await getJSON(`/v1/proof/inclusion?index=${pause.triggeredAt}&size=${checkpoint.size}`);
  } catch (error) {
    return { ok: false, why: error.status === 404 ? "not in the latest checkpoint yet" : error.message };
  }
  const inclusion = await verifyEntryInclusion(proof, checkpoint, pause.triggeredAt, pause.id);
  if (!inclusion.ok) return inclusion;
  if (!checkpointVerdict.ok) return { ok: false, why: `${inclusion.why}, but the checkpoint is not verified: ${checkpointVerdict.why}` };
  return { ok: true, why: `${inclusion.why}, cosigned by a majority of the charter's nodes` };
}

async function refresh() {
  const [charter, history, pauses, motions, compliance, checkpoint, evidence] = await Promise.all([
    getJSON("/v1/charter"), getOptional("/v1/charter/history"), getJSON("/v1/pauses"), getJSON("/v1/motions"),
    getJSON("/v1/compliance"), getJSON("/v1/checkpoint"), getOptional("/v1/evidence"),
  ]);
  // The checkpoint's cosigners are the nodes of the charter the chain from genesis reaches, never
  // merely the ones the node says are current: the charter in force after the checkpoint's last
  // leaf (entry appliedIndex), which judges it, as brakectl verify judges it (Specs/log.md 7.4).
  const chain = history ? await verifyCharterChain(history, charter.envelope) : null;
  renderCharter(charter, chain);
  const judging = checkpoint.appliedIndex ? chain?.verified.filter((c) => c.index <= checkpoint.appliedIndex).pop()?.charter : null;
  const checkpointVerdict = await verifyCheckpoint(checkpoint, judging ?? chain?.latest ?? charter);
  renderCheckpoint(checkpoint, checkpointVerdict);
  const motionByID = new Map(motions.motions.map((m) => [m.id, m]));
  const shown = await Promise.all(pauses.pauses.map(async (p) =>
    renderPause(p, motionByID.get(p.id), await verifyPause(p, checkpoint, checkpointVerdict))));
  const inForce = shown.filter((a) => a.dataset.inForce === "true");
  replace("pauses-in-force", ...(inForce.length ? inForce : [el("p", {}, "No pause is in force.")]));
  const ended = shown.filter((a) => a.dataset.inForce !== "true").reverse();
  replace("pause-history", ...(ended.length ? ended : [el("p", {}, "No pause has ended.")]));
  renderMotions(motions.motions, charter);
  renderCompliance(compliance.compliance);
  renderEvidence(evidence?.evidence ?? (evidence === null ? null : []));
}

// One refresh at a time; events that arrive during one ask for one more after it.
let running = false;
let again = false;
async function update() {
  if (running) { again = true; return; }
  running = true;
  do {
    again = false;
    try {
      await refresh();
      byID("status").textContent = `Updated ${new Date().toISOString()}`;
    } catch (error) {
      byID("status").textContent = `Could not read the record: ${error.message}`;
      if (error.retryAfter) setTimeout(update, error.retryAfter * 1000);
    }
  } while (again);
  running = false;
  document.body.dataset.state = "done";
}

/** Follows /v1/events (Server-Sent Events) and refreshes on each event, resuming after a drop. */
async function follow() {
  let last = null;
  for (;;) {
    try {
      const response = await fetch(last ? `/v1/events?from=${encodeURIComponent(last)}` : "/v1/events", { cache: "no-store" });
      if (!response.ok || !response.body) throw new Error(`events: ${response.status}`);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const id = block.split("\n").find((line) => line.startsWith("id: "));
          if (id) { last = id.slice(4); update(); }
        }
      }
    } catch (error) {
      byID("stream").textContent = `Live updates paused: ${error.message}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 5000));
    update();
  }
}

update();
follow();
"""#
}
