// sohoa review: the page of `sohoa review OUTDIR`. No framework, no build step: it uses the JSON
// API documented in the README (the token travels in the cookie the server set on this page).
"use strict";

const $ = (sel) => document.querySelector(sel);
const state = { doc: null, byId: new Map(), selected: null, order: [], syncing: false };

function setStatus(text, error) {
  const el = $("#status");
  el.textContent = text || "";
  el.classList.toggle("error", !!error);
}

async function api(path, body) {
  const options = body === undefined ? {} :
    { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(path, options);
  const data = await res.json().catch(() => ({ error: res.statusText }));
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

const pct = (x) => (x === null || x === undefined) ? "" : (100 * x).toFixed(1) + " %";

// ------------------------------------------------------------------ the list of documents
async function showList() {
  state.doc = null;
  $("#doc-view").hidden = true;
  $("#list-view").hidden = false;
  $("#mark").hidden = true;
  $("#docname").textContent = "";
  $("#progress").textContent = "";
  document.title = "sohoa review";
  const { documents } = await api("/api/documents");
  const body = $("#documents tbody");
  body.replaceChildren();
  for (const d of documents) {
    const st = d.status === "failed" ? "failed" : d.review.state;
    const row = el("tr", { class: d.status === "failed" ? "failed" : "doc", "data-id": d.id },
      el("td", { text: d.name }),
      el("td", {}, el("span", { class: "state " + st.replace(" ", "-"), text: st })),
      el("td", { class: "num", text: d.pages ?? "" }),
      el("td", { class: "num", text: d.unsure ?? "" }),
      el("td", { class: "num", text: d.unsure_per_page ?? "" }),
      el("td", { class: "num", text: pct(d.mean_confidence) }),
      el("td", { text: d.error || (d.review.by ? `${d.review.by}, ${d.review.changed || ""}` : "") }));
    if (d.status !== "failed") row.addEventListener("click", () => { location.hash = d.id; });
    body.append(row);
  }
  setStatus(`${documents.length} document(s)`);
}

// ------------------------------------------------------------------ one document
async function openDocument(id, keepSelection) {
  setStatus("");
  const doc = await api(`/api/documents/${id}`);
  renderDocument(doc, keepSelection);
}

function renderDocument(doc, keepSelection) {
  const previous = keepSelection && state.selected;
  state.doc = doc;
  state.byId = new Map(doc.words.map((w) => [w.id, w]));
  $("#list-view").hidden = true;
  $("#doc-view").hidden = false;
  $("#mark").hidden = false;
  $("#mark").textContent = doc.review.state === "reviewed" ? "Reviewed ✓ (undo)" : "Mark reviewed";
  $("#docname").textContent = doc.name;
  document.title = `${doc.name} · sohoa review`;
  renderScan(doc);
  renderText(doc);
  renderHeader(doc);
  renderTargets(doc);
  updateProgress();
  if (previous && state.byId.has(previous)) select(previous, false);
  else { state.selected = null; showWord(null); }
}

function renderScan(doc) {
  const scan = $("#scan");
  scan.replaceChildren();
  const byPage = new Map();
  for (const w of doc.words) {
    if (!w.box) continue;
    if (!byPage.has(w.page)) byPage.set(w.page, []);
    byPage.get(w.page).push(w);
  }
  for (const p of doc.pages) {
    const page = el("div", { class: "page", id: `page-${p.number}`, "data-page": p.number });
    if (p.image && p.width && p.height) {
      const img = el("img", { src: p.image, alt: `page ${p.number}` });
      img.addEventListener("error", () => {
        img.replaceWith(el("div", { class: "noimage", text: `page ${p.number}: no image (the source file moved or changed)` }));
      });
      page.append(img);
      for (const w of byPage.get(p.number) || []) {
        const [x0, y0, x1, y1] = w.box;
        const box = el("div", { class: "box", "data-id": w.id, title: w.text });
        box.style.left = (100 * x0 / p.width) + "%";
        box.style.top = (100 * y0 / p.height) + "%";
        box.style.width = (100 * (x1 - x0) / p.width) + "%";
        box.style.height = (100 * (y1 - y0) / p.height) + "%";
        box.addEventListener("click", () => select(w.id, "text"));
        page.append(box);
      }
    } else {
      page.append(el("div", { class: "noimage", text: `page ${p.number}: ${p.read === "text" ? "a text input has no page image" : "no image"}` }));
    }
    scan.append(page);
  }
  if (!doc.pages.length) scan.append(el("div", { class: "page" }, el("div", { class: "noimage", text: "no page image" })));
}

function renderText(doc) {
  const text = $("#text");
  text.replaceChildren();
  const lines = Array.from({ length: doc.lines }, () => []);
  for (const w of doc.words) lines[w.line].push(w);
  let page = null;
  lines.forEach((words, i) => {
    if (words.length && words[0].page !== page) {
      if (page !== null) text.append(el("div", { class: "pagebreak", text: `page ${words[0].page}` }));
      page = words[0].page;
    }
    const line = el("div", { class: "line", "data-line": i });
    words.forEach((w, k) => {
      if (k) line.append(" ");
      const span = el("span", { class: "w", "data-id": w.id, text: w.text });
      span.addEventListener("click", () => select(w.id, "scan"));
      line.append(span);
    });
    text.append(line);
  });
  decorate();
}

function decorate() {
  for (const w of state.doc.words) {
    for (const node of document.querySelectorAll(`[data-id="${w.id}"]`)) {
      node.classList.toggle("unsure", w.unsure && !w.checked);
      node.classList.toggle("checked", w.checked);
      node.classList.toggle("corrected", w.corrected);
      if (node.classList.contains("w")) node.textContent = w.text;
    }
  }
  state.order = state.doc.words.filter((w) => w.unsure && !w.checked).map((w) => w.id);
}

function updateProgress() {
  const left = state.doc.words.filter((w) => w.unsure && !w.checked).length;
  const all = state.doc.words.filter((w) => w.unsure).length;
  $("#progress").textContent = `${left} of ${all} unsure word(s) left`;
}

function select(id, scroll) {
  for (const node of document.querySelectorAll(".selected")) node.classList.remove("selected");
  state.selected = id;
  const nodes = document.querySelectorAll(`[data-id="${id}"]`);
  for (const node of nodes) node.classList.add("selected");
  state.syncing = true;
  for (const node of nodes) {
    if (scroll === false) continue;
    node.scrollIntoView({ block: "center", inline: "nearest" });
  }
  setTimeout(() => { state.syncing = false; }, 120);
  showWord(state.byId.get(id));
}

function showWord(w) {
  $("#word-info").hidden = !w;
  $("#edit").hidden = !w;
  $("#word-help").hidden = !!w;
  if (!w) return;
  $("#w-original").textContent = w.original;
  $("#w-restored").textContent = w.restored + (w.corrected ? `  →  ${w.text}` : "");
  $("#w-confidence").textContent = pct(w.confidence) + (w.unsure ? "  (unsure)" : "") + (w.checked ? "  ✓ checked" : "");
  $("#w-ocr").textContent = w.ocr_confidence === null ? "—" : `${w.ocr_confidence} / 100`;
  const alts = $("#w-alternatives");
  alts.replaceChildren();
  for (const [text, p] of w.alternatives) {
    const b = el("button", { type: "button", class: "alternative", text: `${text} (${pct(p)})` });
    b.addEventListener("click", () => save(w.id, text));
    alts.append(b);
  }
  if (w.original !== w.restored) {
    const b = el("button", { type: "button", class: "alternative", text: `${w.original} (as read)` });
    b.addEventListener("click", () => save(w.id, w.original));
    alts.append(b);
  }
  if (!alts.childElementCount) alts.textContent = "—";
  $("#edit-text").value = w.text;
}

function step(direction, quiet) {
  if (!state.order.length) {
    if (!quiet) setStatus("no unsure word left");
    return false;
  }
  const words = state.doc.words;
  const at = state.selected ? words.findIndex((w) => w.id === state.selected) : -1;
  const unsure = new Set(state.order);
  for (let k = 1; k <= words.length; k++) {
    const i = ((at + direction * k) % words.length + words.length) % words.length;
    if (unsure.has(words[i].id)) { select(words[i].id); return true; }
  }
  return false;
}

async function post(body, what) {
  setStatus("saving …");
  try {
    const doc = await api(`/api/documents/${state.doc.id}/corrections`, body);
    renderDocument(doc, true);
    const made = doc.regenerated.length ? `; ${doc.regenerated.join(", ")} made again` : "";
    setStatus(doc.pending ? `${what} saved; ${doc.pending}` : `${what} saved${made}`, !!doc.pending);
    return true;
  } catch (e) {
    setStatus(`not saved: ${e.message}`, true);
    return false;
  }
}

async function save(id, text) {
  const ok = await post({ corrections: [{ id, text }] }, text === state.byId.get(id).restored ? "accepted" : "correction");
  if (ok) {
    if (document.activeElement) document.activeElement.blur();     // the keys move on again
    if (!step(1, true)) setStatus(`${$("#status").textContent} · no unsure word left`);
  }
}

// ------------------------------------------------------------------ header and targets
const HEADER_FIELDS = [["issuer_parent", "issuer (above)"], ["issuer", "issuer"], ["number", "number"],
  ["place", "place"], ["date", "date (YYYY-MM-DD)"], ["doc_type", "document type"], ["signer", "signer"],
  ["signer_title", "signer's title"]];

function renderHeader(doc) {
  const form = $("#header-form");
  form.replaceChildren();
  for (const [key, label] of HEADER_FIELDS) {
    const input = el("input", { name: key, id: `header-${key}`, autocomplete: "off" });
    input.value = doc.header[key] ?? "";
    input.addEventListener("change", () => post({ header: { [key]: input.value } }, `header ${label}`));
    form.append(el("label", { for: `header-${key}`, text: label }), input);
  }
}

function renderTargets(doc) {
  const body = $("#targets tbody");
  body.replaceChildren();
  for (const t of doc.targets) {
    const row = el("tr", { class: t.parent === null ? "" : "child", title: t.raw });
    row.append(el("td", { text: t.number ?? "" }));
    for (const key of ["indicator", "value", "value_max", "unit"]) {
      const cell = el("td", { contenteditable: "true", "data-target": t.id, "data-field": key, text: t[key] ?? "" });
      cell.addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); cell.blur(); } });
      cell.addEventListener("blur", () => {
        let value = cell.textContent.trim();
        const old = t[key] ?? "";
        if (value === String(old)) return;
        if (key === "value" || key === "value_max") {
          value = value === "" ? null : Number(value.replace(/\./g, "").replace(",", "."));
          if (value !== null && Number.isNaN(value)) { setStatus("a value is a number (1.234,5)", true); return; }
        } else if (value === "") value = null;
        post({ targets: [{ id: t.id, [key]: value }] }, `target ${t.number ?? t.id}`);
      });
      row.append(cell);
    }
    body.append(row);
  }
}

// ------------------------------------------------------------------ scrolling together
function syncFrom(source) {
  if (state.syncing || !state.doc) return;
  const from = source === "text" ? $("#text") : $("#scan");
  const to = source === "text" ? $("#scan") : $("#text");
  const top = from.getBoundingClientRect().top;
  const nodes = from.querySelectorAll(source === "text" ? ".w" : ".box");
  let anchor = null;
  for (const node of nodes) {
    const r = node.getBoundingClientRect();
    if (r.bottom >= top + 10) { anchor = node; break; }
  }
  if (!anchor) return;
  const twin = to.querySelector(`${source === "text" ? ".box" : ".w"}[data-id="${anchor.dataset.id}"]`);
  if (!twin) return;
  state.syncing = true;
  to.scrollTop += twin.getBoundingClientRect().top - to.getBoundingClientRect().top -
    (anchor.getBoundingClientRect().top - top);
  requestAnimationFrame(() => { state.syncing = false; });
}

// ------------------------------------------------------------------ start
function route() {
  const id = location.hash.slice(1);
  (id ? openDocument(id) : showList()).catch((e) => setStatus(e.message, true));
}

window.addEventListener("DOMContentLoaded", () => {
  $("#home").addEventListener("click", (e) => { e.preventDefault(); location.hash = ""; });
  $("#mark").addEventListener("click", () => post({ reviewed: state.doc.review.state !== "reviewed" }, "review state"));
  $("#edit").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("#edit-text").value.trim();
    if (state.selected && text) save(state.selected, text);
  });
  $("#accept").addEventListener("click", () => { if (state.selected) save(state.selected, state.byId.get(state.selected).text); });
  $("#text").addEventListener("scroll", () => syncFrom("text"), { passive: true });
  $("#scan").addEventListener("scroll", () => syncFrom("scan"), { passive: true });
  document.addEventListener("keydown", (e) => {
    if (!state.doc) return;
    const typing = e.target.matches("input, [contenteditable]");
    if (e.key === "Escape") {
      if (typing) { e.target.blur(); if (state.selected) showWord(state.byId.get(state.selected)); }
      return;
    }
    if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "n" || e.key === "j") { e.preventDefault(); step(1); }
    else if (e.key === "p" || e.key === "k") { e.preventDefault(); step(-1); }
    else if ((e.key === "a" || e.key === "Enter") && state.selected) {
      e.preventDefault(); save(state.selected, state.byId.get(state.selected).text);
    } else if (e.key === "e" && state.selected) {
      e.preventDefault(); const input = $("#edit-text"); input.focus(); input.select();
    }
  });
  window.addEventListener("hashchange", route);
  route();
});
