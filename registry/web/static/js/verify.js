// Verify a record's ledger entries (an award's, a competition's, a conclusion's) in the
// visitor's own browser (progressive enhancement).
// Without this module (or without WebCrypto) the page is unchanged and the button stays
// hidden. With it, a click checks each listed ledger entry against the log's signed checkpoint,
// using only the pinned key and WebCrypto, trusting neither the page's figures nor the server:
//
//   1. key        parse the pinned verifier key (C2SP signed-note "Verifier keys") and show its
//                 key ID, so the visitor can compare it with the key published elsewhere;
//   2. checkpoint GET {api}/ledger/checkpoint (text); verify its Ed25519 signature with the
//                 pinned key (C2SP signed-note) and parse it (C2SP tlog-checkpoint): size N, root;
//   3. per seq S  if S >= N the entry is newer than the checkpoint: "pending", not a failure.
//      leaf       GET {api}/ledger/leaves?start=S&end=S+1 (application/jsonl); the leaf is the
//                 exact bytes of the line without its newline (never re-encoded text); it must
//                 parse as JSON with "seq" == S and "subject" == data-subject; hash it
//                 (RFC 6962 §2.1);
//      proof      GET {api}/ledger/proofs/inclusion?index=S&tree_size=N; the server's
//                 "leaf_hash" is ignored: the audit path must lead from OUR leaf hash to the
//                 signed root (RFC 9162 §2.1.3.2).
//
// The contract with the record pages (templates/_verify.html renders exactly this):
//
//   <section class="verify" data-verify
//            data-api="/api/v1"                       API root, no trailing slash needed
//            data-key="<verifier key text>"           GET /api/v1/ledger/key, trimmed
//            data-subject="AWD-2026-000159"           the "subject" every leaf must carry
//            data-seqs="41 57 102"                    ledger seqs, separated by white space
//            data-msg-…="…">                          translated messages (below), optional
//     <button type="button" hidden>Verify</button>    shown by this module; label from the page
//     <ol class="verify-steps" aria-live="polite"></ol>
//   </section>
//
// Messages: each data-msg-<id> attribute overrides the English default in MESSAGES below
// (same ids); placeholders are {name} in braces and are filled with plain text. {reason} is
// the technical cause in English (e.g. "inclusion proof for leaf 41 of 120 does not lead to
// the signed root" or "HTTP 503 from /api/v1/ledger/checkpoint").
//
//   data-msg-running          —                     while verifying
//   data-msg-key              {name} {keyid}        step 1 passed
//   data-msg-key-fail         {reason}              step 1 failed
//   data-msg-checkpoint       {size} {root}         step 2 passed ({root} in hex)
//   data-msg-checkpoint-fail  {reason}              step 2 failed
//   data-msg-leaf             {seq} {subject} {hash}  leaf S fetched, parsed and hashed
//   data-msg-leaf-fail        {seq} {reason}        leaf S failed
//   data-msg-proof            {seq} {size}          leaf S is in the signed tree
//   data-msg-proof-fail       {seq} {reason}        the inclusion proof of S failed
//   data-msg-pending          {seq} {size}          S >= N: not yet in a signed checkpoint
//   data-msg-ok               {count}               result: every entry verified
//   data-msg-incomplete       {verified} {pending} {count}  result: no failure, some pending
//   data-msg-fail             —                     result: a step failed (it names itself)
//
// Output: one <li class="verify-step verify-step-{ok|fail|pending}"> per step in the list,
// each starting with a <span class="verify-mark"> ✓, ✗ or … (the text says it too, so
// colour is never the only signal); then <p class="verify-result" role="status"> after the list,
// and the class verify-ok, verify-failed or verify-pending on the section. The first failure
// ends the run. The button stays available, so "try again" is one more click.
//
// Strict CSP friendly: no inline script or style, no innerHTML: server data only ever goes
// into textContent. Modules import each other by relative path, so versioned URLs work.

import { bytesToHex, hexToBytes, leafHash, toUint64, verifyInclusion } from "./rfc6962.js";
import { parseVerifierKey, verifyCheckpoint } from "./signednote.js";

/** English defaults; the page overrides each with data-msg-<id>. */
export const MESSAGES = Object.freeze({
  running: "Verifying in your browser…",
  key: "Pinned log key {name}, key ID {keyid}",
  "key-fail": "The pinned log key cannot be used: {reason}",
  checkpoint: "Signed checkpoint verified: {size} entries, root hash {root}",
  "checkpoint-fail": "The log's signed checkpoint did not verify: {reason}",
  leaf: "Entry {seq} is a record about {subject}; leaf hash {hash}",
  "leaf-fail": "Entry {seq} did not verify: {reason}",
  proof: "Entry {seq} is included in the signed ledger of {size} entries",
  "proof-fail": "The inclusion proof of entry {seq} did not verify: {reason}",
  pending:
    "Entry {seq} is newer than the latest signed checkpoint ({size} entries): " +
    "not yet in a signed checkpoint, try again in a few seconds",
  ok: "Verified in your browser: all {count} entries are in the log's signed ledger",
  incomplete:
    "{verified} of {count} entries verified; {pending} not yet in a signed checkpoint, " +
    "try again in a few seconds",
  fail: "Verification failed: the step marked ✗ says why. Do not rely on this record.",
});

const MARKS = Object.freeze({ ok: "✓", fail: "✗", pending: "…" });
const RESULT_CLASSES = Object.freeze({
  ok: "verify-ok",
  fail: "verify-failed",
  pending: "verify-pending",
});
const NEWLINE = 0x0a;
const SEQ = /^(?:0|[1-9][0-9]*)$/;
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Fill {placeholders} in a message; unknown ones are left as they are. */
export function format(template, values) {
  return template.replace(/\{(\w+)\}/g, (whole, key) =>
    Object.hasOwn(values, key) ? String(values[key]) : whole,
  );
}

function message(section, id, values = {}) {
  return format(section.getAttribute(`data-msg-${id}`) || MESSAGES[id], values);
}

/** One verification failure, remembering which step and seq it belongs to. */
class StepFailure extends Error {
  constructor(step, seq, cause) {
    super(cause?.message ?? String(cause));
    this.step = step;
    this.seq = seq;
  }
}

async function step(name, seq, work) {
  try {
    return await work();
  } catch (error) {
    throw new StepFailure(name, seq, error);
  }
}

async function fetchOk(url, accept) {
  const path = new URL(url).pathname;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: accept }, cache: "no-store" });
  } catch (error) {
    throw new Error(`cannot reach ${path} (${error.message})`);
  }
  if (!response.ok) {
    throw new Error(`HTTP ${response.status} from ${path}`);
  }
  return response;
}

async function fetchBytes(url, accept) {
  return new Uint8Array(await (await fetchOk(url, accept)).arrayBuffer());
}

/**
 * The one leaf in the JSON Lines body of leaves?start=S&end=S+1: the bytes before the only
 * 0x0A byte, never decoded and re-encoded (the leaf hash is over the stored bytes).
 */
function onlyLeaf(body, seq) {
  const newline = body.indexOf(NEWLINE);
  if (newline < 0) {
    throw new Error(`the server sent no complete leaf for entry ${seq}`);
  }
  if (newline !== body.length - 1) {
    throw new Error(`the server sent more than one line for entry ${seq}`);
  }
  return body.subarray(0, newline);
}

/** A JSON number equal to a BigInt (JSON.parse is exact up to 2^53 - 1). */
function sameNumber(value, expected) {
  return Number.isSafeInteger(value) && BigInt(value) === expected;
}

function checkLeafFields(leaf, seq, subject) {
  let entry;
  try {
    entry = JSON.parse(strictDecoder.decode(leaf));
  } catch {
    throw new Error(`leaf ${seq} is not UTF-8 JSON`);
  }
  if (entry === null || typeof entry !== "object" || Array.isArray(entry)) {
    throw new Error(`leaf ${seq} is not a JSON object`);
  }
  if (!sameNumber(entry.seq, seq)) {
    throw new Error(`the leaf served for entry ${seq} has seq ${JSON.stringify(entry.seq)}`);
  }
  if (entry.subject !== subject) {
    throw new Error(
      `leaf ${seq} is about ${JSON.stringify(entry.subject)}, not ${JSON.stringify(subject)}`,
    );
  }
}

/** The audit path of an inclusion proof response; its "leaf_hash" is deliberately unused. */
function auditPath(proof, seq, size) {
  if (proof === null || typeof proof !== "object" || !Array.isArray(proof.audit_path)) {
    throw new Error(`the inclusion proof of entry ${seq} has no audit_path`);
  }
  if (!sameNumber(proof.index, seq) || !sameNumber(proof.tree_size, size)) {
    throw new Error(`the server sent a proof for another index or tree size`);
  }
  return proof.audit_path.map((node, position) => hexToBytes(node, `audit_path[${position}]`));
}

/**
 * Run every step for one section, reporting each passed or pending step through
 * `report(state, messageId, values)`. Returns `{state: "ok" | "pending", values}` for the
 * result line; throws a StepFailure naming the failed step and seq.
 */
export async function verifyEntries({ api, key, subject, seqs }, report) {
  const base = new URL(`${api.replace(/\/+$/, "")}/`, document.baseURI);
  const endpoint = (path) => new URL(path, base).href;

  const verifier = await step("key", "", () => parseVerifierKey(key.trim()));
  report("ok", "key", { name: verifier.name, keyid: verifier.keyIdHex });

  const checkpoint = await step("checkpoint", "", async () =>
    verifyCheckpoint(await fetchBytes(endpoint("ledger/checkpoint"), "text/plain"), verifier),
  );
  const size = checkpoint.size;
  report("ok", "checkpoint", { size, root: bytesToHex(checkpoint.rootHash) });

  const tokens = seqs.split(/\s+/).filter(Boolean);
  if (tokens.length === 0) {
    throw new StepFailure("leaf", "—", new Error("the page lists no ledger entries to verify"));
  }
  let pending = 0;
  for (const token of tokens) {
    const seq = await step("leaf", token, async () => {
      if (!SEQ.test(token)) throw new Error(`${JSON.stringify(token)} is not a ledger seq`);
      return toUint64(BigInt(token), "seq");
    });
    if (seq >= size) {
      report("pending", "pending", { seq, size });
      pending += 1;
      continue;
    }
    const hash = await step("leaf", seq, async () => {
      const url = endpoint(`ledger/leaves?start=${seq}&end=${seq + 1n}`);
      const leaf = onlyLeaf(await fetchBytes(url, "application/jsonl"), seq);
      checkLeafFields(leaf, seq, subject);
      return leafHash(leaf);
    });
    report("ok", "leaf", { seq, subject, hash: bytesToHex(hash) });

    await step("proof", seq, async () => {
      const url = endpoint(`ledger/proofs/inclusion?index=${seq}&tree_size=${size}`);
      const body = await fetchBytes(url, "application/json");
      let proof;
      try {
        proof = JSON.parse(strictDecoder.decode(body));
      } catch {
        throw new Error(`the inclusion proof of entry ${seq} is not UTF-8 JSON`);
      }
      const path = auditPath(proof, seq, size);
      await verifyInclusion({
        index: seq,
        treeSize: size,
        leafHash: hash,
        proof: path,
        root: checkpoint.rootHash,
      });
    });
    report("ok", "proof", { seq, size });
  }
  return {
    state: pending ? "pending" : "ok",
    values: { count: tokens.length, verified: tokens.length - pending, pending },
  };
}

function marked(state, text) {
  const mark = document.createElement("span");
  mark.className = "verify-mark";
  mark.textContent = MARKS[state];
  return [mark, " ", text];
}

async function run(section, button, list) {
  button.disabled = true;
  section.setAttribute("aria-busy", "true");
  section.classList.remove(...Object.values(RESULT_CLASSES));
  list.replaceChildren();
  section.querySelector(":scope > .verify-result")?.remove();
  const result = document.createElement("p");
  result.className = "verify-result";
  result.setAttribute("role", "status");
  result.textContent = message(section, "running");
  list.after(result);

  const report = (state, id, values) => {
    const item = document.createElement("li");
    item.className = `verify-step verify-step-${state}`;
    item.append(...marked(state, message(section, id, values)));
    list.append(item);
  };
  let state;
  let summary;
  try {
    const outcome = await verifyEntries(
      {
        api: section.dataset.api ?? "/api/v1",
        key: section.dataset.key ?? "",
        subject: section.dataset.subject ?? "",
        seqs: section.dataset.seqs ?? "",
      },
      report,
    );
    state = outcome.state;
    summary = message(section, state === "ok" ? "ok" : "incomplete", outcome.values);
  } catch (error) {
    // Every step wraps its errors; anything else is a bug in this module, shown as such.
    const failure = error instanceof StepFailure ? error : new StepFailure("key", "", error);
    report("fail", `${failure.step}-fail`, { seq: failure.seq, reason: failure.message });
    state = "fail";
    summary = message(section, "fail");
  } finally {
    section.removeAttribute("aria-busy");
    button.disabled = false;
  }
  result.replaceChildren(...marked(state, summary));
  section.classList.add(RESULT_CLASSES[state]);
}

function enhance(section) {
  const button = section.querySelector("button");
  const list = section.querySelector(".verify-steps");
  // No WebCrypto (an insecure context, an old browser): leave the page as it is.
  if (!button || !list || !globalThis.isSecureContext || !globalThis.crypto?.subtle) return;
  button.addEventListener("click", () => run(section, button, list));
  button.hidden = false;
}

document.querySelectorAll("[data-verify]").forEach(enhance);
