// WebRTC far ends that behave unlike dialtone, for the verdict tests: an independent WebRTC stack (node-webrtc,
// @roamhq/wrtc) behind the hostile SIP-over-WebSocket server. Media is relayed through the lab's coturn on
// 127.0.0.1 (relay-only), so every packet stays on loopback. Each sends a 1000 Hz tone while its call is up.
'use strict';
const wrtc = require('@roamhq/wrtc');

const TURN = {
  urls: `turn:127.0.0.1:${process.env.LAB_TURN_PORT || 13478}?transport=udp`,
  username: process.env.LAB_TURN_USER || 'turnuser',
  credential: process.env.LAB_TURN_PASSWORD || '',
};

function peer(opts = {}) {
  // noPath: a TURN password the server refuses, so relay-only gathers nothing: no candidate, and no check ever sent
  const turn = opts.noPath ? { ...TURN, credential: 'wrong-password' } : TURN;
  const pc = new wrtc.RTCPeerConnection({ iceServers: [turn], iceTransportPolicy: 'relay' });
  let timer = null;
  if (opts.silent && !opts.recvonly) {
    // a track that never gets a frame: the answer says sendrecv, and no RTP ever comes
    pc.addTrack(new wrtc.nonstandard.RTCAudioSource().createTrack());
  } else if (!opts.silent) {
    const source = new wrtc.nonstandard.RTCAudioSource();
    const track = source.createTrack();
    pc.addTrack(track);
    // Paced by the clock, not by the timer: setInterval(10) fires late on a loaded machine (42-47 frames a second
    // were seen here), and a far end that makes 90 % of its packets is one dialtone must fail. Frames that fell due
    // while the timer was late are sent at once; a stall of 400 ms or more (the process paused) is not made up.
    let n = 0;
    const start = process.hrtime.bigint();
    let due = 0;
    timer = setInterval(() => {
      const now = Number((process.hrtime.bigint() - start) / 10000000n);
      if (now - due >= 40) due = now; // paused: what fell due meanwhile is gone, as from a stopped sender
      for (; due <= now; due++) {
        // halfRate: every other 10 ms frame is left out, so its encoder makes half the packets, sequence numbers unbroken
        if (opts.halfRate && due % 2 === 1) continue;
        const samples = new Int16Array(480);
        // muteFrom/muteFor (ms since the first frame): packets keep coming, carrying silence
        const muted = opts.muteFor && due * 10 >= opts.muteFrom && due * 10 < opts.muteFrom + opts.muteFor;
        if (!muted) for (let i = 0; i < 480; i++) samples[i] = Math.round(8000 * Math.sin(2 * Math.PI * 1000 * (n * 480 + i) / 48000));
        n++;
        try { source.onData({ samples, sampleRate: 48000, bitsPerSample: 16, channelCount: 1, numberOfFrames: 480 }); } catch (e) { /* closed */ }
      }
    }, 10);
  }
  return {
    pc,
    close() { if (timer) clearInterval(timer); timer = null; try { pc.close(); } catch (e) { /* closed */ } },
  };
}

function gathered(pc) {
  return new Promise((resolve) => {
    if (pc.iceGatheringState === 'complete') return resolve();
    const t = setTimeout(resolve, 5000);
    pc.addEventListener('icegatheringstatechange', () => {
      if (pc.iceGatheringState === 'complete') { clearTimeout(t); resolve(); }
    });
  });
}

// The answer as a far end without RFC 4733 support would send it: no telephone-event payload types.
function withoutTelephoneEvent(sdp) {
  const lines = sdp.split('\r\n');
  const te = lines.filter((l) => /^a=rtpmap:\d+ telephone-event\//i.test(l)).map((l) => l.split(/[: ]/)[1]);
  return lines.filter((l) => !te.some((pt) => l.startsWith(`a=rtpmap:${pt} `) || l.startsWith(`a=fmtp:${pt} `)))
    .map((l) => (l.startsWith('m=audio') ? l.split(' ').filter((x, i) => i < 3 || !te.includes(x)).join(' ') : l))
    .join('\r\n');
}

// Answers an SDP offer: returns { sdp, close }.
async function answer(offerSdp, opts = {}) {
  const p = peer(opts);
  await p.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
  if (opts.recvonly) p.pc.getTransceivers().forEach((t) => { t.direction = 'recvonly'; });
  await p.pc.setLocalDescription(await p.pc.createAnswer());
  await gathered(p.pc);
  let sdp = p.pc.localDescription.sdp;
  if (opts.noTelephoneEvent) sdp = withoutTelephoneEvent(sdp);
  return { sdp, close: () => p.close() };
}

// Makes an offer: returns { sdp, accept(answerSdp), close }.
async function offer(opts = {}) {
  const p = peer(opts);
  await p.pc.setLocalDescription(await p.pc.createOffer());
  await gathered(p.pc);
  return {
    sdp: p.pc.localDescription.sdp,
    accept: (sdp) => p.pc.setRemoteDescription({ type: 'answer', sdp }),
    close: () => p.close(),
    state: () => p.pc.connectionState,
  };
}

module.exports = { answer, offer };
