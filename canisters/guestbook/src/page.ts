/** The guestbook's one HTML page: it lists entries from `/api/entries` and posts new ones there. */
export const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Guestbook</title>
</head>
<body>
<h1>Guestbook</h1>
<form id="sign">
  <input id="name" name="name" placeholder="Your name" required maxlength="64">
  <input id="message" name="message" placeholder="Your message" required maxlength="280">
  <button type="submit">Sign</button>
</form>
<p id="status"></p>
<ul id="entries"></ul>
<script>
async function load() {
  const res = await fetch('/api/entries');
  const entries = await res.json();
  const list = document.getElementById('entries');
  list.replaceChildren(...entries.map((e) => {
    const li = document.createElement('li');
    li.textContent = e.name + ': ' + e.message;
    return li;
  }));
  document.getElementById('status').textContent = entries.length + ' entries';
}
document.getElementById('sign').addEventListener('submit', async (event) => {
  event.preventDefault();
  const name = document.getElementById('name').value;
  const message = document.getElementById('message').value;
  const res = await fetch('/api/entries', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, message }) });
  document.getElementById('status').textContent = res.ok ? 'Signed' : 'Error ' + res.status;
  await load();
});
load();
</script>
</body>
</html>
`;
