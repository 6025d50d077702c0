const fs = require('fs');
for (const f of process.argv.slice(2)) {
  const p = JSON.parse(fs.readFileSync(f));
  const self = new Map(); const byId = new Map(p.nodes.map(n => [n.id, n]));
  const dt = {}; p.samples.forEach((s, i) => { dt[s] = (dt[s] || 0) + (p.timeDeltas[i] || 0); });
  let total = 0;
  for (const [id, t] of Object.entries(dt)) { const n = byId.get(Number(id)); const k = `${n.callFrame.functionName || '(anon)'} ${n.callFrame.url.split('/').slice(-3).join('/')}:${n.callFrame.lineNumber}`; self.set(k, (self.get(k) || 0) + t); total += t; }
  console.log('==', f, (total / 1e6).toFixed(1), 's');
  [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25).forEach(([k, t]) => console.log((t / 1e6).toFixed(2).padStart(7), k));
}
