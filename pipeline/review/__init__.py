"""review: `sohoa review OUTDIR`, a local web page to check the restored words against the scan,
and the corrections it keeps (apply.py), the documents it serves (store.py), the page images it
renders from the sources (pages.py) and its HTTP server (server.py). The page itself is
index.html, review.js and review.css here: plain HTML, CSS and JavaScript, no build step, nothing fetched from elsewhere."""
