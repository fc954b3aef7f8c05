// RFC 6962 / RFC 9162 Merkle tree hashing and proof verification, in the browser.
//
// The JavaScript twin of registry/ledger/merkle.py, checked against the same published
// vectors (tests/vectors/rfc6962, transparency-dev/merkle) by tests/browser/test_verify_js.py.
// Only WebCrypto's SHA-256 is used: no libraries, no build step.
//
// Numbers. Tree sizes and leaf indices are unsigned 64-bit values (RFC 9162 §2.1), and the
// proof algorithms shift them right bit by bit. JavaScript's bitwise operators work on 32 bits
// and its numbers are exact only up to 2^53, so every size and index is converted to a BigInt
// first. Callers may pass a BigInt (0 .. 2^64 - 1) or a number that is a safe integer
// (0 .. 2^53 - 1, Number.isSafeInteger); anything else is a VerificationError, never a
// silently rounded value.
//
// Every failure, malformed input included, throws the single VerificationError class, so a
// caller that catches it cannot miss a failure.

/** RFC 9162 §2.1: SHA-256 hashes are 32 bytes. */
export const HASH_SIZE = 32;

/** RFC 6962 §2.1: the domain-separation prefix of a leaf hash. */
export const LEAF_PREFIX = 0x00;

/** RFC 6962 §2.1: the domain-separation prefix of an interior node hash. */
export const NODE_PREFIX = 0x01;

/** The largest tree size: RFC 9162 §2.1 sizes are uint64. */
export const MAX_TREE_SIZE = (1n << 64n) - 1n;

/** The one exception every verification failure throws. */
export class VerificationError extends Error {
  constructor(message) {
    super(message);
    this.name = "VerificationError";
  }
}

// --- Bytes, hex and base64 -----------------------------------------------------------------

/** Concatenate byte arrays (Uint8Array or plain arrays of byte values). */
export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((total, part) => total + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/** Byte-for-byte equality, lengths included. */
export function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Lowercase hex, as the ledger API and `bytes.hex()` write it. */
export function bytesToHex(bytes) {
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

const HEX = /^(?:[0-9a-f]{2})*$/;

/** Decode lowercase hex (the ledger API's form); anything else is a VerificationError. */
export function hexToBytes(text, what = "hex value") {
  if (typeof text !== "string" || !HEX.test(text)) {
    throw new VerificationError(`${what} is not lowercase hex`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) {
    out[i] = parseInt(text.slice(2 * i, 2 * i + 2), 16);
  }
  return out;
}

/** Standard padded base64, RFC 4648 §4. */
export function bytesToBase64(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// RFC 4648 §4 with padding; atob alone would also accept whitespace and missing padding.
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/**
 * Decode standard padded base64 (RFC 4648 §4), accepting only the canonical spelling: RFC 4648
 * §3.5 lets decoders reject non-zero pad bits, so every key, signature and root hash has
 * exactly one accepted form (as in registry/ledger/checkpoint.py).
 */
export function base64ToBytes(text, what = "base64 value") {
  if (typeof text !== "string" || !BASE64.test(text)) {
    throw new VerificationError(`${what} is not valid base64`);
  }
  const binary = atob(text);
  const out = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  if (bytesToBase64(out) !== text) {
    throw new VerificationError(`${what} is not canonical base64`);
  }
  return out;
}

// --- Sizes and indices -----------------------------------------------------------------------

/** A tree size or leaf index as a BigInt in 0 .. 2^64 - 1 (see "Numbers" above). */
export function toUint64(value, what) {
  let big;
  if (typeof value === "bigint") {
    big = value;
  } else if (typeof value === "number" && Number.isSafeInteger(value)) {
    big = BigInt(value);
  } else {
    throw new VerificationError(`${what} must be a BigInt or a safe integer, got ${value}`);
  }
  if (big < 0n || big > MAX_TREE_SIZE) {
    throw new VerificationError(`${what} must be in 0..2^64-1, got ${big}`);
  }
  return big;
}

function bitLength(value) {
  return value === 0n ? 0 : value.toString(2).length;
}

function popCount(value) {
  let count = 0;
  for (const digit of value.toString(2)) count += digit === "1" ? 1 : 0;
  return count;
}

function trailingZeros(value) {
  const binary = value.toString(2);
  return binary.length - 1 - binary.lastIndexOf("1");
}

function isPowerOfTwo(value) {
  return value > 0n && (value & (value - 1n)) === 0n;
}

// --- Hashing, RFC 6962 §2.1 ---------------------------------------------------------------

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

/** RFC 6962 §2.1: MTH({d(0)}) = SHA-256(0x00 || d(0)). `leaf` is the exact leaf bytes. */
export async function leafHash(leaf) {
  return sha256(concatBytes([LEAF_PREFIX], leaf));
}

/** RFC 6962 §2.1: an interior node is SHA-256(0x01 || left || right). */
export async function nodeHash(left, right) {
  return sha256(concatBytes([NODE_PREFIX], left, right));
}

function checkHash(what, value) {
  if (!(value instanceof Uint8Array) || value.length !== HASH_SIZE) {
    throw new VerificationError(`${what} must be ${HASH_SIZE} bytes`);
  }
}

function checkProof(proof) {
  if (!Array.isArray(proof)) {
    throw new VerificationError("a proof must be an array of hashes");
  }
  proof.forEach((item, position) => checkHash(`proof[${position}]`, item));
}

// --- Inclusion, RFC 9162 §2.1.3.2 ---------------------------------------------------------

/**
 * The number of hashes in the audit path of leaf `index` in a tree of `size` leaves: one per
 * level below the point where the paths to `index` and to the last leaf part, plus one per
 * left sibling above it (transparency-dev/merkle proof/verify.go, decompInclProof).
 */
function inclusionProofLength(index, size) {
  const inner = bitLength(index ^ (size - 1n));
  return inner + popCount(index >> BigInt(inner));
}

/**
 * The root that `proof` places `leafHash` under: RFC 9162 §2.1.3.2 steps 1-4.
 * Throws VerificationError for an index outside the tree, a hash that is not 32 bytes or a
 * proof of the wrong length.
 */
export async function rootFromInclusionProof({ index, treeSize, leafHash: hash, proof }) {
  const fn0 = toUint64(index, "index");
  const size = toUint64(treeSize, "tree size");
  if (fn0 >= size) {
    throw new VerificationError(`need index < tree size, got index ${fn0}, tree size ${size}`);
  }
  checkHash("leaf hash", hash);
  checkProof(proof);
  const expected = inclusionProofLength(fn0, size);
  if (proof.length !== expected) {
    throw new VerificationError(
      `inclusion proof for leaf ${fn0} of ${size} needs ${expected} hashes, got ${proof.length}`,
    );
  }
  // Step 2: fn is the leaf's index, sn the last leaf's, r the hash so far.
  let fn = fn0;
  let sn = size - 1n;
  let r = hash;
  // Step 3: walk up, combining with each sibling on the side the index says.
  for (const p of proof) {
    if (sn === 0n) {
      throw new VerificationError("inclusion proof is longer than the path to the root");
    }
    if ((fn & 1n) === 1n || fn === sn) {
      r = await nodeHash(p, r);
      // A right edge: skip the levels where this node has no sibling.
      while (fn !== 0n && (fn & 1n) === 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 4: the path must end exactly at the root.
  if (sn !== 0n) {
    throw new VerificationError("inclusion proof is shorter than the path to the root");
  }
  return r;
}

/**
 * Check that leaf `index` of a `treeSize`-leaf tree whose root is `root` has hash `leafHash`:
 * RFC 9162 §2.1.3.2. Returns nothing; throws VerificationError on any failure. The proof binds
 * the index and the root, not the size, so the size must come from the same signed checkpoint
 * as the root.
 */
export async function verifyInclusion({ index, treeSize, leafHash: hash, proof, root }) {
  checkHash("root", root);
  const computed = await rootFromInclusionProof({ index, treeSize, leafHash: hash, proof });
  if (!equalBytes(computed, root)) {
    throw new VerificationError(
      `inclusion proof for leaf ${index} of ${treeSize} does not lead to the signed root`,
    );
  }
}

// --- Consistency, RFC 9162 §2.1.4.2 -------------------------------------------------------

/** The length of the consistency proof from `first` to `second` leaves, 0 < first < second. */
function consistencyProofLength(first, second) {
  const fork = bitLength((first - 1n) ^ (second - 1n));
  const border = popCount((first - 1n) >> BigInt(fork));
  const inner = fork - trailingZeros(first);
  // A perfect first tree is its own subtree; the proof leaves it out (step 2).
  return (isPowerOfTwo(first) ? 0 : 1) + inner + border;
}

/**
 * Check that the `first`-leaf tree with `firstRoot` is a prefix of the `second`-leaf tree with
 * `secondRoot`: RFC 9162 §2.1.4.2. Throws VerificationError on any failure.
 *
 * As in registry/ledger/merkle.py: `first` = 0 is rejected (the empty tree is a prefix of every
 * tree; a protocol that allows it handles it before calling here), and, unlike the Go
 * reference verifier, both roots must be 32 bytes even when first == second, so a malformed
 * root never verifies on any path.
 */
export async function verifyConsistency({ first, second, firstRoot, secondRoot, proof }) {
  const m = toUint64(first, "first tree size");
  const n = toUint64(second, "second tree size");
  checkHash("first root", firstRoot);
  checkHash("second root", secondRoot);
  checkProof(proof);
  if (m === 0n) {
    throw new VerificationError("first tree size must be > 0, got 0");
  }
  if (m > n) {
    throw new VerificationError(`first tree size ${m} is larger than second ${n}`);
  }
  if (m === n) {
    if (proof.length !== 0) {
      throw new VerificationError("a consistency proof between equal sizes must be empty");
    }
    if (!equalBytes(firstRoot, secondRoot)) {
      throw new VerificationError(`two different roots for tree size ${m}`);
    }
    return;
  }
  const expected = consistencyProofLength(m, n);
  if (proof.length !== expected) {
    throw new VerificationError(
      `consistency proof from ${m} to ${n} needs ${expected} hashes, got ${proof.length}`,
    );
  }
  // Step 2: a perfect first tree is the first entry of the path.
  const path = isPowerOfTwo(m) ? [firstRoot, ...proof] : proof;
  // Steps 3-4: skip the levels where the first tree's last leaf is a right child inside a
  // subtree complete in both trees.
  let fn = m - 1n;
  let sn = n - 1n;
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Steps 5-6: rebuild both roots at once; left siblings belong to both trees, right siblings
  // only to the second.
  let fr = path[0];
  let sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0n) {
      throw new VerificationError("consistency proof is longer than the path to the root");
    }
    if ((fn & 1n) === 1n || fn === sn) {
      fr = await nodeHash(c, fr);
      sr = await nodeHash(c, sr);
      while (fn !== 0n && (fn & 1n) === 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = await nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) {
    throw new VerificationError("consistency proof is shorter than the path to the root");
  }
  if (!equalBytes(fr, firstRoot)) {
    throw new VerificationError(`consistency proof does not match the root of size ${m}`);
  }
  if (!equalBytes(sr, secondRoot)) {
    throw new VerificationError(`consistency proof does not match the root of size ${n}`);
  }
}
