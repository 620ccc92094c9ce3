/**
 * The dashboard's HTTP handler, mounted by `tincan start` in front of the IC's HTTP interface:
 * `GET /` redirects to `/_/`, `/_/` is the page, `/_/app.js` its script (bundled at build
 * time), and `/_/api/…` the JSON it reads. Anything else is left to the HTTP interface.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Replica } from '@tincan/replica';
import { answerApi } from './api.js';

/** Handles a request if it is the dashboard's; returns false to leave it to the next handler. */
export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>tincan dashboard</title>
<link rel="stylesheet" href="/_/app.css">
</head>
<body>
<header><h1>tincan</h1><nav><a href="#/canisters" id="nav-canisters">Canisters</a><a href="#/trees" id="nav-trees">Call trees</a></nav></header>
<main id="app"><p>Loading…</p></main>
<script type="module" src="/_/app.js"></script>
</body>
</html>
`;

const CSS = `
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
`;

/** The dashboard for `replica`, as a request handler. */
export function dashboardHandler(replica: Replica): RequestHandler {
  let script: string | undefined;
  const loadScript = (): string => {
    if (script === undefined) {
      try {
        script = readFileSync(createRequire(import.meta.url).resolve('@tincan/dashboard/ui/app.js'), 'utf8');
      } catch {
        return `document.getElementById('app').textContent = 'The dashboard UI is not built: run npm run build.';`;
      }
    }
    return script;
  };
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    if (path !== '/' && path !== '/_' && !path.startsWith('/_/')) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      send(res, 405, 'text/plain; charset=utf-8', `Use GET for ${path}`);
      return true;
    }
    if (path === '/' || path === '/_') {
      res.writeHead(302, { location: '/_/', 'content-type': 'text/plain; charset=utf-8' });
      res.end('The tincan dashboard is at /_/\n');
      return true;
    }
    if (path === '/_/') send(res, 200, 'text/html; charset=utf-8', PAGE);
    else if (path === '/_/app.js') send(res, 200, 'text/javascript; charset=utf-8', loadScript());
    else if (path === '/_/app.css') send(res, 200, 'text/css; charset=utf-8', CSS);
    else if (path.startsWith('/_/api/')) {
      answerApi(replica, path.slice('/_/api/'.length), url.searchParams).then(
        (answer) => send(res, answer.status, 'application/json', JSON.stringify(answer.body)),
        (err: unknown) => send(res, 500, 'application/json', JSON.stringify({ error: (err as Error)?.message ?? String(err) })),
      );
    } else send(res, 404, 'text/plain; charset=utf-8', `No such dashboard page: ${path}`);
    return true;
  };
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.headersSent || res.destroyed) return;
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, { 'content-type': type, 'content-length': bytes.length, 'cache-control': 'no-store' });
  res.end(bytes);
}
