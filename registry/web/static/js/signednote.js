// C2SP signed notes (Ed25519) and transparency-log checkpoints, in the browser.
//
// The JavaScript twin of registry/ledger/checkpoint.py, following
// * c2sp.org/signed-note@v1.0.0 ("Format", "Signatures", "Ed25519 signatures", "Verifier keys")
// * c2sp.org/tlog-checkpoint@v1.0.0 ("Note text")
// exactly as the Python module does, which in turn does what golang.org/x/mod/sumdb/note does,
// so the vectors in tests/vectors/c2sp/signed-note-vectors.md hold (run in a browser by
// tests/browser/test_verify_js.py).
// Like the Python module it is strict where the spec leaves room: base64 must be canonical.
//
// Only WebCrypto is used: SHA-256 for key IDs and Ed25519 (`importKey('raw', …, {name:
// 'Ed25519'})`, `verify`) for signatures. Every failure throws VerificationError.

import {
  VerificationError,
  base64ToBytes,
  bytesToHex,
  concatBytes,
  equalBytes,
  HASH_SIZE,
  MAX_TREE_SIZE,
} from "./rfc6962.js";

/** signed-note "Signature types": the identifier byte of plain Ed25519 signatures. */
export const ALG_ED25519 = 0x01;

/** signed-note "Signatures": a key ID is a 32-bit big-endian value. */
export const KEY_ID_SIZE = 4;

/** RFC 8032 §5.1.5: an Ed25519 public key is 32 bytes. */
export const ED25519_PUBLIC_KEY_SIZE = 32;

/** signed-note "Format": each signature line starts with an em dash (U+2014) and a space. */
export const SIGNATURE_LINE_PREFIX = "\u2014 ";

/**
 * signed-note "Format": verifiers SHOULD cap the number of signatures and MUST accept 16.
 * 100 is golang.org/x/mod/sumdb/note's cap (and registry/ledger/checkpoint.py's).
 */
export const MAX_SIGNATURES = 100;

/** tlog-checkpoint "Note text" line 3: an RFC 6962 SHA-256 root hash. */
export const ROOT_HASH_SIZE = HASH_SIZE;

// signed-note "Format": no ASCII control character but newline. Lone surrogates cannot be
// UTF-8, so a string holding one is not a note either.
const FORBIDDEN_IN_NOTE =
  /[\x00-\x09\x0b-\x1f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
// signed-note "Format": key names are non-empty, with no Unicode space (the White_Space
// property, as Go's unicode.IsSpace; JavaScript's \s differs) and no plus (U+002B); control
// characters are refused too.
const FORBIDDEN_IN_NAME =
  /[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000+\x00-\x1f]/;
// signed-note "Conventions": hex is fixed-length lowercase base 16.
const KEY_ID_HEX = /^[0-9a-f]{8}$/;
// tlog-checkpoint "Note text" line 2: ASCII decimal with no leading zeroes.
const TREE_SIZE = /^(?:0|[1-9][0-9]{0,19})$/;

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

function isValidName(name) {
  return name.length > 0 && !FORBIDDEN_IN_NAME.test(name) && !hasForbidden(name);
}

function hasForbidden(text) {
  return FORBIDDEN_IN_NOTE.test(text);
}

/**
 * The 4-byte key ID of an Ed25519 note key, signed-note "Ed25519 signatures":
 * SHA-256(key name || 0x0A || 0x01 || 32-byte public key)[:4].
 */
export async function keyId(name, publicKey) {
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new VerificationError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_SIZE} bytes`);
  }
  const preimage = concatBytes(encoder.encode(name), [0x0a, ALG_ED25519], publicKey);
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", preimage));
  return digest.slice(0, KEY_ID_SIZE);
}

/**
 * Parse a verifier key, signed-note "Verifier keys":
 * `<name>+<8 lowercase hex key ID>+<base64(0x01 || 32-byte Ed25519 public key)>`.
 *
 * Only the first two `+` separate the parts, since base64 may itself contain `+`. The key ID
 * must equal the one computed from the name and key. Returns a frozen
 * `{name, keyId, keyIdHex, publicKey, cryptoKey}`; throws VerificationError.
 */
export async function parseVerifierKey(vkey) {
  if (typeof vkey !== "string") {
    throw new VerificationError("a verifier key is a string");
  }
  const first = vkey.indexOf("+");
  const second = first < 0 ? -1 : vkey.indexOf("+", first + 1);
  if (second < 0) {
    throw new VerificationError("a verifier key has three '+'-separated parts");
  }
  const name = vkey.slice(0, first);
  const idHex = vkey.slice(first + 1, second);
  const keyB64 = vkey.slice(second + 1);
  if (!isValidName(name)) {
    throw new VerificationError(`invalid key name ${JSON.stringify(name)} in verifier key`);
  }
  if (!KEY_ID_HEX.test(idHex)) {
    throw new VerificationError("the key ID in a verifier key is not 8 lowercase hex digits");
  }
  const blob = base64ToBytes(keyB64, "verifier key");
  if (blob.length === 0) {
    throw new VerificationError("verifier key has no key material");
  }
  if (blob[0] !== ALG_ED25519) {
    const type = blob[0].toString(16).padStart(2, "0");
    throw new VerificationError(`unknown signature type 0x${type} in verifier key`);
  }
  const publicKey = blob.slice(1);
  if (publicKey.length !== ED25519_PUBLIC_KEY_SIZE) {
    throw new VerificationError(`an Ed25519 public key is ${ED25519_PUBLIC_KEY_SIZE} bytes`);
  }
  const computedId = await keyId(name, publicKey);
  if (bytesToHex(computedId) !== idHex) {
    throw new VerificationError("verifier key ID does not match its name and key");
  }
  let cryptoKey;
  try {
    cryptoKey = await crypto.subtle.importKey("raw", publicKey, { name: "Ed25519" }, false, [
      "verify",
    ]);
  } catch (error) {
    if (error?.name === "NotSupportedError") {
      throw new VerificationError("this browser cannot verify Ed25519 signatures (WebCrypto)");
    }
    throw new VerificationError("verifier key is not a valid Ed25519 public key");
  }
  return Object.freeze({ name, keyId: computedId, keyIdHex: idHex, publicKey, cryptoKey });
}

/** Split a note into its text and signature lines, signed-note "Format". */
function splitNote(note) {
  let text = note;
  if (note instanceof Uint8Array || note instanceof ArrayBuffer) {
    try {
      text = strictDecoder.decode(note);
    } catch {
      throw new VerificationError("malformed note: not valid UTF-8");
    }
  } else if (typeof note !== "string") {
    throw new VerificationError("malformed note: a note is a string or bytes");
  }
  if (hasForbidden(text)) {
    throw new VerificationError("malformed note: control character or invalid UTF-8");
  }
  // The text (final newline included) is everything before the LAST blank line.
  const split = text.lastIndexOf("\n\n");
  if (split < 0) {
    throw new VerificationError("malformed note: no signature block");
  }
  const block = text.slice(split + 2);
  if (!block.endsWith("\n")) {
    throw new VerificationError("malformed note: the signature block must end with a newline");
  }
  const lines = block.slice(0, -1).split("\n");
  if (lines.length > MAX_SIGNATURES) {
    throw new VerificationError(`malformed note: more than ${MAX_SIGNATURES} signatures`);
  }
  return { text: text.slice(0, split + 1), lines };
}

/** `— <name> <base64(key ID || signature)>` → {name, keyIdHex, signature}. */
function parseSignatureLine(line) {
  if (!line.startsWith(SIGNATURE_LINE_PREFIX)) {
    throw new VerificationError("malformed note: a line in the signature block is no signature");
  }
  const rest = line.slice(SIGNATURE_LINE_PREFIX.length);
  const space = rest.indexOf(" ");
  const name = space < 0 ? rest : rest.slice(0, space);
  const blobB64 = space < 0 ? "" : rest.slice(space + 1);
  if (!isValidName(name) || !blobB64) {
    throw new VerificationError("malformed note: bad signature line");
  }
  let blob;
  try {
    blob = base64ToBytes(blobB64, "signature");
  } catch (error) {
    throw new VerificationError(`malformed note: ${error.message}`);
  }
  // A key ID followed by a non-empty signature.
  if (blob.length <= KEY_ID_SIZE) {
    throw new VerificationError("malformed note: signature too short");
  }
  return {
    name,
    keyIdHex: bytesToHex(blob.slice(0, KEY_ID_SIZE)),
    signature: blob.slice(KEY_ID_SIZE),
  };
}

/**
 * Check a signed note against trusted keys (from parseVerifierKey); return
 * `{text, signers}`: the signed text (its final newline included) and the keys whose
 * signatures verified, in signature order. signed-note "Signatures":
 *
 * - a signature is matched to a key by name AND key ID; signatures from unknown keys are
 *   ignored (MUST), even when they share the name or the ID (but not both) with a known key;
 * - a known key's signature is verified (MUST); if it fails, the whole note is rejected
 *   (the SHOULD is taken); later signatures by an already-verified key are skipped;
 * - a note with no verified signature from a known key is rejected (MUST).
 *
 * `note` may be the bytes as received (Uint8Array or ArrayBuffer), so that invalid UTF-8 is
 * reported as a malformed note. Throws VerificationError.
 */
export async function openNote(note, verifiers) {
  const { text, lines } = splitNote(note);
  const signatures = lines.map(parseSignatureLine);
  const known = new Map();
  for (const verifier of verifiers) {
    const id = `${verifier.name}+${verifier.keyIdHex}`;
    const same = known.get(id) ?? [];
    if (!same.some((other) => equalBytes(other.publicKey, verifier.publicKey))) {
      same.push(verifier);
    }
    known.set(id, same);
  }
  const message = encoder.encode(text);
  const seen = new Set();
  const signers = [];
  for (const { name, keyIdHex, signature } of signatures) {
    const id = `${name}+${keyIdHex}`;
    const candidates = known.get(id);
    if (!candidates || seen.has(id)) continue;
    if (candidates.length > 1) {
      throw new VerificationError(`ambiguous trusted keys for ${id}`);
    }
    seen.add(id);
    const [verifier] = candidates;
    const valid = await crypto.subtle.verify(
      { name: "Ed25519" },
      verifier.cryptoKey,
      signature,
      message,
    );
    if (!valid) {
      throw new VerificationError(`invalid signature for key ${id}`);
    }
    signers.push(verifier);
  }
  if (signers.length === 0) {
    const trusted = [...known.keys()].join(", ");
    throw new VerificationError(
      `note has no verifiable signatures${trusted ? ` by ${trusted}` : ""}`,
    );
  }
  return { text, signers };
}

/**
 * Parse a checkpoint note text strictly, tlog-checkpoint "Note text": at least three lines,
 * each ending in a newline: a non-empty origin, the tree size in ASCII decimal without leading
 * zeroes (at most 2^64 - 1), the canonical base64 of the 32-byte root hash; further lines are
 * non-empty extension lines. Returns a frozen `{origin, size (BigInt), rootHash, extensions}`.
 */
export function parseCheckpointBody(text) {
  if (typeof text !== "string" || !text.endsWith("\n")) {
    throw new VerificationError("checkpoint text must end with a newline");
  }
  if (hasForbidden(text)) {
    throw new VerificationError("checkpoint text contains a control character");
  }
  const lines = text.slice(0, -1).split("\n");
  if (lines.length < 3) {
    throw new VerificationError("checkpoint needs origin, tree size and root hash lines");
  }
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!origin) {
    throw new VerificationError("checkpoint origin is empty");
  }
  if (!TREE_SIZE.test(sizeText)) {
    throw new VerificationError("checkpoint tree size is not a decimal without leading zeroes");
  }
  const size = BigInt(sizeText);
  if (size > MAX_TREE_SIZE) {
    throw new VerificationError("checkpoint tree size does not fit in 64 bits");
  }
  const rootHash = base64ToBytes(rootText, "checkpoint root hash");
  if (rootHash.length !== ROOT_HASH_SIZE) {
    throw new VerificationError(`checkpoint root hash is not ${ROOT_HASH_SIZE} bytes`);
  }
  if (!extensions.every((line) => line.length > 0)) {
    throw new VerificationError("checkpoint extension lines must be non-empty");
  }
  return Object.freeze({ origin, size, rootHash, extensions: Object.freeze(extensions) });
}

/**
 * Verify a checkpoint note with the log's key and return the checkpoint it signs. The note
 * must carry a valid signature by `verifier` (others, such as witness cosignatures, are
 * ignored), its origin must equal the key name (tlog-checkpoint "Signatures": the key name
 * SHOULD match the origin; required here, as in registry/ledger/checkpoint.py, so one log's key
 * cannot vouch for another log's tree), and its text must parse strictly.
 */
export async function verifyCheckpoint(note, verifier) {
  const { text } = await openNote(note, [verifier]);
  const checkpoint = parseCheckpointBody(text);
  if (checkpoint.origin !== verifier.name) {
    throw new VerificationError(
      `checkpoint origin ${JSON.stringify(checkpoint.origin)} does not match key name ` +
        JSON.stringify(verifier.name),
    );
  }
  return checkpoint;
}
