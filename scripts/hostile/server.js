// A misbehaving SIP-over-WebSocket server for dialtone's adversarial tests (ws://127.0.0.1 only).
// The URL path picks the misbehaviour; REGISTER is otherwise answered 200 so that calls can start.
'use strict';
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2] || 18090);

function parse(text) {
  const [head] = text.split('\r\n\r\n');
  const lines = head.split('\r\n');
  const h = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) {
      const k = l.slice(0, i).trim().toLowerCase();
      (h[k] = h[k] || []).push(l.slice(i + 1).trim());
    }
  }
  return { start: lines[0], method: lines[0].split(' ')[0], h };
}

function reply(req, status, reason, extra = [], body = '') {
  const h = req.h;
  const to = (h['to'] || [''])[0];
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const v of h['via'] || []) lines.push(`Via: ${v}`);
  lines.push(`From: ${(h['from'] || [''])[0]}`);
  lines.push(`To: ${to.includes('tag=') ? to : to + ';tag=hostile1'}`);
  lines.push(`Call-ID: ${(h['call-id'] || [''])[0]}`);
  lines.push(`CSeq: ${(h['cseq'] || [''])[0]}`);
  for (const e of extra) lines.push(e);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

function request(method, req, extra = []) {
  const from = (req.h['from'] || [''])[0];
  const to = (req.h['to'] || [''])[0];
  return [`${method} sip:dialtone@client.invalid SIP/2.0`, 'Via: SIP/2.0/WS hostile.invalid;branch=z9hG4bKhostile' + Date.now(),
    'Max-Forwards: 70', `From: ${to.includes('tag=') ? to : to + ';tag=hostile1'}`, `To: ${from}`,
    `Call-ID: ${(req.h['call-id'] || [''])[0]}`, `CSeq: 1 ${method}`, ...extra, 'Content-Length: 0', '', ''].join('\r\n');
}

const wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
wss.on('connection', (ws, httpReq) => {
  const mode = (httpReq.url || '/').slice(1);
  ws.on('message', (data) => {
    const text = data.toString();
    if (!text.trim()) return;
    const req = parse(text);
    if (mode === 'silent') return;
    if (req.method === 'REGISTER') {
      switch (mode) {
        case 'garbage':
          for (let i = 0; i < 5; i++) ws.send('\u0000\u00ff not SIP at all ' + i + '\r\n\r\n');
          return;
        case 'huge':
          ws.send(reply(req, 200, 'OK', ['X-Pad: ' + 'x'.repeat(1024 * 1024)]));
          return;
        case 'drip': {
          // one text frame, written to the socket one byte a second
          const payload = Buffer.from(reply(req, 200, 'OK'));
          const frame = Buffer.concat([Buffer.from([0x81, 126, payload.length >> 8, payload.length & 255]), payload]);
          let i = 0;
          const t = setInterval(() => { if (i >= frame.length || ws.readyState !== 1) return clearInterval(t); ws._socket.write(frame.subarray(i, i + 1)); i++; }, 1000);
          return;
        }
        case 'badcl':
          ws.send(reply(req, 200, 'OK').replace(/Content-Length: 0/, 'Content-Length: 500'));
          return;
        case 'headers': {
          const many = [];
          for (let i = 0; i < 5000; i++) many.push(`X-H${i}: v`);
          ws.send(reply(req, 200, 'OK', many));
          return;
        }
        case 'close-on-register':
          ws.close(1011, 'going away');
          return;
        default:
          ws.send(reply(req, 200, 'OK', [`Contact: ${(req.h['contact'] || [''])[0]};expires=600`, 'Expires: 600']));
          if (mode === 'bye-unknown') ws.send(request('BYE', req));
          if (mode === 'refer-out') ws.send(request('REFER', req, ['Refer-To: <sip:attacker@evil.invalid>']));
          return;
      }
    }
    if (req.method === 'INVITE') {
      switch (mode) {
        case 'no-sdp':
          ws.send(reply(req, 200, 'OK', ['Contact: <sip:hostile@127.0.0.1;transport=ws>']));
          return;
        case 'bad-sdp':
          ws.send(reply(req, 200, 'OK', ['Contact: <sip:hostile@127.0.0.1;transport=ws>', 'Content-Type: application/sdp'],
            'v=0\r\nthis is not an SDP answer\r\n'));
          return;
        case 'plain-rtp':
          ws.send(reply(req, 200, 'OK', ['Contact: <sip:hostile@127.0.0.1;transport=ws>', 'Content-Type: application/sdp'],
            'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n'));
          return;
        case 'endless-1xx': {
          const t = setInterval(() => { if (ws.readyState !== 1) return clearInterval(t); ws.send(reply(req, 180, 'Ringing')); }, 100);
          return;
        }
        case 'close-mid-invite':
          ws.send(reply(req, 180, 'Ringing'));
          setTimeout(() => ws.terminate(), 300);
          return;
        default:
          ws.send(reply(req, 100, 'Trying'));
          return;
      }
    }
    if (req.method === 'CANCEL') {
      ws.send(reply(req, 200, 'OK'));
      return;
    }
    if (!req.start.startsWith('SIP/2.0') && req.method !== 'ACK') ws.send(reply(req, 200, 'OK'));
  });
});
wss.on('listening', () => console.log(`hostile SIP-over-WebSocket server on ws://127.0.0.1:${port}`));
