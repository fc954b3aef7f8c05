// Fill in a document's SHA-256 (and its size in bytes) on a desk form from a file chosen on
// this computer (progressive enhancement). The file is read here and never sent: the picker
// has no name, so the form does not carry it (and the form is not multipart anyway).
//
// Without this module, or without Web Crypto (crypto.subtle exists only in a secure context:
// HTTPS, or localhost), the picker stays hidden and the boxes are typed by hand as before.
//
// The contract with templates/desk/form.html (its file_digest macro renders exactly this):
//
//   <div class="file-digest" data-file-digest hidden
//         data-sha256="f-document_sha256"       the id of the SHA-256 box it fills in
//         data-size="f-attachments-0-size"      the id of the size box, where the form has one
//         data-max-bytes="209715200"            a larger file is refused, not read
//         data-msg-…="…">                       translated messages (below)
//     <label for="…">Compute from a file</label> <input type="file" id="…">
//     <span class="hint">…the file is not uploaded…</span>
//     <span class="file-digest-status" role="status"></span>
//   </div>
//
// Messages, {name} and the rest in braces filled with plain text (textContent, never HTML):
//
//   data-msg-reading    {name}          while the file is read and hashed
//   data-msg-done       {name} {size}   the boxes are filled in
//   data-msg-too-large  {name}          larger than data-max-bytes: nothing is read
//   data-msg-failed     {name} {reason} the browser could not read it ({reason} in English)
//
// Web Crypto hashes a whole buffer, not a stream, so the file is read into memory at once:
// hence the limit, rather than freeze (or crash) the tab on a file of gigabytes.

import { bytesToHex } from "./rfc6962.js";

const MESSAGES = {
  reading: "Computing the SHA-256 of {name}…",
  done: "Filled in from {name} ({size} bytes).",
  "too-large": "{name} is too large to read in the browser: compute its SHA-256 with a program.",
  failed: "{name} could not be read: {reason}",
};

function say(picker, id, values) {
  const template = picker.dataset[`msg${id.replace(/(^|-)(\w)/g, (_, __, c) => c.toUpperCase())}`];
  return (template || MESSAGES[id]).replace(/\{(\w+)\}/g, (whole, key) =>
    key in values ? String(values[key]) : whole,
  );
}

export async function sha256Hex(file) {
  const digest = await crypto.subtle.digest("SHA-256", await file.arrayBuffer());
  return bytesToHex(new Uint8Array(digest));
}

function enhance(picker) {
  const shaBox = document.getElementById(picker.dataset.sha256);
  const sizeBox = picker.dataset.size ? document.getElementById(picker.dataset.size) : null;
  const input = picker.querySelector('input[type="file"]');
  const status = picker.querySelector(".file-digest-status");
  if (!shaBox || !input || !status) return;
  const numbers = new Intl.NumberFormat(document.documentElement.lang || undefined);
  let latest = 0; // a file chosen while another is still read wins

  input.addEventListener("change", async () => {
    const file = input.files && input.files[0];
    const turn = ++latest;
    if (!file) {
      status.textContent = "";
      return;
    }
    if (file.size > (Number(picker.dataset.maxBytes) || Infinity)) {
      status.textContent = say(picker, "too-large", { name: file.name });
      return;
    }
    status.textContent = say(picker, "reading", { name: file.name });
    try {
      const hex = await sha256Hex(file);
      if (turn !== latest) return;
      shaBox.value = hex;
      if (sizeBox) sizeBox.value = String(file.size);
      status.textContent = say(picker, "done", { name: file.name, size: numbers.format(file.size) });
    } catch (error) {
      if (turn !== latest) return;
      status.textContent = say(picker, "failed", { name: file.name, reason: String(error) });
    }
  });
  picker.hidden = false;
}

if (globalThis.crypto && globalThis.crypto.subtle) {
  for (const picker of document.querySelectorAll("[data-file-digest]")) enhance(picker);
}
