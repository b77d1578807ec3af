// A voice agent for calibrating dialtone's conversation figures: an independent SIP-over-WebSocket server and WebRTC
// far end (node-webrtc, @roamhq/wrtc; not dialtone) that answers a call, greets, detects the caller's speech by
// itself, waits a configured think time, answers with synthesised speech, and stops talking when interrupted after a
// configured reaction time. It logs its true times, on its own clock, to a file per call:
//   <log dir>/<id>.jsonl   one JSON object a line:
//     {"ev":"answered","t":...}                        the 200 OK was sent
//     {"ev":"said","start":...,"end":...,"text":..., "interrupted":bool, "think":ms}   first and last audible sample
//                                                       it sent of a prompt; the think time it waited (none: greeting)
//     {"ev":"heard","start":...,"end":...}             a caller utterance, as it received it (its own detector)
//     {"ev":"barge","heard":...,"stopped":...}         the caller spoke into a prompt; the end of the last audible
//                                                       sample it sent of it (cut short in a pause: before the cut)
//     {"ev":"bye","t":...}
// Times are milliseconds on the agent's clock (performance.timeOrigin + performance.now()); only differences matter.
//
// The call is configured by the WebSocket URL: ws://127.0.0.1:PORT/agent?id=NAME&think=800&react=300&codec=pcmu
//   id        the log file's name ([A-Za-z0-9-], required)     think  think time after the caller stopped (ms); a
//                                                               list (think=200,3000) is taken in turn, reply by reply
//   react     how long it keeps talking over a barge-in (ms)   codec  opus (default), pcmu or pcma
//   greet     delay from the answer to the greeting (ms, 1000)  hold   how long the caller must be quiet (ms, 500)
//   relay=0   host candidates only (no TURN relay in the path)
//   transcripts=1  also sends each prompt's text in an INFO {"_transcription": ...}, as voice platforms do
// Media is relayed through the lab's coturn on 127.0.0.1 (relay-only), as farend.js does.
'use strict';
const { WebSocketServer } = require('ws');
const wrtc = require('@roamhq/wrtc');
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const port = Number(process.argv[2] || 18091);
const logDir = process.argv[3] || path.join(os.tmpdir(), 'dialtone-agent');
fs.mkdirSync(logDir, { recursive: true });
process.on('unhandledRejection', (e) => console.error('agent error:', e && e.message ? e.message : e));

const TURN = {
  urls: `turn:127.0.0.1:${process.env.LAB_TURN_PORT || 13478}?transport=udp`,
  username: process.env.LAB_TURN_USER || 'turnuser',
  credential: process.env.LAB_TURN_PASSWORD || '',
};
const now = () => performance.timeOrigin + performance.now();
const RATE = 48000;
const FRAME = 480;

// ---- prompts: espeak-ng, resampled to 48 kHz by sox, made once at start -----------------------------------------
const PROMPTS = {
  greeting: 'Hello, thank you for calling Acme. How can I help you today?',
  replies: [
    'Your balance is one hundred and twenty dollars, due on Friday.',
    'Sure. I can help with that, and it will only take a moment. First, let me look at your account, then I will read you the options you have, one by one, so that you can choose the best one for you.',
    'Is there anything else I can help you with?',
  ],
};
const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dialtone-agent-prompts-'));
function synth(text, name) {
  const raw = path.join(work, name + '-raw.wav');
  const out = path.join(work, name + '.wav');
  execFileSync('espeak-ng', ['-w', raw, text]);
  execFileSync('sox', [raw, '-r', String(RATE), '-c', '1', '-b', '16', '-e', 'signed-integer', out]);
  const b = fs.readFileSync(out);
  let o = 12; // find the data chunk
  while (o + 8 <= b.length && b.toString('ascii', o, o + 4) !== 'data') o += 8 + b.readUInt32LE(o + 4);
  const n = Math.floor(b.readUInt32LE(o + 4) / 2);
  const pcm = new Int16Array(n);
  for (let i = 0; i < n; i++) pcm[i] = b.readInt16LE(o + 8 + 2 * i);
  // trimmed to its audible samples, as the truth of "speech starts/ends" is the first/last audible one
  let a = 0; let z = n - 1;
  while (a < n && Math.abs(pcm[a]) < 66) a++;
  while (z > a && Math.abs(pcm[z]) < 66) z--;
  return { text, pcm: pcm.slice(a, z + 1) };
}
const greeting = synth(PROMPTS.greeting, 'greeting');
const replies = PROMPTS.replies.map((t, i) => synth(t, 'reply' + i));

// ---- SIP ----------------------------------------------------------------------------------------------------------
function parse(text) {
  const cut = text.indexOf('\r\n\r\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  const lines = head.split('\r\n');
  const h = {};
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) (h[l.slice(0, i).trim().toLowerCase()] = h[l.slice(0, i).trim().toLowerCase()] || []).push(l.slice(i + 1).trim());
  }
  return { start: lines[0], method: lines[0].split(' ')[0], h, body: cut < 0 ? '' : text.slice(cut + 4) };
}
function reply(req, status, reason, extra = [], body = '') {
  const to = (req.h.to || [''])[0];
  const lines = [`SIP/2.0 ${status} ${reason}`, ...(req.h.via || []).map((v) => `Via: ${v}`),
    `From: ${(req.h.from || [''])[0]}`, `To: ${to.includes('tag=') ? to : to + ';tag=agent1'}`,
    `Call-ID: ${(req.h['call-id'] || [''])[0]}`, `CSeq: ${(req.h.cseq || [''])[0]}`, ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}
let cseq = 1;
function request(method, invite, extra = [], body = '') {
  const from = (invite.h.from || [''])[0];
  const to = (invite.h.to || [''])[0];
  const contact = ((invite.h.contact || [''])[0].match(/<([^>]+)>/) || [])[1] || 'sip:dialtone@client.invalid';
  return [`${method} ${contact} SIP/2.0`, `Via: SIP/2.0/WS agent.invalid;branch=z9hG4bKagent${Date.now()}${cseq}`,
    'Max-Forwards: 70', `From: ${to.includes('tag=') ? to : to + ';tag=agent1'}`, `To: ${from}`,
    `Call-ID: ${(invite.h['call-id'] || [''])[0]}`, `CSeq: ${++cseq} ${method}`, ...extra,
    `Content-Length: ${Buffer.byteLength(body)}`, '', body].join('\r\n');
}

// The offer without the codecs this call must not use: the answer then picks the one asked for.
function onlyCodec(sdp, codec) {
  if (!codec || codec === 'opus') return sdp;
  const name = codec === 'pcma' ? 'PCMA' : 'PCMU';
  const lines = sdp.split('\r\n');
  const keep = new Set();
  for (const l of lines) {
    const m = l.match(/^a=rtpmap:(\d+) ([^/]+)\//);
    if (m && (m[2].toUpperCase() === name || m[2].toLowerCase() === 'telephone-event' && /\/8000/.test(l))) keep.add(m[1]);
  }
  return lines.filter((l) => {
    const m = l.match(/^a=(?:rtpmap|fmtp|rtcp-fb):(\d+)/);
    return !m || keep.has(m[1]);
  }).map((l) => (l.startsWith('m=audio') ? l.split(' ').filter((x, i) => i < 3 || keep.has(x)).join(' ') : l)).join('\r\n');
}

// ---- one call -----------------------------------------------------------------------------------------------------
function num(q, k, d, max) {
  const v = Number(q.get(k));
  return q.has(k) && Number.isFinite(v) && v >= 0 && v <= max ? v : d;
}

const seen = new Map();

class AgentCall {
  constructor(ws, q) {
    this.ws = ws;
    const thinks = String(q.get('think') || '800').split(',').slice(0, 20).map(Number)
      .filter((v) => Number.isFinite(v) && v >= 0 && v <= 10000);
    this.thinks = thinks.length ? thinks : [800];
    this.react = num(q, 'react', 300, 10000);
    this.greetAfter = num(q, 'greet', 1000, 10000);
    this.hold = num(q, 'hold', 500, 5000);
    this.codec = q.get('codec') || 'opus';
    this.transcripts = q.get('transcripts') === '1';
    this.relay = q.get('relay') !== '0';
    const id = q.get('id') || 'agent';
    const base = /^[A-Za-z0-9-]{1,60}$/.test(id) ? id : 'agent';
    const k = seen.get(base) || 0; // the calls of a load run share an id: the second is NAME-1, and so on
    seen.set(base, k + 1);
    const name = base + (k ? '-' + k : '');
    this.log = path.join(logDir, name + '.jsonl');
    fs.writeFileSync(this.log, '');
    this.speaking = null; // { prompt, pos, start, interrupted }
    this.turn = 0;
    this.heard = null; // the caller's utterance in progress: { start, lastLoud, loudRun }
    this.loudRun = 0;
    this.pending = null;
  }

  write(o) {
    fs.appendFileSync(this.log, JSON.stringify(o) + '\n');
  }

  async answer(req) {
    this.invite = req;
    this.pc = new wrtc.RTCPeerConnection(this.relay ? { iceServers: [TURN], iceTransportPolicy: 'relay' } : {});
    this.source = new wrtc.nonstandard.RTCAudioSource();
    this.pc.addTrack(this.source.createTrack());
    await this.pc.setRemoteDescription({ type: 'offer', sdp: onlyCodec(req.body, this.codec) });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await new Promise((resolve) => {
      if (this.pc.iceGatheringState === 'complete') return resolve();
      const t = setTimeout(resolve, 5000);
      this.pc.addEventListener('icegatheringstatechange', () => {
        if (this.pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
      });
    });
    const track = this.pc.getReceivers()[0].track;
    this.sink = new wrtc.nonstandard.RTCAudioSink(track);
    this.sink.ondata = (d) => this.onAudio(d);
    this.ws.send(reply(req, 200, 'OK', ['Contact: <sip:agent@127.0.0.1;transport=ws>', 'Content-Type: application/sdp'],
      this.pc.localDescription.sdp));
    this.answeredAt = now();
    this.write({ ev: 'answered', t: this.answeredAt, think: this.thinks, react: this.react, codec: this.codec });
    this.startPump();
    this.greetTimer = setTimeout(() => this.say(greeting), this.greetAfter);
  }

  // Sends a frame every 10 ms, paced by the clock (late ticks catch up): the current prompt, or silence.
  startPump() {
    const t0 = now();
    let sent = 0;
    const tick = () => {
      if (this.closed) return;
      const due = Math.floor((now() - t0) / 10) + 1;
      this.pumpLate = Math.max(this.pumpLate || 0, now() - (t0 + sent * 10)); // how late this tick's first frame is
      for (let k = 0; sent < due && k < 20; k++, sent++) this.pushFrame();
      if (due - sent > 20) sent = due; // a long stall: drop the backlog, as a sound card would
      this.pumpTimer = setTimeout(tick, Math.max(1, t0 + sent * 10 - now()));
    };
    tick();
  }

  pushFrame() {
    const samples = new Int16Array(FRAME);
    const s = this.speaking;
    if (s) {
      const t = now();
      if (s.start === undefined) s.start = t;
      const n = Math.min(FRAME, s.prompt.pcm.length - s.pos);
      samples.set(s.prompt.pcm.subarray(s.pos, s.pos + n));
      s.pos += n;
      // the frame pushed at t is the audio of [t, t + 10 ms): its last audible sample ends k samples into it
      let k = n;
      while (k > 0 && Math.abs(samples[k - 1]) < 66) k--;
      if (k > 0) s.lastAudible = t + (k * 1000) / RATE;
      const stopNow = s.stopAt !== undefined && t >= s.stopAt;
      if (s.pos >= s.prompt.pcm.length || stopNow) {
        // what it said ends with the last audible sample it sent: cut short between two words, that is the end of
        // the word before the cut, not the moment it stopped sending (a listener cannot hear it stop in a pause)
        const end = s.lastAudible === undefined ? t : s.lastAudible;
        this.write({ ev: 'said', start: s.start, end, text: s.prompt.text, interrupted: !!stopNow, think: s.think,
          pumpLateMaxMs: Math.round(this.pumpLate || 0) });
        this.pumpLate = 0;
        this.jitterBuffer('said');
        if (stopNow) this.write({ ev: 'barge', heard: s.bargeHeard, stopped: end });
        this.speaking = null;
      }
    }
    try { this.source.onData({ samples, sampleRate: RATE, bitsPerSample: 16, channelCount: 1, numberOfFrames: FRAME }); } catch (e) { /* closed */ }
  }

  // The receiving jitter buffer's average delay since the last sample (getStats: jitterBufferDelay over
  // jitterBufferEmittedCount), logged beside the event that asked for it: how much of the path is the buffer.
  jitterBuffer(at) {
    if (!this.pc || this.closed) return;
    this.pc.getStats().then((r) => {
      r.forEach((x) => {
        if (x.type !== 'inbound-rtp' || x.kind !== 'audio' || x.jitterBufferEmittedCount === undefined) return;
        const d = x.jitterBufferDelay - (this.jbDelay || 0);
        const n = x.jitterBufferEmittedCount - (this.jbCount || 0);
        this.jbDelay = x.jitterBufferDelay;
        this.jbCount = x.jitterBufferEmittedCount;
        this.write({ ev: 'jitterbuffer', at, avgMs: n > 0 ? Math.round((1000 * d) / n) : null,
          concealed: x.concealedSamples, accelerated: x.removedSamplesForAcceleration });
      });
    }).catch(() => {});
  }

  say(prompt, think) {
    if (this.closed) return;
    this.speaking = { prompt, pos: 0, think };
    if (this.transcripts) {
      const body = JSON.stringify({ _transcription: { originator: 'agent', text: prompt.text } });
      this.ws.send(request('INFO', this.invite, ['Content-Type: application/json'], body));
    }
  }

  // Its own detector: a 10 ms frame above -55 dBFS is loud (the line is clean: dialtone sends digital silence);
  // two in a row start an utterance (at the first), `hold` ms of quiet frames end it (at the end of the last loud
  // one). Frame times are on the audio's own clock: frame n was received at anchor + n x 10 ms, the anchor being the
  // earliest that the last 2 s of deliveries allow (so a stalled event loop, which hands over several frames at once,
  // does not move them, and the clock follows a slow drift).
  frameTime(t, frameMs) {
    const n = this.frames = (this.frames || 0) + 1;
    const a = t - n * frameMs;
    this.anchors = this.anchors || [];
    this.anchors.push(a);
    if (this.anchors.length > 200) this.anchors.shift();
    return Math.min(...this.anchors) + n * frameMs;
  }

  onAudio(d) {
    const x = d.samples;
    const ch = d.channelCount || 1;
    let sum = 0;
    const n = d.numberOfFrames || x.length / ch;
    for (let i = 0; i < n; i++) { const v = x[i * ch] / 32768; sum += v * v; }
    const db = 10 * Math.log10(sum / Math.max(1, n) + 1e-12);
    const loud = db > -55;
    const frameMs = (n * 1000) / (d.sampleRate || RATE);
    const t = this.frameTime(now(), frameMs); // as dialtone takes it: the frame is heard during [t, t + frameMs)
    // how far the delivery of received audio fell behind the wall clock since its first frame (the pull's own drift)
    if (this.firstPull === undefined) this.firstPull = now();
    this.pullLag = now() - this.firstPull - (this.frames - 1) * frameMs;
    if (loud) {
      this.loudRun++;
      this.quietMs = 0;
      if (!this.heard) {
        if (this.loudRun === 1) this.firstLoud = t;
        if (this.loudRun >= 2) {
          this.heard = { start: this.firstLoud, lastLoud: t + frameMs };
          this.onCallerStarted();
        }
      } else {
        this.heard.lastLoud = t + frameMs;
      }
    } else {
      this.loudRun = 0;
      this.quietMs = (this.quietMs || 0) + frameMs;
      if (this.heard && this.quietMs >= this.hold) {
        const u = this.heard;
        this.heard = null;
        this.write({ ev: 'heard', start: u.start, end: u.lastLoud, pullLagMs: Math.round(this.pullLag) });
        this.jitterBuffer('heard');
        this.onCallerEnded(u);
      }
    }
  }

  onCallerStarted() {
    if (this.pending) { clearTimeout(this.pending); this.pending = null; } // it had not answered yet: it listens on
    const s = this.speaking;
    if (s && s.stopAt === undefined) {
      s.bargeHeard = this.heard.start;
      s.stopAt = now() + this.react;
    }
  }

  onCallerEnded(u) {
    const think = this.thinks[this.turn % this.thinks.length];
    const at = u.lastLoud + think; // think time from the end of the caller's speech, as heard here
    const prompt = replies[this.turn++ % replies.length];
    this.pending = setTimeout(() => { this.pending = null; this.say(prompt, think); }, Math.max(0, at - now()));
  }

  close() {
    if (this.closed) return;
    this.closed = true;
    this.write({ ev: 'bye', t: now() });
    clearTimeout(this.greetTimer);
    clearTimeout(this.pumpTimer);
    if (this.pending) clearTimeout(this.pending);
    try { if (this.sink) this.sink.stop(); } catch (e) { /* closed */ }
    try { if (this.pc) this.pc.close(); } catch (e) { /* closed */ }
  }
}

const wss = new WebSocketServer({ host: '127.0.0.1', port, handleProtocols: (p) => (p.has('sip') ? 'sip' : false) });
wss.on('connection', (ws, httpReq) => {
  const q = new URL(httpReq.url || '/', 'http://x').searchParams;
  const calls = new Map(); // by Call-ID: a shared connection carries many
  ws.on('close', () => { for (const c of calls.values()) c.close(); });
  ws.on('message', (data) => {
    const req = parse(data.toString());
    if (req.start.startsWith('SIP/2.0')) return; // answers to our INFO
    if (req.method === 'REGISTER') {
      ws.send(reply(req, 200, 'OK', [`Contact: ${(req.h.contact || [''])[0]};expires=600`, 'Expires: 600']));
    } else if (req.method === 'INVITE') {
      const cid = (req.h['call-id'] || [''])[0];
      if (calls.has(cid)) return; // a retransmission, or a re-INVITE: not for this agent
      ws.send(reply(req, 100, 'Trying'));
      const call = new AgentCall(ws, q);
      calls.set(cid, call);
      call.answer(req).catch((e) => ws.send(reply(req, 488, 'Not Acceptable Here ' + String(e.message || e).replace(/[\r\n]/g, ' '))));
    } else if (req.method === 'BYE') {
      const call = calls.get((req.h['call-id'] || [''])[0]);
      if (call) call.close();
      ws.send(reply(req, 200, 'OK'));
    } else if (req.method !== 'ACK') {
      ws.send(reply(req, 200, 'OK'));
    }
  });
});
wss.on('listening', () => console.log(`voice agent (SIP over WebSocket) on ws://127.0.0.1:${port}, logs in ${logDir}`));
