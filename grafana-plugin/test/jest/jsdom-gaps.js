// Browser APIs that @grafana/ui and scenes use and jsdom lacks. Each is the smallest faithful stand-in.
const { TextEncoder, TextDecoder } = require('node:util');

// React's scheduler and server renderer (which @grafana/ui loads for text truncation) need MessageChannel.
// Node's ports would keep the test process alive once `onmessage` is set, so messages go through the
// environment's own timers instead, which jest clears when a test file ends.
class ShimPort {
  constructor() {
    this.onmessage = null;
    this.other = null;
  }
  postMessage(data) {
    setTimeout(() => this.other?.onmessage?.({ data }), 0);
  }
  start() {}
  close() {
    this.onmessage = null;
  }
}
class MessageChannel {
  constructor() {
    this.port1 = new ShimPort();
    this.port2 = new ShimPort();
    this.port1.other = this.port2;
    this.port2.other = this.port1;
  }
}

Object.assign(globalThis, { TextEncoder, TextDecoder, MessageChannel });

Object.defineProperty(window, 'matchMedia', {
  writable: true,
  value: (query) => ({
    matches: false,
    media: query,
    onchange: null,
    addListener: () => {},
    removeListener: () => {},
    addEventListener: () => {},
    removeEventListener: () => {},
    dispatchEvent: () => false,
  }),
});

class NoopObserver {
  observe() {}
  unobserve() {}
  disconnect() {}
  takeRecords() {
    return [];
  }
}
globalThis.ResizeObserver = globalThis.ResizeObserver ?? NoopObserver;
globalThis.IntersectionObserver = globalThis.IntersectionObserver ?? NoopObserver;
HTMLCanvasElement.prototype.getContext = () => null;
