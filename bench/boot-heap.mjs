#!/usr/bin/env node
/**
 * `node bench/boot-heap.mjs`: what a process worker's boot leaves in its V8 heap, and who
 * allocated it. Opens the headless runner, follows every worker over Chrome's DevTools protocol
 * from its first instruction (process workers are the kernel worker's children, so the
 * auto-attach is nested), samples each process worker's allocations, garbage included, until
 * the warm pool has booted, then prints each worker's heap before and after a forced
 * collection and the allocation sites by size, per worker.
 *
 * Options (environment): BOOT_WAIT_MS (default 10000), TOP (sites shown, default 25).
 */
import { join } from 'node:path';
import { ensureBuilt, root } from '../bin/build.mjs';
import { launchChromium, openRunner } from '../bin/driver.mjs';
import { serveStatic } from '../bin/static-server.mjs';

const BOOT_WAIT_MS = Number(process.env.BOOT_WAIT_MS ?? 10000);
const TOP = Number(process.env.TOP ?? 25);
const MB = (bytes) => (bytes / 1048576).toFixed(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

await ensureBuilt();
const server = await serveStatic(join(root, 'dist'));
const browser = await launchChromium();
const page = await browser.newPage();
const cdp = await browser.newBrowserCDPSession();

// Messages to a nested target go wrapped once per level (non-flat sessions): `route` is the
// chain of session ids from the page's down to the target's.
let nextId = 1;
const pending = new Map();
function sender(route) {
  return (method, params = {}) => {
    const id = nextId++;
    let message = { id, method, params };
    for (let level = route.length - 1; level >= 1; level--) {
      const sessionId = route[level];
      message = {
        id: nextId++,
        method: 'Target.sendMessageToTarget',
        params: { sessionId, message: JSON.stringify(message) },
      };
    }
    const answered = new Promise((resolve) => pending.set(id, resolve));
    cdp
      .send('Target.sendMessageToTarget', { sessionId: route[0], message: JSON.stringify(message) })
      .catch(() => {});
    // A worker that ended (the snapshot's) never answers.
    return Promise.race([answered, sleep(8000).then(() => null)]);
  };
}
const processWorkers = [];
async function attached(route, info) {
  const send = sender(route);
  if (info.url.includes('process.worker')) {
    processWorkers.push(send);
    await send('HeapProfiler.enable');
    await send('HeapProfiler.startSampling', {
      samplingInterval: 4096,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: true,
    });
  } else {
    await send('Target.setAutoAttach', {
      autoAttach: true,
      waitForDebuggerOnStart: true,
      flatten: false,
    });
  }
  await send('Runtime.runIfWaitingForDebugger');
}
function received(route, message) {
  if (message.method === 'Target.receivedMessageFromTarget') {
    received([...route, message.params.sessionId], JSON.parse(message.params.message));
  } else if (message.method === 'Target.attachedToTarget') {
    void attached([...route, message.params.sessionId], message.params.targetInfo);
  } else if (message.id && pending.has(message.id)) {
    pending.get(message.id)(message.result ?? null);
    pending.delete(message.id);
  }
}
cdp.on('Target.receivedMessageFromTarget', (event) =>
  received([event.sessionId], JSON.parse(event.message)),
);
const { targetInfos } = await cdp.send('Target.getTargets');
const pageTarget = targetInfos.find(
  (target) => target.type === 'page' && target.url === 'about:blank',
);
const { sessionId } = await cdp.send('Target.attachToTarget', {
  targetId: pageTarget.targetId,
  flatten: false,
});
await sender([sessionId])('Target.setAutoAttach', {
  autoAttach: true,
  waitForDebuggerOnStart: true,
  flatten: false,
});

await openRunner({ newPage: async () => page }, server.url);
await sleep(BOOT_WAIT_MS);

const sites = new Map();
let profiled = 0;
for (const send of processWorkers) {
  const before = await send('Runtime.getHeapUsage');
  const sampled = await send('HeapProfiler.getSamplingProfile');
  if (!before || !sampled) continue; // ended
  await send('HeapProfiler.collectGarbage');
  const after = await send('Runtime.getHeapUsage');
  profiled += 1;
  console.log(
    `worker ${profiled}: heap used ${MB(before.usedSize)} of ${MB(before.totalSize)} MB;` +
      ` after a full collection ${MB(after.usedSize)} of ${MB(after.totalSize)} MB`,
  );
  const walk = (node, stack) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const frames = [
      ...stack,
      `${functionName || '(anonymous)'} ${url.split('/').pop()}:${lineNumber}`,
    ];
    if (node.selfSize) {
      const site = frames.slice(-4).reverse().join(' < ');
      sites.set(site, (sites.get(site) ?? 0) + node.selfSize);
    }
    for (const child of node.children) walk(child, frames);
  };
  walk(sampled.profile.head, []);
}
const total = [...sites.values()].reduce((sum, bytes) => sum + bytes, 0);
console.log(
  `\nallocated during the boot, per worker (garbage included): ${MB(total / profiled)} MB`,
);
for (const [site, bytes] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, TOP)) {
  console.log(`${MB(bytes / profiled).padStart(6)} MB  ${site}`);
}
await browser.close();
server.close();
