// Loopback OTLP/HTTP logs sink for the benchmark, run as a child process so it does not share the
// emitter's core. Counts the log records of each request (OTLP JSON, or protobuf read field by field) and
// reports the count and the largest request over IPC when asked.
const { createServer } = require('node:http');

let records = 0;
let largestRequest = 0;

/** Calls `onField(fieldNumber, start, end)` for each length-delimited field of the message in buf[start, end). */
function eachLengthDelimited(buf, start, end, onField) {
  let pos = start;
  const varint = () => {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = buf[pos++];
      value += (byte & 0x7f) * 2 ** shift;
      if (byte < 0x80) return value;
      shift += 7;
    }
  };
  while (pos < end) {
    const key = varint();
    const wireType = key & 7;
    if (wireType === 0) varint();
    else if (wireType === 1) pos += 8;
    else if (wireType === 5) pos += 4;
    else if (wireType === 2) {
      const length = varint();
      onField(Math.floor(key / 8), pos, pos + length);
      pos += length;
    } else throw new Error(`unexpected wire type ${wireType}`);
  }
}

// ExportLogsServiceRequest.resource_logs = 1, ResourceLogs.scope_logs = 2, ScopeLogs.log_records = 2
// (opentelemetry/proto/collector/logs/v1/logs_service.proto, opentelemetry/proto/logs/v1/logs.proto).
function countProtobuf(buf) {
  let n = 0;
  eachLengthDelimited(buf, 0, buf.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    eachLengthDelimited(buf, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachLengthDelimited(buf, s2, e2, (f3) => {
        if (f3 === 2) n++;
      });
    });
  });
  return n;
}

function countJson(buf) {
  let n = 0;
  for (const rl of JSON.parse(buf.toString('utf8')).resourceLogs)
    for (const sl of rl.scopeLogs) n += sl.logRecords.length;
  return n;
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = Buffer.concat(chunks);
    largestRequest = Math.max(largestRequest, body.length);
    const json = String(req.headers['content-type']).startsWith('application/json');
    records += json ? countJson(body) : countProtobuf(body);
    res.writeHead(200, { 'content-type': json ? 'application/json' : 'application/x-protobuf' });
    res.end(json ? '{}' : '');
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
process.on('message', (m) => {
  if (m === 'count') process.send({ records, largestRequest });
  if (m === 'stop') server.close(() => process.exit(0));
});
