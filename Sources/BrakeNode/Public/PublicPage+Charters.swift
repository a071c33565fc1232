extension PublicPage {
    /// `/page/charters.js`: the chain of charters from genesis, each amendment and revocation checked
    /// in the browser under the charter before it (Specs/registry.md), so the page trusts the node
    /// for nothing but availability: a reader who holds the genesis charter id verifies the latest.
    static let chartersScript = #"""
// The charter chain, checked with WebCrypto only. Each item of GET /v1/charter/history carries the
// charter's exact payload bytes and, after genesis, the merged envelope of the amendment or
// revocation that made it. Checked here:
// - every charter's payload hashes to its id, and genesis is signed by every key it lists;
// - an amendment names the charter before it (`amends`), carries exactly the next charter, is
//   signed by distinct parties of the charter before it that meet that charter's amend policy, and
//   by every key the next charter adds (proof of possession);
// - a revocation is signed by a key its party keeps, and the next charter is the one before it
//   minus the revoked keys.
import { fromBase64, sha256, toHex } from "./verify.js";

const utf8 = new TextEncoder();

/** RFC 8785 canonical JSON of a value of the charter's kinds: strings, integers, null, arrays, objects. */
export function canonicalJSON(value) {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJSON).join(",")}]`;
  // RFC 8785 3.2.3: keys sorted by their UTF-16 code units, which is what JavaScript's sort does.
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJSON(value[k])}`).join(",")}}`;
}

/** DSSE pre-authentication encoding of an envelope. */
function pae(payloadType, payload) {
  const type = utf8.encode(payloadType);
  const head = utf8.encode(`DSSEv1 ${type.length} `);
  const middle = utf8.encode(` ${payload.length} `);
  const out = new Uint8Array(head.length + type.length + middle.length + payload.length);
  out.set(head, 0); out.set(type, head.length); out.set(middle, head.length + type.length);
  out.set(payload, head.length + type.length + middle.length);
  return out;
}

async function verifies(keyBase64, signatureBase64, message) {
  try {
    const key = await crypto.subtle.importKey("raw", fromBase64(keyBase64), { name: "Ed25519" }, false, ["verify"]);
    return await crypto.subtle.verify({ name: "Ed25519" }, key, fromBase64(signatureBase64), message);
  } catch {
    return false;
  }
}

/** The keys (base64) among `keys` that made a signature of `envelope`, each at most once. */
async function signingKeys(envelope, keys) {
  const message = pae(envelope.payloadType, fromBase64(envelope.payload));
  const found = new Set();
  for (const signature of envelope.signatures ?? []) {
    for (const key of keys) {
      if (!found.has(key) && await verifies(key, signature.sig, message)) { found.add(key); break; }
    }
  }
  return found;
}

function partyOf(charter, key) {
  return charter.parties.find((p) => p.keys.includes(key));
}

/** Whether the distinct `parties` (ids) meet every clause of `policy` under `charter`. */
function meets(policy, parties, charter) {
  return policy.clauses.every((clause) => {
    const count = [...parties].filter((id) => {
      const party = charter.parties.find((p) => p.id === id);
      return party && (clause.class === "any" || party.class === clause.class);
    }).length;
    return count >= clause.atLeast;
  });
}

async function charterOf(item) {
  const bytes = fromBase64(item.payload);
  if (toHex(await sha256(bytes)) !== item.id) throw new Error(`charter ${item.id.slice(0, 12)}… does not hash to its id`);
  return { bytes, charter: JSON.parse(new TextDecoder().decode(bytes)) };
}

/** Why the step from `before` (id, charter) to `item` does not hold, or null when it does. */
async function stepFailure(before, beforeID, item, next, nextBytes) {
  const envelope = item.declaration;
  if (!envelope) return "the node serves no declaration for this change";
  const payload = fromBase64(envelope.payload);
  if (toHex(await sha256(payload)) !== item.cause) return "the declaration does not hash to the cause named";
  const body = JSON.parse(new TextDecoder().decode(payload));
  if (body.federation !== before.federation) return "the declaration is for another federation";
  const oldKeys = before.parties.flatMap((p) => p.keys);
  if (envelope.payloadType === "application/vnd.brake.amendment.v1+json") {
    if (body.amends !== beforeID) return `it amends charter ${String(body.amends).slice(0, 12)}…, not the one before it`;
    if (canonicalJSON(body.charter) !== new TextDecoder().decode(nextBytes)) return "it carries another charter than the one now in force";
    const added = next.parties.flatMap((p) => p.keys).filter((k) => !oldKeys.includes(k));
    const signed = await signingKeys(envelope, [...oldKeys, ...added]);
    const missing = added.filter((k) => !signed.has(k));
    if (missing.length) return `a key it adds (${missing[0].slice(0, 12)}…) did not sign it`;
    const parties = new Set([...signed].filter((k) => oldKeys.includes(k)).map((k) => partyOf(before, k).id));
    if (!meets(before.policies.amend, parties, before)) {
      return `signed by ${[...parties].join(", ") || "no party"}, which does not meet the amend policy of the charter before it`;
    }
    return null;
  }
  if (envelope.payloadType === "application/vnd.brake.revocation.v1+json") {
    const party = before.parties.find((p) => p.id === body.party);
    if (!party) return `no party ${body.party} in the charter before it`;
    const kept = party.keys.filter((k) => !body.keys.includes(k));
    const signed = await signingKeys(envelope, kept);
    if (signed.size === 0) return `not signed by a key ${body.party} keeps`;
    const expected = structuredClone(before);
    expected.parties.find((p) => p.id === body.party).keys = kept;
    if (canonicalJSON(expected) !== new TextDecoder().decode(nextBytes)) return "the charter now in force is not the one before it minus the revoked keys";
    return null;
  }
  return `a ${envelope.payloadType} cannot change the charter`;
}

/** What changed from `before` to `after`, computed here from the verified charters (never the node's words). */
export function describeChanges(before, after) {
  const lines = [];
  const byID = (list) => new Map(list.map((item) => [item.id, item]));
  const short = (key) => `${key.slice(0, 12)}…`;
  const [oldParties, newParties] = [byID(before.parties), byID(after.parties)];
  for (const [id, p] of oldParties) if (!newParties.has(id)) lines.push(`- party ${id} (${p.class}) and its keys`);
  for (const [id, p] of newParties) if (!oldParties.has(id)) lines.push(`+ party ${id} "${p.name}" (${p.class}), ${p.keys.length} key(s)`);
  for (const [id, p] of newParties) {
    const o = oldParties.get(id);
    if (!o) continue;
    if (o.name !== p.name) lines.push(`~ party ${id} name: "${o.name}" -> "${p.name}"`);
    if (o.class !== p.class) lines.push(`~ party ${id} class: ${o.class} -> ${p.class}`);
    for (const k of o.keys) if (!p.keys.includes(k)) lines.push(`- key ${short(k)} of party ${id} (revoked from then on)`);
    for (const k of p.keys) if (!o.keys.includes(k)) lines.push(`+ key ${short(k)} of party ${id}`);
  }
  const [oldNodes, newNodes] = [byID(before.nodes), byID(after.nodes)];
  for (const [id, n] of oldNodes) if (!newNodes.has(id)) lines.push(`- node ${id} of party ${n.party}`);
  for (const [id, n] of newNodes) if (!oldNodes.has(id)) lines.push(`+ node ${id} of party ${n.party} at ${n.address}`);
  for (const [id, n] of newNodes) {
    const o = oldNodes.get(id);
    if (!o) continue;
    for (const field of ["party", "address", "tlsPin", "checkpointKey"]) {
      if (o[field] !== n[field]) lines.push(`~ node ${id} ${field}: ${o[field]} -> ${n[field]}`);
    }
  }
  for (const name of ["trigger", "lift", "amend"]) {
    if (canonicalJSON(before.policies[name]) !== canonicalJSON(after.policies[name])) {
      const text = (rule) => rule.clauses.map((c) => `at least ${c.atLeast} ${c.class}`).join(" and ");
      lines.push(`~ ${name} policy: ${text(before.policies[name])} -> ${text(after.policies[name])}`);
    }
  }
  for (const name of ["motionLifetimeSeconds", "attestationIntervalSeconds", "pauseSunsetSeconds", "maxClockSkewSeconds", "maxPendingSeconds"]) {
    if ((before[name] ?? null) !== (after[name] ?? null)) lines.push(`~ ${name}: ${before[name] ?? "unset"} -> ${after[name] ?? "unset"}`);
  }
  return lines;
}

/**
 * Verifies the chain (GET /v1/charter/history). Returns {ok, why, latest, verified, steps: [{id, index, cause,
 * causeKind, ok, why, changes}]} (changes computed here, for the steps that verified); `latest` is the last charter that verified (parsed payload);
 * `verified` lists [{index, charter}] for each charter that verified, in order, so that a checkpoint is judged by the one in force after its last leaf.
 */
export async function verifyCharterChain(history, genesisEnvelope) {
  const steps = [];
  let before = null, beforeID = null, failed = null;
  const verified = [];
  for (const item of history.charters ?? []) {
    let step = { id: item.id, index: item.since, cause: item.cause ?? null, causeKind: item.causeKind ?? null, changes: [] };
    try {
      const { bytes, charter } = await charterOf(item);
      const isGenesis = steps.length === 0;
      let why = null;
      if (isGenesis) {
        // Genesis: the envelope the founding parties signed carries exactly these bytes, signed by every key.
        const signedText = genesisEnvelope ? new TextDecoder().decode(fromBase64(genesisEnvelope.payload)) : null;
        if (!signedText || canonicalJSON(JSON.parse(signedText)) !== new TextDecoder().decode(bytes)) {
          why = "the node serves no signed genesis envelope for this charter";
        } else {
          const keys = charter.parties.flatMap((p) => p.keys);
          const signed = await signingKeys(genesisEnvelope, keys);
          if (signed.size !== keys.length) why = "not every key the genesis charter lists signed it";
        }
      } else if (failed) {
        why = "follows a change that did not verify";
      } else {
        why = await stepFailure(before, beforeID, item, charter, bytes);
      }
      if (why === null && !isGenesis) step.changes = describeChanges(before, charter);
      step = { ...step, ok: why === null, why: why ?? (isGenesis ? "genesis: signed by every key it lists" : `checked under charter ${beforeID.slice(0, 12)}…`) };
      if (why === null && !failed) { before = charter; beforeID = item.id; verified.push({ index: item.since, charter }); }
    } catch (error) {
      step = { ...step, ok: false, why: `malformed: ${error.message}` };
    }
    if (!step.ok) failed ??= step;
    steps.push(step);
  }
  return {
    ok: !failed && before !== null, steps, latest: before, latestID: beforeID, verified,
    why: failed ? `entry ${failed.index}: ${failed.why}` : `${steps.length} charter(s) from genesis, each change checked under the one before it`,
  };
}
"""#
}
