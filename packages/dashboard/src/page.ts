/**
 * The dashboard's HTML shell and stylesheet. The page is one local script (`/_/app.js`); the
 * page token (local-only.ts) is put in a meta tag only for a top-level navigation.
 */

/** The HTML of `/_/`, with the page token when the request may have it. */
export function pageHtml(token: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${token === undefined ? '' : `<meta name="tincan-token" content="${token}">\n`}<title>tincan dashboard</title>
<link rel="stylesheet" href="/_/app.css">
</head>
<body>
<header><h1>tincan</h1><nav><a href="#/canisters" id="nav-canisters">Canisters</a><a href="#/trees" id="nav-trees">Call trees</a><a href="#/replica" id="nav-replica">Replica</a></nav></header>
<main id="app"><p>Loading…</p></main>
<script type="module" src="/_/app.js"></script>
</body>
</html>
`;
}

/** The stylesheet of `/_/app.css`. */
export const CSS = `
body { font: 14px/1.4 system-ui, sans-serif; margin: 0; color: #1d2330; background: #f6f7f9; }
header { display: flex; gap: 2rem; align-items: baseline; padding: .6rem 1.2rem; background: #1d2330; color: #fff; }
header h1 { font-size: 1.1rem; margin: 0; }
nav a { color: #cfd8ea; margin-right: 1rem; text-decoration: none; }
nav a.active { color: #fff; font-weight: 600; }
main { padding: 1rem 1.2rem; }
table { border-collapse: collapse; background: #fff; width: 100%; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid #e3e6ec; vertical-align: top; }
code, pre, .mono { font-family: ui-monospace, monospace; font-size: 12px; }
pre { background: #fff; border: 1px solid #e3e6ec; padding: .5rem; overflow: auto; max-height: 20rem; white-space: pre-wrap; }
.committed { color: #17663a; } .trapped { color: #b3261e; font-weight: 600; } .discarded { color: #6b7280; }
.card { background: #fff; border: 1px solid #e3e6ec; border-radius: 6px; padding: .8rem; margin-bottom: 1rem; }
.exec { cursor: pointer; } .exec:hover { background: #eef2fb; } .exec.selected { background: #dde6fa; }
fieldset { border: 1px solid #d5dae3; margin: .3rem 0; padding: .3rem .6rem; }
form.method { margin: .6rem 0; padding: .6rem; border: 1px solid #e3e6ec; border-radius: 6px; }
.result { margin-top: .4rem; }
.filters input, .filters select { margin-right: .5rem; }
.pager { margin: .4rem 0; display: flex; gap: .6rem; align-items: center; }
.browser td.value { font-family: ui-monospace, monospace; font-size: 12px; word-break: break-all; }
.browser a.ref { cursor: pointer; }
.note { color: #6b7280; }
.controls form { margin: .5rem 0; }
.controls input { width: 10rem; margin-right: .5rem; }
`;
