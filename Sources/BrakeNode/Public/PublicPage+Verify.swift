extension PublicPage {
    /// `/page/verify.js`: RFC 9162 inclusion proofs and cosignature/v1 checkpoint signatures, checked with WebCrypto.
    static let verifyScript = #"""
// Verification in the browser, with WebCrypto only: nothing here trusts the node that served the data.
// - RFC 9162 2.1.3.2: an inclusion proof against a checkpoint's root (Specs/log.md 3.1).
// - C2SP tlog-cosignature (cosignature/v1, Ed25519) of the checkpoint, against the charter's node keys;
//   a checkpoint is final once a majority of the charter's nodes cosigned it.
// - That the proven leaf is the entry and the motion the pause names (Specs/log.md 1.2).

const utf8 = new TextEncoder();

/** Standard padded base64 to bytes; throws on anything else. */
export function fromBase64(text) {
  if (typeof text !== "string" || !/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) {
    throw new Error("not base64");
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

export function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function concat(...parts) {
  const total = parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

function equal(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export async function sha256(...parts) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", concat(...parts)));
}

/** RFC 9162 2.1.1: a leaf's hash. */
export function leafHash(leaf) {
  return sha256(Uint8Array.of(0x00), leaf);
}

/**
 * RFC 9162 2.1.3.2, step by step. Sizes are BigInts, so no tree size is cut to 32 bits.
 * Returns null when the proof holds, or why it does not.
 */
export async function inclusionFailure(leafIndex, treeSize, hash, path, root) {
  // Specs/log.md 2: every hash is 32 bytes; any other length is refused before verification.
  if (hash.length !== 32 || root.length !== 32) return "a hash is not 32 bytes";
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize);
  if (fn >= sn) return "the leaf index is not below the tree size";   // step 1
  sn -= 1n;                                                          // step 2
  let r = hash;                                                      // step 3
  for (const p of path) {                                            // step 4
    if (p.length !== 32) return "a path hash is not 32 bytes";
    if (sn === 0n) return "the path is too long";                    // 4a
    if ((fn & 1n) === 1n || fn === sn) {                             // 4b
      r = await sha256(Uint8Array.of(0x01), p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      }
    } else {
      r = await sha256(Uint8Array.of(0x01), r, p);
    }
    fn >>= 1n; sn >>= 1n;                                            // 4c
  }
  if (sn !== 0n) return "the path is too short";                     // step 5
  if (!equal(r, root)) return "the path does not lead to the checkpoint's root";
  return null;
}

/**
 * Checks that `proof` (GET /v1/proof/inclusion) proves entry `index`, carrying motion `motionID`, in
 * the tree of `checkpoint` (its size and root). Returns {ok, why}.
 */
export async function verifyEntryInclusion(proof, checkpoint, index, motionID) {
  try {
    if (BigInt(proof.treeSize) !== BigInt(checkpoint.size)) return { ok: false, why: "the proof is for another tree size" };
    const leaf = fromBase64(proof.leaf);
    // Specs/log.md 1.2: 0x01 || u64be(entryIndex) || i64be(time) || canonical envelope JSON.
    if (leaf.length <= 17 || leaf[0] !== 0x01) return { ok: false, why: "the leaf is not a committed declaration" };
    const entry = new DataView(leaf.buffer, leaf.byteOffset + 1, 8).getBigUint64(0);
    if (entry !== BigInt(index)) return { ok: false, why: `the leaf is entry ${entry}, not ${index}` };
    const envelope = JSON.parse(new TextDecoder().decode(leaf.subarray(17)));
    const payloadID = toHex(await sha256(fromBase64(envelope.payload)));
    if (motionID && payloadID !== motionID) return { ok: false, why: "the leaf's motion is not this one" };
    const why = await inclusionFailure(
      proof.leafIndex, proof.treeSize, await leafHash(leaf), proof.hashes.map(fromBase64), fromBase64(checkpoint.root));
    return why ? { ok: false, why } : { ok: true, why: `entry ${index} is leaf ${proof.leafIndex} of the checkpoint's tree` };
  } catch (error) {
    return { ok: false, why: `malformed proof: ${error.message}` };
  }
}

/** c2sp.org/signed-note key ID of a cosignature/v1 key: SHA-256(name || 0x0A || 0x04 || key)[0:4]. */
export async function cosignatureKeyID(keyName, publicKey) {
  return (await sha256(utf8.encode(keyName), Uint8Array.of(0x0a, 0x04), publicKey)).subarray(0, 4);
}

/**
 * Verifies a checkpoint's signed note (CHECKPOINTS.md): the body names the federation, the size and
 * the root shown; each signature line is checked against the charter's checkpoint key of the node it
 * names. Returns {ok, why, quorum, cosigners: [{node, ok, why, time}]}; ok when at least a majority of
 * the charter's nodes verify.
 */
export async function verifyCheckpoint(checkpoint, charter) {
  const quorum = Math.floor(charter.nodes.length / 2) + 1;
  const result = { ok: false, why: "", quorum, cosigners: [] };
  const note = checkpoint.note;
  if (typeof note !== "string") { result.why = "the node serves no signed note for this checkpoint"; return result; }
  const split = note.indexOf("\n\n");
  if (split < 0) { result.why = "the note has no signatures"; return result; }
  const body = note.slice(0, split + 1);
  const lines = body.split("\n");
  const expected = [charter.federation, String(checkpoint.size), checkpoint.root, ""];
  if (lines.length !== 4 || lines.some((line, i) => line !== expected[i])) {
    result.why = "the note's body is not this federation's checkpoint of this size and root";
    return result;
  }
  const signatures = note.slice(split + 2);
  if (!signatures.endsWith("\n")) { result.why = "the note does not end in a newline"; return result; }
  // Specs/log.md 7.3-7.4: the first line per key name counts; a line whose name or key ID matches no
  // charter node, or of another signature type, is ignored; a charter node's line that does not
  // verify fails the whole note, since an honest cosigner never signs what it did not check.
  const verified = new Set();
  const seen = new Set();
  let forged = null;
  for (const line of signatures.slice(0, -1).split("\n")) {
    const match = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!match) { result.why = "a signature line is malformed"; return result; }
    const [, keyName, encoded] = match;
    if (seen.has(keyName)) continue;
    seen.add(keyName);
    const prefix = `${charter.federation}/`;
    const node = keyName.startsWith(prefix) ? charter.nodes.find((n) => n.id === keyName.slice(prefix.length)) : undefined;
    if (!node || !node.checkpointKey) continue;
    let key, blob;
    try { key = fromBase64(node.checkpointKey); blob = fromBase64(encoded); } catch { continue; }
    if (blob.length !== 76 || !equal(blob.subarray(0, 4), await cosignatureKeyID(keyName, key))) continue;
    const time = new DataView(blob.buffer, blob.byteOffset + 4, 8).getBigUint64(0);
    const message = utf8.encode(`cosignature/v1\ntime ${time}\n${body}`);
    const publicKey = await crypto.subtle.importKey("raw", key, { name: "Ed25519" }, false, ["verify"]);
    const ok = await crypto.subtle.verify({ name: "Ed25519" }, publicKey, blob.subarray(12), message);
    result.cosigners.push({ node: node.id, ok, why: ok ? "signature verified" : "the signature does not verify", time: Number(time) });
    if (ok) verified.add(node.id); else forged ??= node.id;
  }
  if (forged) {
    result.why = `the cosignature of ${forged}, a charter node, does not verify`;
    return result;
  }
  result.ok = verified.size >= quorum;
  result.why = `${verified.size} of ${charter.nodes.length} nodes cosigned; ${quorum} make it final`;
  return result;
}
"""#
}
