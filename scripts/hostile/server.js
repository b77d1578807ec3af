// A misbehaving SIP-over-WebSocket server for dialtone's adversarial tests (ws://127.0.0.1 only).
// The URL path picks the misbehaviour; REGISTER is otherwise answered 200 so that calls can start.
'use strict';
const { WebSocketServer } = require('ws');
const port = Number(process.argv[2] || 18090);
// one far end's failure must not end the server that every other test uses
process.on('unhandledRejection', (e) => console.error('far end error:', e && e.message ? e.message : e));

function parse(text) {
  const cut = text.indexOf('\r\n\r\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const lines = head.split('\r\n');
  const h = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) {
      const k = l.slice(0, i).trim().toLowerCase();
      (h[k] = h[k] || []).push(l.slice(i + 1).trim());
    }
  }
  return { start: lines[0], method: lines[0].split(' ')[0], h, body: cut < 0 ? '' : text.slice(cut + 4) };
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

// Sends as fast as the socket drains (never more than 4 MB waiting in this process): a SIP message from make(n),
// or WebSocket pings when make is null. Stops when the client goes away.
function flood(ws, make) {
  let n = 0;
  const pump = () => {
    if (ws.readyState !== 1) return;
    // a bounded batch per turn of the event loop, so that this server keeps serving others (and reads)
    for (let i = 0; i < 500 && ws.readyState === 1 && ws.bufferedAmount < 4 * 1024 * 1024; i++) {
      if (make) ws.send(make(n++)); else ws.ping('flood');
    }
    setImmediate(pump);
  };
  pump();
}

// --- issue 22, cases 2 and 3 (the "flood" part): a frame too large to hold, and floods whose messages all differ ---
// ws-frame-2e63 / -max / -1g: REGISTER answered, then a raw text-frame header claiming 2^63 (2^63 - 1, 2^30) bytes
// and a few of them. flood-183-varied: 183s whose reason phrase differs each time; flood-183-20k: 183s each with 20 kB
// of headers that differ; flood-options-20k: OPTIONS with 20 kB headers that differ; webrtc-flood-info: an answered call (farend.js), then FLOOD_INFOS (40,000) transcript INFOs.
function bigFrame(ws, mode, req) {
  ws.send(reply(req, 200, 'OK', [`Contact: ${(req.h['contact'] || [''])[0]};expires=600`, 'Expires: 600']));
  const len = Buffer.alloc(8); // 2^63 (its top bit set, which RFC 6455 forbids), 2^63 - 1, or 2^30
  if (mode === 'ws-frame-2e63') len.writeUInt32BE(0x80000000, 0);
  else if (mode === 'ws-frame-max') len.writeBigUInt64BE(0x7fffffffffffffffn, 0);
  else len.writeUInt32BE(0x40000000, 4);
  setTimeout(() => ws._socket.write(Buffer.concat([Buffer.from([0x81, 127]), len, Buffer.from('SIP/2.0 200 OK\r\n')])), 300);
}
function variedFlood(ws, mode, req) {
  if (mode === 'flood-183-varied') { flood(ws, (n) => reply(req, 183, 'Session Progress ' + n + ' ' + Math.random().toString(36).slice(2))); return true; }
  if (mode === 'flood-183-20k') {
    const pad = 'y'.repeat(20 * 1024);
    flood(ws, (n) => reply(req, 183, 'Session Progress ' + n, ['X-Pad-' + n + ': ' + n + pad]));
    return true;
  }
  return false;
}
function infoFlood(ws, req) {
  const from = (req.h['from'] || [''])[0];
  const to = (req.h['to'] || [''])[0];
  const total = Number(process.env.FLOOD_INFOS || 40000);
  let n = 0;
  const pump = () => {
    for (let i = 0; i < 200 && n < total && ws.readyState === 1 && ws.bufferedAmount < 4 * 1024 * 1024; i++, n++) {
      const body = JSON.stringify({ _transcription: { originator: 'remote', messages: [{ text: `transcript line ${n}: ` + Math.random().toString(36).slice(2) }] } });
      ws.send([`INFO sip:dialtone@client.invalid SIP/2.0`, `Via: SIP/2.0/WS hostile.invalid;branch=z9hG4bKinfo${n}`,
        'Max-Forwards: 70', `From: ${to.includes('tag=') ? to : to + ';tag=hostile1'}`, `To: ${from}`,
        `Call-ID: ${(req.h['call-id'] || [''])[0]}`, `CSeq: ${n + 2} INFO`, 'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n'));
    }
    if (n < total && ws.readyState === 1) setImmediate(pump);
  };
  setTimeout(pump, 500);
}

const wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
let farend = null; // loaded on first use: the plain hostile cases do not need node-webrtc
function webrtc() {
  if (!farend) farend = require('./farend');
  return farend;
}

// The WebRTC far ends (farend.js): dialtone calls them, or (webrtc-call-in) they call dialtone after it registers.
function webrtcMode(ws, mode, req, state) {
  if (req.method === 'REGISTER' && mode.startsWith('webrtc-call-in')) {
    ws.send(reply(req, 200, 'OK', [`Contact: ${(req.h['contact'] || [''])[0]};expires=600`, 'Expires: 600']));
    if (state.inviteSent) return true;
    state.inviteSent = true;
    const aor = (req.h['to'] || [''])[0];
    webrtc().offer({ noPath: mode === 'webrtc-call-in-no-ice' }).then((o) => {
      state.call = o;
      const callId = 'farend-' + Date.now();
      state.invite = { callId, from: '<sip:farend@hostile.invalid>;tag=farend1', to: aor };
      ws.send([`INVITE ${aor.replace(/^.*<|>.*$/g, '')} SIP/2.0`, 'Via: SIP/2.0/WS hostile.invalid;branch=z9hG4bKfarendinv' + Date.now(),
        'Max-Forwards: 70', `From: ${state.invite.from}`, `To: ${aor}`, `Call-ID: ${callId}`, 'CSeq: 1 INVITE',
        'Contact: <sip:farend@127.0.0.1;transport=ws>', 'Content-Type: application/sdp',
        `Content-Length: ${Buffer.byteLength(o.sdp)}`, '', o.sdp].join('\r\n'));
    });
    return true;
  }
  if (req.start.startsWith('SIP/2.0 200') && (req.h['cseq'] || [''])[0].endsWith('INVITE') && state.invite) {
    const to = (req.h['to'] || [''])[0];
    state.invite.to = to;
    const body = req.body || '';
    ws.send(['ACK sip:dialtone@client.invalid SIP/2.0', 'Via: SIP/2.0/WS hostile.invalid;branch=z9hG4bKfarendack' + Date.now(),
      'Max-Forwards: 70', `From: ${state.invite.from}`, `To: ${to}`, `Call-ID: ${state.invite.callId}`, 'CSeq: 1 ACK',
      'Content-Length: 0', '', ''].join('\r\n'));
    if (state.answered) return true; // a retransmitted 200: ACKed again above, nothing more
    state.answered = true;
    if (mode === 'webrtc-call-in-teardown') { state.call.accept(body).catch(() => {}); return true; } // dialtone hangs up
    state.call.accept(body).then(() => setTimeout(() => {
      // as a browser hangs up: the peer connection closes, and the BYE goes out in the same instant
      state.call.close();
      ws.send(['BYE sip:dialtone@client.invalid SIP/2.0', 'Via: SIP/2.0/WS hostile.invalid;branch=z9hG4bKfarendbye' + Date.now(),
        'Max-Forwards: 70', `From: ${state.invite.from}`, `To: ${to}`, `Call-ID: ${state.invite.callId}`, 'CSeq: 2 BYE',
        'Content-Length: 0', '', ''].join('\r\n'));
    }, Number(process.env.FAREND_TALK_MS || 3000))).catch(() => {});
    return true;
  }
  if (req.method === 'INVITE') {
    ws.send(reply(req, 100, 'Trying'));
    const opts = { silent: mode === 'webrtc-silent' || mode === 'webrtc-recvonly', recvonly: mode === 'webrtc-recvonly',
      noPath: mode === 'webrtc-no-ice', noTelephoneEvent: mode === 'webrtc-no-te', halfRate: mode === 'webrtc-half-rate',
      muteFrom: mode === 'webrtc-mute-2s' ? 7000 : 0, muteFor: mode === 'webrtc-mute-2s' ? 2000 : 0 };
    webrtc().answer(req.body, opts).then((a) => {
      state.call = a;
      state.req = req;
      ws.send(reply(req, 200, 'OK', ['Contact: <sip:farend@127.0.0.1;transport=ws>', 'Content-Type: application/sdp'], a.sdp));
      if (mode === 'webrtc-flood-info') infoFlood(ws, req);
      if (mode === 'webrtc-hangup-first') {
        setTimeout(() => { a.close(); ws.send(request('BYE', req)); }, Number(process.env.FAREND_TALK_MS || 3000));
      }
    }).catch((e) => ws.send(reply(req, 488, 'Not Acceptable Here ' + String(e.message || e).replace(/[\r\n]/g, ' '))));
    return true;
  }
  if (req.method === 'BYE') {
    if (mode === 'webrtc-teardown-on-bye' || mode === 'webrtc-call-in-teardown') {
      // tear the media down the instant the BYE arrives, answer it a moment later (media servers, JsSIP)
      if (state.call) state.call.close();
      setTimeout(() => ws.send(reply(req, 200, 'OK')), 300);
    } else if (mode === 'webrtc-bye-unanswered') {
      // never answer, keep the media running: dialtone must stop its media and not count this as talk
    } else {
      if (state.call) state.call.close();
      ws.send(reply(req, 200, 'OK'));
    }
    return true;
  }
  return false;
}

wss.on('connection', (ws, httpReq) => {
  const mode = (httpReq.url || '/').slice(1);
  const state = {};
  ws.on('close', () => { if (state.call) state.call.close(); });
  ws.on('message', (data) => {
    const text = data.toString();
    if (!text.trim()) return;
    const req = parse(text);
    if (mode === 'silent') return;
    if (mode.startsWith('webrtc-') && webrtcMode(ws, mode, req, state)) return;
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
        case 'ws-frame-2e63':
        case 'ws-frame-max':
        case 'ws-frame-1g':
          bigFrame(ws, mode, req);
          return;
        case 'close-on-register':
          ws.close(1011, 'going away');
          return;
        case 'register-expires-0':
          ws.send(reply(req, 200, 'OK', [`Contact: ${(req.h['contact'] || [''])[0]};expires=0`]));
          return;
        default:
          ws.send(reply(req, 200, 'OK', [`Contact: ${(req.h['contact'] || [''])[0]};expires=600`, 'Expires: 600']));
          if (mode === 'bye-unknown') ws.send(request('BYE', req));
          if (mode === 'refer-out') ws.send(request('REFER', req, ['Refer-To: <sip:attacker@evil.invalid>']));
          if (mode === 'flood-options') flood(ws, (n) => request('OPTIONS', req).replace(/branch=z9hG4bKhostile\d+/, 'branch=z9hG4bKflood' + n)
            .replace('CSeq: 1 OPTIONS', 'CSeq: ' + (n + 1) + ' OPTIONS'));
          if (mode === 'flood-ping') flood(ws, null);
          if (mode === 'flood-options-20k') flood(ws, (n) => request('OPTIONS', req, ['X-Pad-' + n + ': ' + 'z'.repeat(20 * 1024)])
            .replace(/branch=z9hG4bKhostile\d+/, 'branch=z9hG4bKflood' + n).replace('CSeq: 1 OPTIONS', 'CSeq: ' + (n + 1) + ' OPTIONS'));
          return;
      }
    }
    if (req.method === 'INVITE') {
      if (variedFlood(ws, mode, req)) return;
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
        case 'flood-183':
          flood(ws, () => reply(req, 183, 'Session Progress'));
          return;
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
