// The Socket.IO peer of the Sente load harness: the npm `socket.io` server as an application would
// set it up (default options, both transports), speaking the harness's stdin control lines exactly
// as dev.sente.bench.server.ServerMain does:
//   ready <port> <pid>                                   printed once listening
//   push <users> <intervalMicros> <durationMillis> [first]
//                                                   ->  pushed <count> <startNanos> <endNanos>
//                                                       (users u<first> .. u<first + users - 1>)
//   gc                                              ->  heap <usedBytes>   (needs --expose-gc)
//   stats                                           ->  stats   (no counters of its own)
//   quit, or stdin closing                          ->  exit
// Request/reply is an event with an ack: socket.on('echo', (data, ack) => ack(data)).
// Fan-out goes per user through rooms: each socket joins the room of its `auth.uid`, and the push
// loop emits io.to(uid).emit('push', stamp). Stamps are process.hrtime.bigint(), CLOCK_MONOTONIC,
// the clock of Java's System.nanoTime() on Linux.
// With a Redis URL as the second argument (`socketio-server.js 0 redis://127.0.0.1:6379`) the server
// is one node of a cluster: `@socket.io/redis-adapter` with two `redis` clients (publish, subscribe),
// as its README sets it up, so io.to(uid).emit reaches the room's sockets on every node. Errors of
// the Redis clients are logged to stderr (an unhandled 'error' event would end the process);
// anything else that goes wrong is left as it is, so that a crash shows.
'use strict';

const http = require('node:http');
const readline = require('node:readline');
const { Server } = require('socket.io');

const port = Number(process.argv[2] || 0);
const redisUrl = process.argv[3];
const httpServer = http.createServer();
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  const uid = socket.handshake.auth && socket.handshake.auth.uid;
  if (typeof uid === 'string') {
    socket.join(uid);
  }
  socket.on('echo', (data, ack) => {
    if (typeof ack === 'function') {
      ack(data);
    }
  });
});

const now = () => Number(process.hrtime.bigint());

// Rounds of one message per user, one round due every interval; yields to the event loop between
// rounds so that I/O keeps flowing. Same schedule as dev.sente.bench.server.Pacer.
function push(first, users, intervalMicros, durationMillis, done) {
  const ids = [];
  for (let i = 0; i < users; i++) ids.push('u' + (first + i));
  const start = now();
  const end = start + durationMillis * 1e6;
  const interval = Math.max(1, intervalMicros) * 1000;
  let rounds = 0;
  const tick = () => {
    const t = now();
    if (t >= end) {
      done(rounds * users, start, now());
      return;
    }
    const due = Math.floor((t - start) / interval) + 1;
    if (rounds < due) {
      for (let i = 0; i < users; i++) {
        io.to(ids[i]).emit('push', now());
      }
      rounds++;
      setImmediate(tick);
    } else {
      setTimeout(tick, Math.max(0, Math.min(1, (start + rounds * interval - t) / 1e6)));
    }
  };
  tick();
}

async function listen() {
  if (redisUrl) {
    const { createClient } = require('redis');
    const { createAdapter } = require('@socket.io/redis-adapter');
    const pub = createClient({ url: redisUrl });
    const sub = pub.duplicate();
    pub.on('error', (e) => process.stderr.write('redis pub error: ' + e + '\n'));
    sub.on('error', (e) => process.stderr.write('redis sub error: ' + e + '\n'));
    await Promise.all([pub.connect(), sub.connect()]);
    io.adapter(createAdapter(pub, sub));
  }
  httpServer.listen(port, '127.0.0.1', () => {
    process.stdout.write('ready ' + httpServer.address().port + ' ' + process.pid + '\n');
  });
}
listen().catch((e) => {
  process.stderr.write('could not start: ' + e + '\n');
  process.exit(1);
});

const lines = readline.createInterface({ input: process.stdin });
lines.on('line', (line) => {
  const words = line.trim().split(/\s+/);
  switch (words[0]) {
    case 'push':
      push(
        Number(words[4] || 0),
        Number(words[1]),
        Number(words[2]),
        Number(words[3]),
        (count, start, end) => {
          process.stdout.write('pushed ' + count + ' ' + start + ' ' + end + '\n');
        },
      );
      break;
    case 'gc':
      if (global.gc) {
        global.gc();
        global.gc();
      }
      process.stdout.write('heap ' + process.memoryUsage().heapUsed + '\n');
      break;
    case 'stats':
      process.stdout.write('stats\n');
      break;
    case 'quit':
      process.exit(0);
      break;
    default:
      process.stdout.write('error unknown command ' + words[0] + '\n');
  }
});
lines.on('close', () => process.exit(0));
