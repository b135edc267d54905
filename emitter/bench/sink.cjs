// Loopback OTLP/HTTP JSON sink for the benchmark, run as a child process so it does not share the
// emitter's core. Counts records and reports the count over IPC when asked.
const { createServer } = require('node:http');

let records = 0;
const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    for (const rl of body.resourceLogs) for (const sl of rl.scopeLogs) records += sl.logRecords.length;
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send({ records });
  if (m === 'reset') records = 0;
  if (m === 'stop') server.close(() => process.exit(0));
});
